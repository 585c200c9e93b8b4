import { Injectable } from '@nestjs/common';
import {
  MODERATION_GENESIS,
  moderationEntryHash,
  noteTarget,
  pseudonymTarget,
  type ModerationAction,
  type ModerationLogEntry,
  type ModerationReason,
  type UnhashedEntry,
} from '@bridgenotes/protocol';

import { Prisma, type ModerationLogEntry as LogRow } from '../../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { lockNoteForChange } from './note-change-lock';
import { NoteReportsStore } from './note-reports.store';
import { lockPseudonymForBlock } from './pseudonym-block-lock';
import { ScoringOutbox } from './scoring-outbox';

type Tx = Prisma.TransactionClient;

/** A moderator's decision, before it has a place in the log. */
export interface ModerationDecision {
  action: ModerationAction;
  target: string;
  reasonCode: ModerationReason;
  moderatorKeyId: string;
}

/**
 * Why an action was not written: its note is not in the community, the pseudonym it would block
 * never wrote, rated, requested or reported anything there, it would change nothing (hiding a
 * hidden note, redacting twice, blocking a blocked pseudonym…), or (for an entry copied from an
 * origin) it does not follow the log held so far, or (`redaction-mismatch`) redacts a note
 * under another message than the note's proven one.
 */
export type ModerationRefusal =
  'note-not-found' | 'pseudonym-not-found' | 'unchanged' | 'out-of-chain' | 'redaction-mismatch';

export type AppendResult =
  { ok: true; entry: ModerationLogEntry } | { ok: false; refusal: ModerationRefusal };

export const logEntryOf = (row: LogRow): ModerationLogEntry => ({
  seq: row.seq,
  action: row.action,
  target: row.target,
  reasonCode: row.reasonCode as ModerationReason,
  moderatorKeyId: row.moderatorKeyId,
  day: row.day.toISOString().slice(0, 10),
  message: row.message,
  previousHash: row.previousHash,
  hash: row.hash,
});

class Refused extends Error {
  constructor(readonly refusal: ModerationRefusal) {
    super(refusal);
  }
}

/**
 * The one writer of `moderation_log` and `blocked_pseudonyms`, and of what moderation changes
 * on a note (`hidden`, `redacted`, and a redaction's emptied text and sources; its reports are
 * settled by `NoteReportsStore`, which is all a DISMISS changes): an entry and its effect are
 * written in one transaction, so the log and the data never disagree. The API appends its
 * moderators' decisions; a mirror appends its origin's entries unchanged.
 */
