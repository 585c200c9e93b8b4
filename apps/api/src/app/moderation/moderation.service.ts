import { Injectable } from '@nestjs/common';
import { ModerationLogStore, PrismaService } from '@bridgenotes/database';
import { NOTE_ACTIONS, type ModerationLogEntry } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';
import { noteNotFound, NotesService } from '../notes/notes.service';
import type { ModerationActionDto } from './dto/moderation-input.dto';
import type { ReportedNoteDto } from './dto/moderation.dto';
import { NoteReportsService } from './note-reports.service';

/** The queue shows this many notes, most reported first. */
const QUEUE_LIMIT = 100;

/** A page of the public log. */
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
    private readonly reports: NoteReportsService,
    private readonly notes: NotesService,
  ) {}

  async queue(community: CommunityKey): Promise<ReportedNoteDto[]> {
    const tallies = await this.reports.tallies(community.id, QUEUE_LIMIT);
    const noteIds = [...new Set(tallies.map((tally) => tally.noteId))];
    const [notes, texts] = await Promise.all([
      this.prisma.note.findMany({ where: { id: { in: noteIds } }, include: { post: true } }),
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
    return noteIds.flatMap((noteId) => {
      const note = byId.get(noteId);
      if (!note) return [];
      const mine = tallies.filter((tally) => tally.noteId === noteId);
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
          reportCount: mine.reduce((sum, tally) => sum + tally.count, 0),
          reasons: Object.fromEntries(mine.map((tally) => [tally.reason, tally.count])),
          texts: texts.filter((row) => row.noteId === noteId).map((row) => row.text),
          lastDay: day(new Date(Math.max(...mine.map((tally) => tally.lastDay.getTime())))),
        },
      ];
    });
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
      throw ApiError.of('MODERATION_UNCHANGED', input.action, target);
    }
    if (onNote) this.notes.forgetPostReads();
    return result.entry;
  }

  entries(community: CommunityKey, after: number): Promise<ModerationLogEntry[]> {
    return this.log.entries(community.id, after, LOG_PAGE);
  }
}
