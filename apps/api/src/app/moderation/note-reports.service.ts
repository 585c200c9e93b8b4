import { Injectable } from '@nestjs/common';
import { NoteReport, Prisma, PrismaService } from '@bridgenotes/database';

import { ApiError } from '../common/api-error';
import type { CommunityKey } from '../communities/communities.service';
import { ActionProofsService } from '../membership/action-proofs.service';
import { noteNotFound } from '../notes/notes.service';
import type { ReportNoteDto } from './dto/moderation-input.dto';

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** What the moderation queue reads of a note's reports. */
export interface ReportTally {
  noteId: string;
  reason: NoteReport['reason'];
  count: number;
  lastDay: Date;
}

/**
 * The one owner of `note_reports`: members' proven reports (action `note.report`), one per
 * pseudonym and note. Reports are for moderators: neither served publicly nor exported, since a
 * report beside its reporter's pseudonym says more about that member than any rating.
 */
@Injectable()
export class NoteReportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly proofs: ActionProofsService,
  ) {}

  async report(community: CommunityKey, noteId: string, input: ReportNoteDto): Promise<NoteReport> {
    const text = input.text ?? '';
    if (input.reason === 'OTHER' && text.trim() === '') throw ApiError.of('REPORT_TEXT_REQUIRED');
    const note = await this.prisma.note.findFirst({
      where: { id: noteId, communityId: community.id, hidden: false },
      select: { id: true },
    });
    if (!note) throw noteNotFound(community, noteId);
    const reporter = await this.proofs.verify(
      community,
      {
        kind: 'note.report',
        target: `note:${noteId}`,
        payload: { reason: input.reason, text },
        clientMinute: input.clientMinute,
      },
      input.proof,
    );
    try {
      return await this.prisma.noteReport.create({
        data: {
          communityId: community.id,
          noteId,
          reporterPseudonym: reporter,
          reason: input.reason,
          text,
          message: String(input.proof['message']),
          day: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw ApiError.of('REPORT_EXISTS', noteId);
      throw error;
    }
  }

  /** Report counts per note and reason, most reported notes first, at most `limit` notes. */
  async tallies(communityId: string, limit: number): Promise<ReportTally[]> {
    const rows = await this.prisma.$queryRaw<
      { note_id: string; reason: NoteReport['reason']; count: bigint; last_day: Date }[]
    >`
      WITH top AS (
        SELECT note_id, count(*) AS total FROM note_reports
         WHERE community_id = ${communityId}::uuid
         GROUP BY note_id ORDER BY count(*) DESC, note_id LIMIT ${limit})
      SELECT r.note_id, r.reason, count(*) AS count, max(r.day) AS last_day
        FROM note_reports r JOIN top ON top.note_id = r.note_id
       GROUP BY r.note_id, r.reason, top.total
       ORDER BY top.total DESC, r.note_id`;
    return rows.map((row) => ({
      noteId: row.note_id,
      reason: row.reason,
      count: Number(row.count),
      lastDay: row.last_day,
    }));
  }

  /** The words of the OTHER reports (and any other report that gave some) of these notes. */
  texts(noteIds: string[]): Promise<{ noteId: string; text: string }[]> {
    return this.prisma.noteReport.findMany({
      where: { noteId: { in: noteIds }, text: { not: '' } },
      select: { noteId: true, text: true },
      orderBy: [{ day: 'asc' }, { id: 'asc' }],
    });
  }
}
