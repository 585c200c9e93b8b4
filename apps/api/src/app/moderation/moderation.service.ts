import { Injectable } from '@nestjs/common';
import { ModerationLogStore, NoteReportsStore, PrismaService } from '@bridgenotes/database';
import { NOTE_ACTIONS, type ModerationLogEntry } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import { Page, pageOf } from '../common/cursor';
import type { CommunityKey } from '../communities/communities.service';
import { noteNotFound, NotesService } from '../notes/notes.service';
import type { ModerationActionDto } from './dto/moderation-input.dto';
import type { ReportedNoteDto } from './dto/moderation.dto';
import { decodeQueueCursor, encodeQueueCursor } from './report-queue-cursor';

/** The longest page of the public log. */
export const LOG_PAGE = 1000;

const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Moderators' work: the queue of reported notes, their actions (written to the public log with
 * their effect, by `ModerationLogStore`) and the log itself.
 */
@Injectable()
export class ModerationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly log: ModerationLogStore,
    private readonly reports: NoteReportsStore,
    private readonly notes: NotesService,
  ) {}

  /**
   * The open reports, a page at a time: notes still shown with a report that came after the
   * last action on them, latest reported first (`NoteReportsStore.openNotes`). Keyset-paginated;
   * a note reported again while a moderator pages moves to the top, where the next look finds
   * it.
   */
  async queue(
    community: CommunityKey,
    limit: number,
    cursor?: string,
  ): Promise<Page<ReportedNoteDto>> {
    const after = cursor === undefined ? undefined : decodeQueueCursor(cursor);
    const open = await this.reports.openNotes(community.id, limit + 1, after);
    const noteIds = open.map((row) => row.noteId);
    const [notes, reasons, texts] = await Promise.all([
      this.prisma.note.findMany({ where: { id: { in: noteIds } }, include: { post: true } }),
      this.reports.reasons(noteIds),
      this.reports.texts(noteIds),
    ]);
    const blocked = await this.prisma.blockedPseudonym.findMany({
      where: {
        communityId: community.id,
        pseudonym: { in: [...new Set(notes.map((note) => note.authorPseudonym))] },
      },
    });
    const isBlocked = new Set(blocked.map((row) => row.pseudonym));
    const byId = new Map(notes.map((note) => [note.id, note]));
    const page = pageOf(open, limit, encodeQueueCursor);
    return {
      nextCursor: page.nextCursor,
      items: page.items.flatMap(({ noteId, count, lastDay }) => {
        const note = byId.get(noteId);
        if (!note) return [];
        return [
          {
            note: {
              id: note.id,
              postId: note.postId,
              postUrl: note.post.canonicalUrl,
              authorPseudonym: note.authorPseudonym,
              text: note.text,
              sources: note.sources,
              status: note.status,
              deleted: note.deletedAt !== null,
              hidden: note.hidden,
              redacted: note.redacted,
              authorBlocked: isBlocked.has(note.authorPseudonym),
            },
            reportCount: count,
            reasons: Object.fromEntries(
              reasons.filter((row) => row.noteId === noteId).map((row) => [row.reason, row.count]),
            ),
            texts: texts.filter((row) => row.noteId === noteId).map((row) => row.text),
            lastDay: day(lastDay),
          },
        ];
      }),
    };
  }

  /** Writes the action and its effect, or refuses it with nothing written. */
  async act(
    community: CommunityKey,
    moderatorKeyId: string,
    input: ModerationActionDto,
  ): Promise<ModerationLogEntry> {
    const onNote = NOTE_ACTIONS.includes(input.action);
    const id = onNote ? input.noteId : input.pseudonym;
    const other = onNote ? input.pseudonym : input.noteId;
    if (id === undefined || other !== undefined) {
      throw ApiError.of('MODERATION_TARGET_INVALID', input.action, onNote ? 'noteId' : 'pseudonym');
    }
    const target = `${onNote ? 'note' : 'pseudonym'}:${id}`;
    const result = await this.log.append(community.id, {
      action: input.action,
      target,
      reasonCode: input.reasonCode,
      moderatorKeyId,
    });
    if (!result.ok) {
      if (result.refusal === 'note-not-found') throw noteNotFound(community, id);
      if (result.refusal === 'pseudonym-not-found') {
        throw ApiError.of('PSEUDONYM_NOT_FOUND', community.slug);
      }
      throw ApiError.of('MODERATION_UNCHANGED', input.action, target);
    }
    // A DISMISS changes no read of the note.
    if (onNote && input.action !== 'DISMISS') this.notes.forgetPostReads();
    return result.entry;
  }

  /** Up to `limit` entries after `after`, oldest first. */
  entries(community: CommunityKey, after: number, limit: number): Promise<ModerationLogEntry[]> {
    return this.log.entries(community.id, after, limit);
  }

  /**
   * Up to `limit` entries before `before` (the newest when undefined), newest first: one read
   * down the log's key whatever its length, where following `nextAfter` to the end would read
   * every entry.
   */
  newest(
    community: CommunityKey,
    before: number | undefined,
    limit: number,
  ): Promise<ModerationLogEntry[]> {
    return this.log.newest(community.id, before, limit);
  }
}
