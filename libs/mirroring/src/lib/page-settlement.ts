import { Prisma, PrismaService } from '@bridgenotes/database';
import type { ExportClient, ExportRecords, ExportStream, PostKey } from '@bridgenotes/open-data';
import type { ProofJson, ProofVerifier } from '@bridgenotes/protocol';

import {
  MirrorPullError,
  type MirrorCursors,
  type MirrorStream,
  type Refusal,
} from './mirror-state';
import { storableCursor, storedText } from './record-rules';

type Tx = Prisma.TransactionClient;

/** One page's writes share one transaction with its cursor advance and refusals. */
export const TRANSACTION = { maxWait: 10_000, timeout: 120_000 };
const MEMBERSHIP_PAGE = 5_000;

/** Records a refusal of one record: which (`subject`), the stable code, and why. */
export type Refuse = (subject: string, code: string, message: string) => void;

export interface ProofToCheck {
  subject: string;
  proof: ProofJson;
}

/** One record's verdict once every cheap check passed: what to store if its proofs verify. */
export interface Candidate<T> {
  record: T;
  proofs: ProofToCheck[];
}

/** Equal as JSON whatever the key order (jsonb does not keep it). */
const stableJson = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
export const same = (a: unknown, b: unknown) => stableJson(a) === stableJson(b);

/**
 * Locks the mirror's row in a transaction storing what a pull read (as `promote` locks it) and
 * stops the pull if the mirror was promoted: the community is this instance's now, and nothing
 * of the origin lands in it any more. Returns the row's cursors.
 */
export async function promotionFence(
  tx: Tx,
  mirrorId: string,
): Promise<{ cursors: MirrorCursors }> {
  const [row] = await tx.$queryRaw<[{ cursors: MirrorCursors; promoted: boolean }]>`
    SELECT cursors, promoted_at IS NOT NULL AS promoted FROM mirrors
     WHERE id = ${mirrorId}::uuid FOR UPDATE`;
  if (row.promoted) {
    throw new MirrorPullError('PULL_CONFLICT', 'the mirror was promoted: nothing more is pulled');
  }
  return row;
}

/**
 * The pages of an export stream from `after` on, for the streams a pull reads whole before
 * storing (membership and results): at most `maxRecords` records in all, however many pages the
 * origin goes on serving.
 */
export async function* pagesOf<S extends ExportStream>(
  client: ExportClient,
  stream: S,
  after: string | undefined,
  maxRecords: number,
): AsyncGenerator<ExportRecords[S][]> {
  let read = 0;
  for (let cursor = after; ;) {
    const page = await client.page(stream, { after: cursor, limit: MEMBERSHIP_PAGE });
    read += page.length;
    if (read > maxRecords) {
      throw new MirrorPullError(
        'ORIGIN_STREAM_TOO_LONG',
        `${client.location}/${stream} goes on past ${maxRecords} records: read stopped, nothing of it stored`,
      );
    }
    if (page.length > 0) yield page;
    if (page.length < MEMBERSHIP_PAGE) return;
    cursor = nextCursor(client, stream, cursor, page);
  }
}

/**
 * The cursor of a page's last record, where the stream resumes after it (and, for a change feed,
 * what the mirror stores): a non-empty string the tables hold, or the pull stops as
 * `ORIGIN_INVALID` before the page is settled. Without it the next read would start the stream
 * over, and a change feed's pages, already stored, conflict (`PULL_CONFLICT`) on every pull.
 */
export function pageEnd(
  client: ExportClient,
  stream: ExportStream,
  page: readonly unknown[],
): string {
  const cursor = (page[page.length - 1] as { cursor?: unknown } | null)?.cursor;
  if (!storableCursor(cursor)) {
    throw new MirrorPullError(
      'ORIGIN_INVALID',
      `${client.location}/${stream}: the last record of a page has no cursor (a non-empty string without U+0000 or a lone surrogate) to resume after: read stopped, nothing of the page stored`,
    );
  }
  return cursor;
}

/**
 * Where a stream's next page starts: after the last record of `page`, a full page read after
 * `after`. An origin that serves the same page again, whatever the cursor, would be read for ever.
 */
export function nextCursor(
  client: ExportClient,
  stream: ExportStream,
  after: string | undefined,
  page: readonly unknown[],
): string {
  const last = pageEnd(client, stream, page);
  if (last === after) {
    throw new MirrorPullError(
      'ORIGIN_INVALID',
      // The cursor is the origin's text, not quoted: `lastError` is public.
      `${client.location}/${stream} answers the same page again after the cursor it ended at: read stopped`,
    );
  }
  return last;
}

/** A whole export stream from `after` on (membership: small records, at most `maxRecords`). */
export async function readAll<S extends ExportStream>(
  client: ExportClient,
  stream: S,
  after: string | undefined,
  maxRecords: number,
): Promise<ExportRecords[S][]> {
  const all: ExportRecords[S][] = [];
  for await (const page of pagesOf(client, stream, after, maxRecords)) {
    for (const record of page) all.push(record);
  }
  return all;
}

/** The post row of a proven post key, created when this instance has none yet. */
export function upsertPost(tx: Tx, key: PostKey) {
  return tx.post.upsert({
    where:
      'canonicalUrl' in key ? { canonicalUrl: key.canonicalUrl } : { platform_externalId: key },
    create: key,
    update: {},
  });
}