@Injectable()
export class ModerationLogStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: ScoringOutbox,
    private readonly reports: NoteReportsStore,
  ) {}

  /**
   * Chains a decision after the community's last entry (today's day) and applies it. A block
   * names a pseudonym that acted in the community: the log is public and permanent, and a
   * number that matches no one would stay in it for good.
   */
  append(
    communityId: string,
    decision: ModerationDecision,
    now = new Date(),
  ): Promise<AppendResult> {
    return this.write(communityId, async (tx, last) => {
      const pseudonym = pseudonymTarget(decision.target);
      if (decision.action === 'BLOCK' && !(await this.actedIn(tx, communityId, pseudonym))) {
        throw new Refused('pseudonym-not-found');
      }
      const message = await this.applyEffect(tx, communityId, decision.action, decision.target);
      const unhashed: UnhashedEntry = {
        seq: (last?.seq ?? 0) + 1,
        ...decision,
        day: now.toISOString().slice(0, 10),
        message,
        previousHash: last?.hash ?? MODERATION_GENESIS,
      };
      return { ...unhashed, hash: moderationEntryHash(communityId, unhashed) };
    });
  }

  /**
   * Appends an origin's entry as it is (a mirror), if it follows the entries held and hashes
   * right; its effect is applied as on the origin. A redaction of a note held here must record
   * that note's proven message: the text it erases can then no longer be checked, and the
   * mirror's own export would fail `verify` (PROOF_MESSAGE). `fence` runs first in the entry's
   * transaction: a mirror's check that it may still store what it pulls (not promoted since).
   */
  appendCopy(
    communityId: string,
    entry: ModerationLogEntry,
    fence?: (tx: Tx) => Promise<void>,
  ): Promise<AppendResult> {
    return this.write(communityId, async (tx, last) => {
      await fence?.(tx);
      const { hash, ...unhashed } = entry;
      const follows =
        entry.seq === (last?.seq ?? 0) + 1 &&
        entry.previousHash === (last?.hash ?? MODERATION_GENESIS) &&
        moderationEntryHash(communityId, unhashed) === hash;
      if (!follows) throw new Refused('out-of-chain');
      let erased: string | null = null;
      try {
        erased = await this.applyEffect(tx, communityId, entry.action, entry.target);
      } catch (error) {
        // The origin's log is the truth: an action that changes nothing here (its note not
        // pulled yet) is still part of the chain.
        if (!(error instanceof Refused)) throw error;
      }
      // Thrown in the transaction: the erasure is undone with the entry.
      if (entry.action === 'REDACT' && erased !== null && erased !== entry.message) {
        throw new Refused('redaction-mismatch');
      }
      return entry;
    });
  }

  async entries(
    communityId: string,
    afterSeq: number,
    take: number,
  ): Promise<ModerationLogEntry[]> {
    const rows = await this.prisma.moderationLogEntry.findMany({
      where: { communityId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take,
    });
    return rows.map(logEntryOf);
  }

  /** The `take` entries before `beforeSeq` (all when undefined), newest first. */
  async newest(
    communityId: string,
    beforeSeq: number | undefined,
    take: number,
  ): Promise<ModerationLogEntry[]> {
    const rows = await this.prisma.moderationLogEntry.findMany({
      where: { communityId, ...(beforeSeq === undefined ? {} : { seq: { lt: beforeSeq } }) },
      orderBy: { seq: 'desc' },
      take,
    });
    return rows.map(logEntryOf);
  }

  async last(communityId: string): Promise<ModerationLogEntry | undefined> {
    const row = await this.prisma.moderationLogEntry.findFirst({
      where: { communityId },
      orderBy: { seq: 'desc' },
    });
    return row ? logEntryOf(row) : undefined;
  }

  async isBlocked(communityId: string, pseudonym: string): Promise<boolean> {
    const row = await this.prisma.blockedPseudonym.findUnique({
      where: { communityId_pseudonym: { communityId, pseudonym } },
    });
    return row !== null;
  }

  private async write(
    communityId: string,
    make: (tx: Tx, last: LogRow | null) => Promise<ModerationLogEntry>,
  ): Promise<AppendResult> {
    try {
      const entry = await this.prisma.$transaction(async (tx) => {
        // One append at a time per community, in any process: the chain has no forks.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`moderation:${communityId}`}, 0))`;
        const last = await tx.moderationLogEntry.findFirst({
          where: { communityId },
          orderBy: { seq: 'desc' },
        });
        const entry = await make(tx, last);
        await tx.moderationLogEntry.create({
          data: { communityId, ...entry, day: new Date(`${entry.day}T00:00:00Z`) },
        });
        return entry;
      });
      return { ok: true, entry };
    } catch (error) {
      if (error instanceof Refused) return { ok: false, refusal: error.refusal };
      throw error;
    }
  }

  /** Changes what the action changes, or refuses; answers a redaction's proof message. */
  private async applyEffect(
    tx: Tx,
    communityId: string,
    action: ModerationAction,
    target: string,
  ): Promise<string | null> {
    const noteId = noteTarget(target);
    const pseudonym = pseudonymTarget(target);
    if (noteId !== undefined) {
      // A redaction changes what the export shows of the note: it takes the change counter
      // (`change_batch()`, as its update would) before the note's locks, the order a sealed
      // batch, which may store the note's deletion, takes them in; taken after, the two could
      // each wait for the other. A hide changes nothing the counter follows.
      if (action === 'REDACT') await tx.$queryRaw`SELECT change_batch()`;
      // A hide or redaction after the ratings being buffered for the note, and before any other.
      if (action !== 'DISMISS') await lockNoteForChange(tx, noteId);
      const note = await tx.note.findFirst({
        where: { id: noteId, communityId },
        select: { hidden: true, redacted: true, message: true, deletedAt: true },
      });
      if (!note) throw new Refused('note-not-found');
      if (action === 'DISMISS') {
        // Its author took it back: no queue shows it, so there is nothing left to review.
        if (note.deletedAt !== null) throw new Refused('note-not-found');
        // Changes nothing but the reports: only a note with an open one is worth a log entry.
        if ((await this.reports.settle(tx, noteId, false)) === 0) throw new Refused('unchanged');
        return null;
      }
      const change =
        action === 'HIDE' && !note.hidden
          ? { hidden: true }
          : action === 'RESTORE' && note.hidden
            ? { hidden: false }
            : action === 'REDACT' && !note.redacted
              ? { redacted: true, text: '', sources: [] }
              : undefined;
      if (!change) throw new Refused('unchanged');
      await tx.note.update({ where: { id: noteId }, data: change });
      await this.reports.settle(tx, noteId, action === 'REDACT');
      if (action !== 'REDACT') return null;
      // With topics, a run reads the notes' texts: one from before the redaction cannot be
      // recomputed from the export any more (RUN_PREDATES_REDACTION), the next one can.
      await this.outbox.record(tx, communityId, 'note.redacted');
      return note.message;
    }
    if (pseudonym === undefined) throw new Refused('unchanged');
    const key = { communityId_pseudonym: { communityId, pseudonym } };
    if (action === 'BLOCK') {
      // After the writes of the pseudonym being buffered, and before any other.
      await lockPseudonymForBlock(tx, communityId, pseudonym);
      const { count } = await tx.blockedPseudonym.createMany({
        data: [{ communityId, pseudonym }],
        skipDuplicates: true,
      });
      if (count === 0) throw new Refused('unchanged');
    } else if (action === 'UNBLOCK') {
      const { count } = await tx.blockedPseudonym.deleteMany({ where: key.communityId_pseudonym });
      if (count === 0) throw new Refused('unchanged');
    } else {
      throw new Refused('unchanged');
    }
    return null;
  }

  /** Whether the pseudonym wrote a note, rated, requested a note or reported one in the community. */
  private async actedIn(tx: Tx, communityId: string, pseudonym?: string): Promise<boolean> {
    if (pseudonym === undefined) return false;
    const [row] = await tx.$queryRaw<{ acted: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM notes
                      WHERE community_id = ${communityId}::uuid AND author_pseudonym = ${pseudonym})
          OR EXISTS (SELECT 1 FROM ratings
                      WHERE community_id = ${communityId}::uuid AND rater_pseudonym = ${pseudonym})
          OR EXISTS (SELECT 1 FROM note_reports
                      WHERE community_id = ${communityId}::uuid AND reporter_pseudonym = ${pseudonym})
          OR EXISTS (SELECT 1 FROM note_requests
                      WHERE community_id = ${communityId}::uuid
                        AND requester_pseudonym = ${pseudonym}) AS acted`;
    return row?.acted ?? false;
  }
}
