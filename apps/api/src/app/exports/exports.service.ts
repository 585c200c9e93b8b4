import { HttpStatus, Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Community, Note, Post, PrismaService, Rating } from '@bridgenotes/database';
import {
  CHANGE_STREAMS,
  type ChangeStream,
  EXPORT_FORMAT,
  ENROLLMENT_TSV_HEADER,
  enrollmentTsvLine,
  EXPORT_STREAMS,
  ExportManifest,
  ExportRecords,
  ExportStream,
  NoteRecord,
  noteTsvLine,
  NOTES_TSV_HEADER,
  postIdOf,
  RatingRecord,
  RATINGS_TSV_HEADER,
  RequestRecord,
  STATUS_HISTORY_TSV_HEADER,
  statusHistoryTsvLine,
  storedStatusHistoryTsvLine,
  ratingTsvLine,
} from '@bridgenotes/open-data';
import { CLOCK_SKEW_MINUTES, ProofJson, TREE_DEPTH } from '@bridgenotes/protocol';
import {
  statusHistoryFromJson,
  type ShownStatus,
  type StatusHistoryJson,
} from '@bridgenotes/scoring';

import { ApiError } from '../common/api-error';
import type { ExportOrder, TsvFile } from './dto/export-query.dto';

const BATCH = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const badCursor = () =>
  new ApiError(
    HttpStatus.BAD_REQUEST,
    'CURSOR_INVALID',
    'after is not the cursor of a record of this stream',
  );

/** Cursors of streams ordered by more than one column: the row's sort key, opaque to clients. */
const packKey = (...parts: (string | number)[]) =>
  Buffer.from(parts.join('|')).toString('base64url');

function unpackKey(cursor: string, count: number): string[] {
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  if (parts.length !== count) throw badCursor();
  return parts;
}

