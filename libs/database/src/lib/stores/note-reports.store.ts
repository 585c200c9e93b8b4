import { Injectable } from '@nestjs/common';

import { Prisma, type NoteReport, type ReportReason } from '../../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { blockedForWrite } from './pseudonym-block-lock';

type Tx = Prisma.TransactionClient;

export type NewReport = Pick<
  NoteReport,
  'communityId' | 'noteId' | 'reporterPseudonym' | 'reason' | 'text' | 'day'
>;

/** A note of the moderation queue: when it was last reported, and how often in all. */
export interface OpenNote {
  noteId: string;
  lastDay: Date;
  count: number;
}

/** Where a page of the queue starts: after this note, in the queue's order. */
export type QueuePosition = OpenNote;

/**
 * The one owner of `note_reports`: members' proven reports, one per pseudonym and note, for
 * moderators only. A moderator's action on a note settles its reports (`settle`, in the action's
 * transaction): they leave the queue, and a redaction empties their texts, which could quote
 * what it removed.
 */
@Injectable()
export class NoteReportsStore {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Stores a report of a shown note of the community: answers the report, `NOTE_GONE` when
   * there is no such note, or it is deleted by its author, hidden or redacted (the queue, which
   * shows none of them, would never show the report), `DUPLICATE` when the pseudonym reported the
   * note already, or `BLOCKED` when a moderator blocked the pseudonym since its proof was
   * checked. The note's row is locked while the report is written, so a deletion or redaction
   * cannot pass in between: a redaction after the report empties its text (`settle`), one before
   * it refuses it. A duplicate is skipped by the insert (ON CONFLICT DO NOTHING), not refused by
   * the unique index: a unique violation would have PostgreSQL log the (note, reporter
   * pseudonym) pair with the time, and leave the refused row's bytes in the table's file.
   */
  create(report: NewReport): Promise<NoteReport | 'NOTE_GONE' | 'DUPLICATE' | 'BLOCKED'> {
    return this.prisma.$transaction(async (tx) => {
      // Its reporter blocked since the proof check's read (`blockedForWrite`).
      if (await blockedForWrite(tx, report.communityId, report.reporterPseudonym)) {
        return 'BLOCKED';
      }
      const [note] = await tx.$queryRaw<unknown[]>`
        SELECT 1 FROM notes
         WHERE id = ${report.noteId}::uuid AND community_id = ${report.communityId}::uuid
           AND deleted_at IS NULL AND NOT hidden AND NOT redacted
           FOR SHARE`;
      if (!note) return 'NOTE_GONE';
      const [stored] = await tx.noteReport.createManyAndReturn({
        data: [report],
        skipDuplicates: true,
      });
      return stored ?? 'DUPLICATE';
    });
  }

  /**
   * A page of the queue: the community's notes that are neither deleted, hidden nor redacted and
   * have a report no action has handled, by the day of their latest report, then their count of
   * reports (both descending, then note id), after `after`.
   */
  async openNotes(communityId: string, limit: number, after?: QueuePosition): Promise<OpenNote[]> {
    const rows = await this.prisma.$queryRaw<{ note_id: string; last_day: Date; count: number }[]>`
      WITH open AS (
        SELECT DISTINCT note_id FROM note_reports
         WHERE community_id = ${communityId}::uuid AND NOT handled),
      tallies AS (
        SELECT r.note_id, max(r.day) AS last_day, count(*)::int AS count
          FROM note_reports r JOIN open ON open.note_id = r.note_id
         GROUP BY r.note_id)
      SELECT t.note_id, t.last_day, t.count
        FROM tallies t JOIN notes n ON n.id = t.note_id
       WHERE n.deleted_at IS NULL AND NOT n.hidden AND NOT n.redacted
         ${
           after
             ? Prisma.sql`AND (t.last_day, t.count, t.note_id)
                  < (${after.lastDay}::date, ${after.count}::int, ${after.noteId}::uuid)`
             : Prisma.empty
         }
       ORDER BY t.last_day DESC, t.count DESC, t.note_id DESC
       LIMIT ${limit}`;
    return rows.map((row) => ({ noteId: row.note_id, lastDay: row.last_day, count: row.count }));
  }

  /** Report counts per note and reason. */
  async reasons(
    noteIds: string[],
  ): Promise<{ noteId: string; reason: ReportReason; count: number }[]> {
    const rows = await this.prisma.noteReport.groupBy({
      by: ['noteId', 'reason'],
      where: { noteId: { in: noteIds } },
      _count: { _all: true },
    });
    return rows.map((row) => ({ noteId: row.noteId, reason: row.reason, count: row._count._all }));
  }

  /**
   * The words of the open reports of these notes that gave some, oldest first. Those of reports
   * an action handled were read then: shown again with every later report, an abusive or
   * personal text would stay before moderators for good.
   */
  texts(noteIds: string[]): Promise<{ noteId: string; text: string }[]> {
    return this.prisma.noteReport.findMany({
      where: { noteId: { in: noteIds }, handled: false, text: { not: '' } },
      select: { noteId: true, text: true },
      orderBy: [{ day: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * In a moderation action's transaction: the note's reports so far are handled, and with a
   * redaction they lose their texts. Answers how many were still open (a DISMISS of none would
   * change nothing).
   */
  async settle(tx: Tx, noteId: string, redact: boolean): Promise<number> {
    const { count } = await tx.noteReport.updateMany({
      where: { noteId, handled: false },
      data: { handled: true },
    });
    if (redact) await tx.noteReport.updateMany({ where: { noteId }, data: { text: '' } });
    return count;
  }
}