/**
 * The records this instance's tables can hold; each other one is refused as RECORD_INVALID
 * with the reason `unstorable` gives. An id a page already gave is one too: an honest origin
 * sends each row once a page, and two under one id would fail the page's transaction on the
 * primary key, stopping every pull at it.
 */
export function keepStorable<T extends { id: string }>(
  page: T[],
  kind: 'note' | 'rating' | 'request',
  unstorable: (record: T) => string | undefined,
  refuse: Refuse,
): T[] {
  const seen = new Set<string>();
  return page.filter((record) => {
    // Its shape first: a line of the page may be anything JSON, `null` included.
    const reason =
      unstorable(record) ?? (seen.has(record.id) ? 'its id is on the page twice' : undefined);
    const id = (record as { id?: unknown } | null)?.id;
    if (typeof id === 'string') seen.add(id);
    if (reason) {
      refuse(
        `${kind} ${String(id)}`,
        'RECORD_INVALID',
        `this instance cannot store the ${kind}: ${reason}`,
      );
    }
    return !reason;
  });
}

/**
 * What every stream's page goes through once its records are checked: the Groth16 equations
 * of its candidates in one batch, then one transaction with the page's writes, its cursor
 * advance and its refusals.
 */
export class PageSettlement {
  constructor(private readonly prisma: PrismaService) {}

  /** The Groth16 equation of every candidate's proofs; refuses and returns those that fail. */
  async groth16(
    verifier: ProofVerifier,
    candidates: Candidate<unknown>[],
    refuse: Refuse,
  ): Promise<Set<ProofToCheck>> {
    const proofs = candidates.flatMap((candidate) => candidate.proofs);
    const valid = proofs.length === 0 ? [] : await verifier.verify(proofs.map((p) => p.proof));
    const invalid = new Set<ProofToCheck>();
    proofs.forEach((proof, index) => {
      if (valid[index]) return;
      invalid.add(proof);
      refuse(
        proof.subject,
        'PROOF_INVALID',
        'the Groth16 proof does not verify: no member of the group made it',
      );
    });
    return invalid;
  }

  /**
   * Removes the ENTRY_NOTE_REFUSED row of the origin's log entry `seq` (`explainWait`), in the
   * transaction that appends the entry: it no longer waits.
   */
  async endWait(tx: Tx, mirrorId: string, seq: number): Promise<void> {
    await tx.mirrorRefusal.deleteMany({
      where: { mirrorId, subject: `moderation ${seq}`, code: 'ENTRY_NOTE_REFUSED' },
    });
  }

  /**
   * Runs the page's writes and settles it in one transaction; then the pull's cursors move
   * too. `moved` is computed inside (membership knows how far it got only once it has tried).
   */
  async commit(
    mirrorId: string,
    cursors: MirrorCursors,
    refusals: Refusal[],
    write: (tx: Tx) => Promise<MirrorCursors>,
  ): Promise<void> {
    const moved = await this.prisma.$transaction(async (tx) => {
      const moved = await write(tx);
      await this.settle(tx, mirrorId, cursors, moved, refusals);
      return moved;
    }, TRANSACTION);
    Object.assign(cursors, moved);
  }

  /**
   * Advances the cursors of the streams a batch settled, with its refusals, in the batch's own
   * transaction, and only from where this pull found them: a concurrent pull of the same mirror
   * makes one of the two roll back instead of storing anything twice.
   */
  private async settle(
    tx: Tx,
    mirrorId: string,
    cursors: MirrorCursors,
    moved: MirrorCursors,
    refusals: Refusal[],
  ): Promise<void> {
    const row = await promotionFence(tx, mirrorId);
    for (const stream of Object.keys(moved) as MirrorStream[]) {
      if (row.cursors[stream] !== cursors[stream]) {
        throw new MirrorPullError(
          'PULL_CONFLICT',
          `another pull of this mirror moved its ${stream} cursor first`,
        );
      }
    }
    if (Object.keys(moved).length > 0) {
      await tx.$executeRaw`
        UPDATE mirrors SET cursors = cursors || ${JSON.stringify(moved)}::jsonb, updated_at = now()
         WHERE id = ${mirrorId}::uuid`;
    }
    if (refusals.length === 0) return;
    // One row per subject (as stored) and code: an insert touching a row twice fails, and a
    // record refused twice on its page (its id given twice…) would fail the page for good. The
    // first reason is kept: a record's own fault, not that its id came again after it.
    const unique = new Map<string, Refusal>();
    for (const refusal of refusals) {
      const row = {
        ...refusal,
        subject: storedText(refusal.subject, 160),
        message: storedText(refusal.message, 500),
      };
      const key = `${row.subject}\n${row.code}`;
      if (!unique.has(key)) unique.set(key, row);
    }
    const rows = [...unique.values()];
    await tx.$executeRaw`
      INSERT INTO mirror_refusals (mirror_id, stream, subject, code, message)
      SELECT ${mirrorId}::uuid, * FROM unnest(
        ${rows.map((r) => r.stream)}::text[], ${rows.map((r) => r.subject)}::text[],
        ${rows.map((r) => r.code)}::text[], ${rows.map((r) => r.message)}::text[])
      ON CONFLICT (mirror_id, subject, code) DO UPDATE
        SET last_seen_at = now(), times = mirror_refusals.times + 1, message = excluded.message`;
  }
}
