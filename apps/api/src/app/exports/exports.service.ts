import { HttpStatus, Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Community, Note, Post, PrismaService } from '@bridgenotes/database';
import {
  EXPORT_FORMAT,
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
  ratingTsvLine,
} from '@bridgenotes/open-data';
import { CLOCK_SKEW_MINUTES, ProofJson, TREE_DEPTH } from '@bridgenotes/protocol';
import type { ShownStatus } from '@bridgenotes/scoring';

import { ApiError } from '../common/api-error';
import type { TsvFile } from './dto/export-query.dto';

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
  | { kind: 'timed'; at: Date; size: number; id: string };

function noteRecord(note: Note & { post: Post }): NoteRecord {
  return {
    cursor: note.id,
    id: note.id,
    authorPseudonym: note.authorPseudonym,
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

  manifest(community: Community): ExportManifest {
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
      rules: {
        rootHistoryWindowSeconds: this.env.ROOT_HISTORY_WINDOW_SECONDS,
        clockSkewMinutes: CLOCK_SKEW_MINUTES,
      },
      generatedAt: new Date().toISOString(),
      streams: EXPORT_STREAMS,
    };
  }

  /** Checks `after` before anything is sent, so a bad cursor is a 400, not a broken stream. */
  position(stream: ExportStream, after?: string): Position | undefined {
    if (after === undefined) return undefined;
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
  ): AsyncGenerator<ExportRecords[S]> {
    let position = after;
    let left = limit;
    while (left > 0) {
      const rows = (await this.batch(community, stream, position, Math.min(BATCH, left))) as {
        record: ExportRecords[S];
        position: Position;
      }[];
      for (const row of rows) yield row.record;
      left -= rows.length;
      if (rows.length < Math.min(BATCH, left + rows.length)) return;
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
          record: {
            cursor: rating.id,
            id: rating.id,
            noteId: rating.noteId,
            raterPseudonym: rating.raterPseudonym,
            helpfulness: rating.helpfulness,
            tags: rating.tags,
            clientMinute: rating.clientMinute,
            proof: rating.proof as unknown as ProofJson,
          } satisfies RatingRecord,
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
            seed: run.seed,
            noteCount: run.noteCount,
            ratingCount: run.ratingCount,
            inputHash: run.inputHash,
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
          select: { id: true, status: true, scoredRunId: true, score: true },
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
          },
        }));
      }
    }
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
              statusChanges: { orderBy: { id: 'asc' }, select: { next: true, changedAt: true } },
            },
            take: BATCH,
          });
          for (const note of notes) {
            yield statusHistoryTsvLine(
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
