import { Logger } from '@nestjs/common';
import { ModerationLogStore, PrismaService, type Mirror, type Prisma } from '@bridgenotes/database';
import {
  recordProblem,
  type ExportClient,
  type ExportManifest,
  type ModerationRecord,
} from '@bridgenotes/open-data';
import {
  MODERATION_GENESIS,
  moderationEntryHash,
  noteTarget,
  type ModerationLogEntry,
} from '@bridgenotes/protocol';

import { MirrorPullError } from './mirror-state';
import { promotionFence, type PageSettlement } from './page-settlement';
import { unstorableEntry } from './record-rules';

type Tx = Prisma.TransactionClient;

const PAGE = 1_000;

/**
 * Copies the origin's moderation log, entry by entry and unchanged, each applied as on the
 * origin (a redaction empties the note's text here too, a hide takes it out of the reads).
 *
 * `read` takes the entries after the held log before the notes, each checked to continue the
 * chain: a note the origin redacted is then accepted only against its REDACT entry's message.
 * `copy` appends them only as far as the notes they name are held here: an entry naming a note
 * the mirror does not hold (changed after the manifest's horizon, or refused) waits for a later
 * pull, since a log naming a note its export lacks fails `verify` (REDACTION_NOT_APPLIED).
 * `explainWait` says so where the operator reads the mirror's problems when that note is one the
 * mirror refused: the wait then lasts until the origin serves the note valid, maybe for ever.
 *
 * An origin that no longer serves the last entry held here as it is held, or whose entry does
 * not continue the chain, or redacts a held note under another message than its proven one,
 * stops the pull: the mirror keeps what it has, and says why. Once the mirror is promoted, no
 * entry lands (`PULL_CONFLICT`), as no page does.
 */
export class ModerationPuller {
  private readonly logger = new Logger(ModerationPuller.name);

  constructor(
    private readonly log: ModerationLogStore,
    private readonly prisma: PrismaService,
    private readonly settlement: PageSettlement,
    private readonly maxRecords: number,
  ) {}

  /** The origin's entries after those held here, chained onto them (at most `maxRecords`). */
  async read(
    mirror: Mirror,
    client: ExportClient,
    manifest: ExportManifest,
  ): Promise<ModerationLogEntry[]> {
    if (!manifest.streams.includes('moderation')) return [];
    let last = await this.log.last(mirror.communityId);
    if (last) await this.stillServes(client, last);
    const entries: ModerationLogEntry[] = [];
    for (;;) {
      const page = (await client.page('moderation', {
        after: last ? String(last.seq) : undefined,
        limit: PAGE,
      })) as ModerationRecord[];
      for (const record of page) {
        const entry = chained(mirror.communityId, record, last);
        if (!entry) {
          throw new MirrorPullError(
            'ORIGIN_INVALID',
            // Nothing of the served entry is quoted: `lastError` is public, and the entry is
            // no value this mirror has checked (U+0000 in it would fail the error's own record).
            `the origin's moderation log entry after entry ${last?.seq ?? 0} is malformed or does not continue the log this mirror holds: nothing more pulled`,
          );
        }
        // An entry the tables cannot hold as served would fail its insert at every pull.
        const unstorable = unstorableEntry(entry);
        if (unstorable !== undefined) {
          throw new MirrorPullError(
            'ORIGIN_INVALID',
            `the origin's moderation log entry ${entry.seq} ${unstorable}, which this mirror cannot store: nothing more pulled`,
          );
        }
        entries.push(entry);
        last = entry;
      }
      if (entries.length > this.maxRecords) {
        throw new MirrorPullError(
          'ORIGIN_STREAM_TOO_LONG',
          `${client.location}/moderation goes on past ${this.maxRecords} new entries: read stopped, none of them stored`,
        );
      }
      if (page.length < PAGE) return entries;
    }
  }

  /**
   * Asking only for entries after the last one held would not see the origin remove or rewrite
   * it (docs/moderation.md, Mirrors): the pull stops if that entry is not served as held.
   */
  private async stillServes(client: ExportClient, held: ModerationLogEntry): Promise<void> {
    const [served] = (await client.page('moderation', {
      after: held.seq > 1 ? String(held.seq - 1) : undefined,
      limit: 1,
    })) as (ModerationRecord | undefined)[];
    if (served?.seq !== held.seq || served.hash !== held.hash) {
      throw new MirrorPullError(
        'ORIGIN_INVALID',
        `the origin no longer serves its moderation log entry ${held.seq} as this mirror holds it (removed or rewritten): nothing more pulled`,
      );
    }
  }

