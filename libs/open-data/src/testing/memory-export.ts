import { Group } from '@semaphore-protocol/core';
import { communityScope, TREE_DEPTH } from '@bridgenotes/protocol';
import { ALGORITHM_VERSION } from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';

import type { ExportSource } from '../lib/export-source';
import {
  EXPORT_FORMAT,
  EXPORT_STREAMS,
  type ExportManifest,
  type ExportRecords,
  type ExportStream,
  type MemberRecord,
  type NoteRecord,
  type RootRecord,
  type RunRecord,
} from '../lib/export-format';
import type { VerificationReport } from '../lib/verify-export';

/**
 * Exports held in memory (what `directorySource` and `httpSource` read from a folder or an
 * instance), for the verifier's specs: checks that need no Groth16 work nor a real run.
 */
export type Streams = { [S in ExportStream]: ExportRecords[S][] };

export function source(manifest: ExportManifest, streams: Partial<Streams>): ExportSource {
  return {
    location: 'memory',
    manifest: async () => manifest,
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      yield* (streams[stream] ?? []) as ExportRecords[S][];
    },
  };
}

export const minute = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

/** A community of these leaves, with two roots: of its first two members, then of all. */
export function community(leaves: bigint[]) {
  const id = randomUUID();
  const members: MemberRecord[] = leaves.map((leaf, leafIndex) => ({
    cursor: String(leafIndex),
    leafIndex,
    commitment: leaf.toString(),
    removedAt: null,
  }));
  const root = (size: number, at: number, supersededAt: string | null): RootRecord => ({
    cursor: String(at),
    root: new Group(leaves.slice(0, size)).root.toString(),
    size,
    createdAt: minute(at),
    supersededAt,
  });
  const roots = [root(2, 1, minute(2)), root(leaves.length, 2, null)];
  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    community: {
      id,
      slug: 'memory',
      name: 'memory',
      admission: 'OPEN',
      scope: communityScope(id).toString(),
      treeDepth: TREE_DEPTH,
      treeSize: leaves.length,
      root: roots[1]?.root as string,
      createdAt: minute(0),
    },
    rules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 5 },
    generatedAt: minute(10),
    changeHorizon: '1000',
    streams: EXPORT_STREAMS,
  };
  return { manifest, members, roots };
}

export const note = (proof: NoteRecord['proof']): NoteRecord => ({
  cursor: 'n1',
  id: randomUUID(),
  authorPseudonym: '12345',
  postId: '1',
  post: { canonicalUrl: 'https://example.com/a', platform: null, externalId: null },
  postRef: proof ? { url: 'https://example.com/a' } : null,
  classification: 'NOT_MISLEADING',
  reasons: [],
  text: 'the post is accurate',
  sources: [],
  clientMinute: proof ? 29_000_000 : null,
  createdAt: proof ? new Date(29_000_000 * 60_000).toISOString() : minute(3),
  deletedAt: null,
  proof,
  deleteProof: null,
});

/** A succeeded run of this verifier's algorithm, started at minute `at` and finished after it. */
export const scoredRun = (id: string, at: number, kind: RunRecord['kind']): RunRecord => ({
  cursor: String(at),
  id,
  status: 'SUCCEEDED',
  requestedAt: minute(at),
  startedAt: minute(at),
  finishedAt: minute(at + 1),
  algorithmVersion: ALGORITHM_VERSION,
  regime: 'core',
  seed: 42,
  noteCount: 0,
  ratingCount: 0,
  inputHash: '0'.repeat(64),
  dataHash: null,
  nowAt: minute(at),
  statusCounts: {
    NEEDS_MORE_RATINGS: 0,
    CURRENTLY_RATED_HELPFUL: 0,
    CURRENTLY_RATED_NOT_HELPFUL: 0,
  },
  kind,
  baseRunId: null,
  changedThrough: String(at),
});

export const codes = (report: VerificationReport) =>
  report.discrepancies.map((found) => found.code);