function timeOf(text: string | undefined): Date {
  const at = new Date(text ?? '');
  if (Number.isNaN(at.getTime())) throw badCursor();
  return at;
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

type Position =
  | { kind: 'id'; id: string }
  | { kind: 'number'; value: number }
  | { kind: 'timed'; at: Date; size: number; id: string }
  | { kind: 'change'; xid: bigint; id: string };

/** How a stream is read: by its own order, or by change (below a transaction horizon). */
export type ReadOrder = { kind: 'id' } | { kind: 'changes'; before?: bigint };

const isChangeStream = (stream: ExportStream): stream is ChangeStream =>
  (CHANGE_STREAMS as readonly string[]).includes(stream);

function noteRecord(note: Note & { post: Post }): NoteRecord {
  return {
    cursor: note.id,
    id: note.id,
    authorPseudonym: note.authorPseudonym,
    postId: note.postId,
    post: {
      canonicalUrl: note.post.canonicalUrl,
      platform: note.post.platform,
      externalId: note.post.externalId,
    },
    postRef: note.postRef as NoteRecord['postRef'],
    classification: note.classification,
    reasons: note.reasons,
    text: note.text,
    sources: note.sources,
    clientMinute: note.clientMinute,
    createdAt: note.createdAt.toISOString(),
    deletedAt: iso(note.deletedAt),
    proof: note.proof as unknown as ProofJson | null,
    deleteProof: note.deleteProof as unknown as ProofJson | null,
  };
}

function ratingRecord(rating: Rating): RatingRecord {
  return {
    cursor: rating.id,
    id: rating.id,
    noteId: rating.noteId,
    raterPseudonym: rating.raterPseudonym,
    helpfulness: rating.helpfulness,
    tags: rating.tags,
    clientMinute: rating.clientMinute,
    proof: rating.proof as unknown as ProofJson,
  };
}

/**
 * A community's open data as resumable streams read straight from PostgreSQL in keyset
 * batches: nothing is held beyond one batch, whatever the community's size.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  async manifest(community: Community): Promise<ExportManifest> {
    // A mirror states the rules its origin accepted the actions under: those are what its data
    // verifies against, not this instance's own.
    const mirror = await this.prisma.mirror.findUnique({
      where: { communityId: community.id },
      select: { originRules: true },
    });
    return {
      format: EXPORT_FORMAT,
      community: {
        id: community.id,
        slug: community.slug,
        name: community.name,
        admission: community.admission,
        scope: community.scope,
        treeDepth: TREE_DEPTH,
        treeSize: community.treeSize,
        root: community.treeRoot,
        createdAt: community.createdAt.toISOString(),
      },
      rules: (mirror?.originRules as ExportManifest['rules'] | undefined) ?? {
        rootHistoryWindowSeconds: this.env.ROOT_HISTORY_WINDOW_SECONDS,
        clockSkewMinutes: CLOCK_SKEW_MINUTES,
      },
      generatedAt: new Date().toISOString(),
      changeHorizon: (await this.horizon()).toString(),
      streams: EXPORT_STREAMS,
    };
  }

  /**
   * The oldest transaction still running: every change by a transaction below it has committed
   * (or rolled back), and no new one can appear there.
   */
  private async horizon(): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<[{ xmin: string }]>`
      SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`;
    return BigInt(row.xmin);
  }

  /** Checks the order for the stream, before anything is sent. */
  order(stream: ExportStream, order: ExportOrder, before?: string): ReadOrder {
    if (order === 'id') return { kind: 'id' };
    if (!isChangeStream(stream)) {
      throw new ApiError(
        HttpStatus.BAD_REQUEST,
        'ORDER_INVALID',
        `only ${CHANGE_STREAMS.join(' and ')} can be read in change order`,
      );
    }
    return { kind: 'changes', before: before === undefined ? undefined : BigInt(before) };
  }

  /** Checks `after` before anything is sent, so a bad cursor is a 400, not a broken stream. */
  position(
    stream: ExportStream,
    after?: string,
    order: ReadOrder = { kind: 'id' },
  ): Position | undefined {
    if (after === undefined) return undefined;
    if (order.kind === 'changes') {
      const [xid, id] = unpackKey(after, 2);
      if (!UUID.test(id ?? '') || !/^[0-9]{1,19}$/.test(xid ?? '')) throw badCursor();
      return { kind: 'change', xid: BigInt(xid as string), id: id as string };
    }
    switch (stream) {
      case 'members':
      case 'status-changes':
        if (!/^[0-9]{1,18}$/.test(after)) throw badCursor();
        return { kind: 'number', value: Number(after) };
      case 'roots':
      case 'runs': {
        const [at, size, id] = unpackKey(after, 3);
        if (!UUID.test(id ?? '') || !/^[0-9]{1,9}$/.test(size ?? '')) throw badCursor();
        return { kind: 'timed', at: timeOf(at), size: Number(size), id: id as string };
      }
      default:
        if (!UUID.test(after)) throw badCursor();
        return { kind: 'id', id: after };
    }
  }

  async *records<S extends ExportStream>(
    community: Community,
    stream: S,
    after: Position | undefined,
    limit: number,
    order: ReadOrder = { kind: 'id' },
  ): AsyncGenerator<ExportRecords[S]> {
    let position = after;
    let left = limit;
    // One horizon for the whole answer: its pages then agree on what has happened.
    let below: bigint | undefined;
    if (order.kind === 'changes') {
      const horizon = await this.horizon();
      below = order.before !== undefined && order.before < horizon ? order.before : horizon;
    }
    while (left > 0) {
      const take = Math.min(BATCH, left);
      const rows = (
        below === undefined
          ? await this.batch(community, stream, position, take)
          : await this.changeBatch(community, stream as ChangeStream, position, take, below)
      ) as {
        record: ExportRecords[S];
        position: Position;
      }[];
      for (const row of rows) yield row.record;
      left -= rows.length;
      if (rows.length < take) return;
      position = rows[rows.length - 1]?.position;
    }
  }

  private async batch(
    community: Community,
    stream: ExportStream,
    after: Position | undefined,
    take: number,
  ): Promise<{ record: ExportRecords[ExportStream]; position: Position }[]> {
    const communityId = community.id;
    const afterId = after?.kind === 'id' ? { id: { gt: after.id } } : {};
    const afterNumber = after?.kind === 'number' ? after.value : -1;
    switch (stream) {
      case 'members': {
        const rows = await this.prisma.member.findMany({
          where: { communityId, leafIndex: { gt: afterNumber } },
          orderBy: { leafIndex: 'asc' },
          take,
        });
        return rows.map((member) => ({
          position: { kind: 'number', value: member.leafIndex },
          record: {
            cursor: String(member.leafIndex),
            leafIndex: member.leafIndex,
            commitment: member.commitment,
            removedAt: iso(member.removedAt),
          },
        }));
      }
      case 'roots': {
        // History order: by time, then size (a join grows the tree), then id.
        const rows = await this.prisma.groupRoot.findMany({
          where: {
            communityId,
            ...(after?.kind === 'timed' ? this.timedAfter('createdAt', after) : {}),
          },
          orderBy: [{ createdAt: 'asc' }, { size: 'asc' }, { id: 'asc' }],
          take,
        });
        return rows.map((root) => ({
          position: { kind: 'timed', at: root.createdAt, size: root.size, id: root.id },
          record: {
            cursor: packKey(root.createdAt.toISOString(), root.size, root.id),
            root: root.root,
            size: root.size,
            createdAt: root.createdAt.toISOString(),
            supersededAt: iso(root.supersededAt),
          },
        }));
      }
      case 'notes': {
        const rows = await this.prisma.note.findMany({
          where: { communityId, ...afterId },
          orderBy: { id: 'asc' },
          include: { post: true },
          take,
        });
        return rows.map((note) => ({
          position: { kind: 'id', id: note.id },
          record: noteRecord(note),
        }));
      }
      case 'ratings': {
        const rows = await this.prisma.rating.findMany({
          where: { communityId, ...afterId },
          orderBy: { id: 'asc' },
          take,
        });
        return rows.map((rating) => ({
          position: { kind: 'id', id: rating.id },
          record: ratingRecord(rating),
        }));
      }
      case 'requests': {
        const rows = await this.prisma.noteRequest.findMany({
          where: { communityId, ...afterId },
          orderBy: { id: 'asc' },
          include: { post: true },
          take,
        });
        return rows.map((request) => ({
          position: { kind: 'id', id: request.id },
          record: {
            cursor: request.id,
            id: request.id,
            requesterPseudonym: request.requesterPseudonym,
            post: {
              canonicalUrl: request.post.canonicalUrl,
              platform: request.post.platform,
              externalId: request.post.externalId,
            },
            postRef: request.postRef as unknown as RequestRecord['postRef'],
            clientMinute: request.clientMinute,
            proof: request.proof as unknown as ProofJson,
          } satisfies RequestRecord,
        }));
      }
      case 'runs': {
        // Runs have no size: the middle part of the key is always 0.
        const rows = await this.prisma.scoringRun.findMany({
          where: {
            communityId,
            ...(after?.kind === 'timed' && {
              OR: [
                { requestedAt: { gt: after.at } },
                { requestedAt: after.at, id: { gt: after.id } },
              ],
            }),
          },
          orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
          take,
        });
        return rows.map((run) => ({
          position: { kind: 'timed', at: run.requestedAt, size: 0, id: run.id },
          record: {
            cursor: packKey(run.requestedAt.toISOString(), 0, run.id),
            id: run.id,
            status: run.status,
            requestedAt: run.requestedAt.toISOString(),
            startedAt: iso(run.startedAt),
            finishedAt: iso(run.finishedAt),
            algorithmVersion: run.algorithmVersion,
            regime: run.regime,
            seed: run.seed,
            noteCount: run.noteCount,
            ratingCount: run.ratingCount,
            inputHash: run.inputHash,
            dataHash: run.dataHash,
            nowAt: iso(run.nowAt),
            statusCounts: run.statusCounts as Record<ShownStatus, number> | null,
          },
        }));
      }
      case 'status-changes': {
        const rows = await this.prisma.noteStatusChange.findMany({
          where: { note: { communityId }, id: { gt: BigInt(afterNumber) } },
          orderBy: { id: 'asc' },
          take,
        });
        return rows.map((change) => ({
          position: { kind: 'number', value: Number(change.id) },
          record: {
            cursor: change.id.toString(),
            id: change.id.toString(),
            noteId: change.noteId,
            runId: change.runId,
            previous: change.previous,
            next: change.next,
            changedAt: change.changedAt.toISOString(),
          },
        }));
      }
      case 'results': {
        const rows = await this.prisma.note.findMany({
          where: { communityId, ...afterId },
          orderBy: { id: 'asc' },
          select: {
            id: true,
            status: true,
            scoredRunId: true,
            score: true,
            statusHistory: true,
            previousStatusHistory: true,
          },
          take,
        });
        return rows.map((note) => ({
          position: { kind: 'id', id: note.id },
          record: {
            cursor: note.id,
            noteId: note.id,
            status: note.status,
            runId: note.scoredRunId,
            score: note.score,
            history: note.statusHistory as StatusHistoryJson | null,
            previousHistory: note.previousStatusHistory as StatusHistoryJson | null,
          },
        }));
      }
    }
  }

  /** Notes or ratings in change order, changed below `below`, after the change `after`. */
  private async changeBatch(
    community: Community,
    stream: ChangeStream,
    after: Position | undefined,
    take: number,
    below: bigint,
  ): Promise<{ record: ExportRecords[ChangeStream]; position: Position }[]> {
    const where = {
      communityId: community.id,
      changedXid: { lt: below },
      ...(after?.kind === 'change' && {
        OR: [{ changedXid: { gt: after.xid } }, { changedXid: after.xid, id: { gt: after.id } }],
      }),
    };
    const orderBy = [{ changedXid: 'asc' as const }, { id: 'asc' as const }];
    const positioned = <R extends { cursor: string }>(xid: bigint, id: string, record: R) => ({
      position: { kind: 'change' as const, xid, id },
      record: { ...record, cursor: packKey(xid.toString(), id) },
    });
    if (stream === 'notes') {
      const rows = await this.prisma.note.findMany({
        where,
        orderBy,
        include: { post: true },
        take,
      });
      return rows.map((note) => positioned(note.changedXid, note.id, noteRecord(note)));
    }
    const rows = await this.prisma.rating.findMany({ where, orderBy, take });
    return rows.map((rating) => positioned(rating.changedXid, rating.id, ratingRecord(rating)));
  }

  private timedAfter(field: 'createdAt', after: { at: Date; size: number; id: string }) {
    return {
      OR: [
        { [field]: { gt: after.at } },
        { [field]: after.at, size: { gt: after.size } },
        { [field]: after.at, size: after.size, id: { gt: after.id } },
      ],
    };
  }

  /** A Community Notes TSV file of the community, header first, streamed in batches. */
  async *tsv(community: Community, file: TsvFile): AsyncGenerator<string> {
    switch (file) {
      case 'notes':
        yield NOTES_TSV_HEADER;
        for await (const note of this.records(
          community,
          'notes',
          undefined,
          Number.MAX_SAFE_INTEGER,
        )) {
          yield noteTsvLine(note);
        }
        return;
      case 'ratings': {
        yield RATINGS_TSV_HEADER;
        const postIds = new Map<string, string>();
        for await (const note of this.records(
          community,
          'notes',
          undefined,
          Number.MAX_SAFE_INTEGER,
        )) {
          postIds.set(note.id, postIdOf(note.post));
        }
        for await (const rating of this.records(
          community,
          'ratings',
          undefined,
          Number.MAX_SAFE_INTEGER,
        )) {
          yield ratingTsvLine(rating, postIds.get(rating.noteId) ?? '');
        }
        return;
      }
      case 'user-enrollment':
        yield ENROLLMENT_TSV_HEADER;
        // Every author and rater, each once, in pseudonym order.
        for (let after = ''; ;) {
          const rows = await this.prisma.$queryRaw<{ pseudonym: string }[]>`
            SELECT pseudonym FROM (
              SELECT rater_pseudonym AS pseudonym FROM ratings WHERE community_id = ${community.id}::uuid
              UNION
              SELECT author_pseudonym FROM notes WHERE community_id = ${community.id}::uuid
            ) AS participants
             WHERE pseudonym > ${after}
             ORDER BY pseudonym
             LIMIT ${BATCH}`;
          for (const { pseudonym } of rows) yield enrollmentTsvLine(pseudonym);
          if (rows.length < BATCH) return;
          after = rows[rows.length - 1]?.pseudonym as string;
        }
      case 'note-status-history':
        yield STATUS_HISTORY_TSV_HEADER;
        for (let after: string | undefined; ;) {
          const notes = await this.prisma.note.findMany({
            where: { communityId: community.id, ...(after ? { id: { gt: after } } : {}) },
            orderBy: { id: 'asc' },
            select: {
              id: true,
              authorPseudonym: true,
              createdAt: true,
              status: true,
              statusHistory: true,
              statusChanges: { orderBy: { id: 'asc' }, select: { next: true, changedAt: true } },
            },
            take: BATCH,
          });
          for (const note of notes) {
            // The row the scorer keeps between runs; notes no run has given one yet (or only a
            // run of an algorithm before it was kept) get one rebuilt from their status changes.
            const stored = statusHistoryFromJson(note.statusHistory);
            yield stored
              ? storedStatusHistoryTsvLine(stored)
              : statusHistoryTsvLine(
                  { ...note, createdAt: note.createdAt.toISOString() },
                  note.statusChanges.map((change) => ({
                    next: change.next,
                    changedAt: change.changedAt.toISOString(),
                  })),
                );
          }
          if (notes.length < BATCH) return;
          after = notes[notes.length - 1]?.id;
        }
    }
  }
}