  /**
   * Appends the `pending` entries `read` gave, in order, up to the first that names a note not
   * held here; those appended leave `pending`. Returns how many were.
   */
  async copy(mirror: Mirror, pending: ModerationLogEntry[]): Promise<number> {
    let copied = 0;
    for (const entry of pending) {
      const noteId = noteTarget(entry.target);
      if (noteId !== undefined && !(await this.holds(mirror.communityId, noteId))) break;
      const fence = async (tx: Tx) => {
        // Fenced as every page is: none lands once the mirror is promoted.
        await promotionFence(tx, mirror.id);
        // Only an entry naming a note waits for it: the reason it waited goes with its copy.
        if (noteId !== undefined) await this.settlement.endWait(tx, mirror.id, entry.seq);
      };
      const result = await this.log.appendCopy(mirror.communityId, entry, fence);
      if (!result.ok) {
        const why =
          result.refusal === 'redaction-mismatch'
            ? `redacts note ${noteId} under another message than the note's proven one`
            : 'does not continue the log this mirror holds';
        throw new MirrorPullError(
          'ORIGIN_INVALID',
          `the origin's moderation log entry ${entry.seq} ${why}: nothing more pulled`,
        );
      }
      copied += 1;
    }
    pending.splice(0, copied);
    return copied;
  }

  /**
   * Once a pull's copies are done: when the first entry left waiting names a note this mirror
   * refused, records that (`moderation <seq>`, ENTRY_NOTE_REFUSED, once a pull as any refusal)
   * with the note's refusal codes, until `copy` appends the entry. Nothing is skipped: the entry
   * and those after it still wait. Best effort: the pull stored everything before it, and the
   * next pull it still waits at says it again, so a failure here is logged and the pull goes on.
   */
  async explainWait(mirror: Mirror, pending: readonly ModerationLogEntry[]): Promise<void> {
    await this.recordWait(mirror, pending).catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `mirror ${mirror.id}: why moderation log entry ${pending[0]?.seq} waits was not recorded: ${why}`,
      );
    });
  }

  private async recordWait(mirror: Mirror, pending: readonly ModerationLogEntry[]) {
    const [first] = pending;
    const noteId = first && noteTarget(first.target);
    if (noteId === undefined) return;
    const refusals = await this.prisma.mirrorRefusal.findMany({
      where: { mirrorId: mirror.id, subject: `note ${noteId}` },
      select: { code: true },
      orderBy: { firstSeenAt: 'asc' },
    });
    if (refusals.length === 0) return;
    const codes = refusals.map((refusal) => refusal.code).join(', ');
    const after = pending.length - 1;
    const refusal = {
      stream: 'moderation' as const,
      subject: `moderation ${first.seq}`,
      code: 'ENTRY_NOTE_REFUSED',
      message: `the origin's moderation log entry ${first.seq} (${first.action}) names note ${noteId}, which this mirror refused (${codes}): the entry, and the ${after} after it, wait until the origin serves the note valid; none is skipped (a promotion meanwhile keeps the log without them)`,
    };
    // In a settlement of its own, fenced as every page: it moves no cursor.
    await this.settlement.commit(mirror.id, {}, [refusal], async () => ({}));
  }

  private async holds(communityId: string, noteId: string): Promise<boolean> {
    const note = await this.prisma.note.findFirst({
      where: { id: noteId, communityId },
      select: { id: true },
    });
    return note !== null;
  }
}

/** The record as an entry when it follows `last` and hashes right, or undefined. */
function chained(
  communityId: string,
  record: ModerationRecord,
  last: ModerationLogEntry | undefined,
): ModerationLogEntry | undefined {
  // A field of another type cannot even be hashed.
  if (recordProblem('moderation', record) !== undefined) return undefined;
  const entry: ModerationLogEntry = {
    seq: record.seq,
    action: record.action,
    target: record.target,
    reasonCode: record.reasonCode,
    moderatorKeyId: record.moderatorKeyId,
    day: record.day,
    message: record.message,
    previousHash: record.previousHash,
    hash: record.hash,
  };
  const { hash, ...unhashed } = entry;
  const follows =
    entry.seq === (last?.seq ?? 0) + 1 &&
    entry.previousHash === (last?.hash ?? MODERATION_GENESIS) &&
    moderationEntryHash(communityId, unhashed) === hash;
  return follows ? entry : undefined;
}
