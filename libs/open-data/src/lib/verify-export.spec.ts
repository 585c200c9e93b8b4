import { Group } from '@semaphore-protocol/core';
import { communityScope, TREE_DEPTH, WARM_UP_PROOF } from '@bridgenotes/protocol';
import { ALGORITHM_VERSION } from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';

import type { ExportSource } from './export-source';
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
} from './export-format';
import { verifyExport } from './verify-export';

/**
 * The verifier on its own, over an export held in memory (what `directorySource` and
 * `httpSource` read from a folder or an instance): the membership and note checks that need no
 * Groth16 work. The API's exports spec verifies a real instance's export end to end.
 */
type Streams = { [S in ExportStream]: ExportRecords[S][] };

function source(manifest: ExportManifest, streams: Partial<Streams>): ExportSource {
  return {
    location: 'memory',
    manifest: async () => manifest,
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      yield* (streams[stream] ?? []) as ExportRecords[S][];
    },
  };
}

const minute = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

function community(leaves: bigint[]) {
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

const note = (proof: NoteRecord['proof']): NoteRecord => ({
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

const codes = (report: Awaited<ReturnType<typeof verifyExport>>) =>
  report.discrepancies.map((found) => found.code);

describe('verifyExport', () => {
  it('verifies a community whose roots are built from its published members', async () => {
    const { manifest, members, roots } = community([11n, 22n, 33n]);
    const report = await verifyExport(source(manifest, { members, roots }));
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 3, roots: 2, notes: 0 },
      discrepancies: [],
    });
  });

  it('finds a member hidden from the export, and a current root that is not the last', async () => {
    const { manifest, members, roots } = community([11n, 22n, 33n]);
    const report = await verifyExport(
      source(
        { ...manifest, community: { ...manifest.community, root: roots[0]?.root as string } },
        { members: members.slice(0, 2), roots },
      ),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(codes(report)).toEqual(['ROOT_NOT_FROM_MEMBERS', 'CURRENT_ROOT_MISMATCH']);
  });

  it('finds a scope that is not derived from the community id', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const report = await verifyExport(
      source(
        { ...manifest, community: { ...manifest.community, scope: '1' } },
        { members, roots: roots.slice(0, 1) },
      ),
    );
    expect(codes(report)).toContain('SCOPE_MISMATCH');
  });

  it('finds an unproven note, and a real proof made for another community and action', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const unproven = note(null);
    const borrowed = { ...note(WARM_UP_PROOF), cursor: 'n2' };
    const report = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), notes: [unproven, borrowed] }),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'NOTE_UNPROVEN', subject: `note ${unproven.id}` }),
      expect.objectContaining({
        code: expect.stringMatching(/^PROOF_/),
        subject: `note ${borrowed.id}`,
      }),
    ]);
    // Refused before the Groth16 equation: nothing reached the (costly) batch verification.
    expect(report.proofs).toMatchObject({ checked: 1, groth16Verified: 0 });
  });

  it('warns that an incremental run without its base parameters cannot be recomputed, and recomputes a full one', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const scoredRun = (id: string, at: number, kind: RunRecord['kind']): RunRecord => ({
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
      statusCounts: null,
      kind,
      baseRunId: null,
    });
    const full = scoredRun(randomUUID(), 4, 'FULL');
    const incremental = { ...scoredRun(randomUUID(), 6, 'INCREMENTAL'), baseRunId: full.id };
    const skipped = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), runs: [full, incremental] }),
    );
    expect(skipped).toMatchObject({
      verdict: 'VERIFIED',
      run: {
        id: incremental.id,
        recomputed: false,
        notesCompared: 0,
        base: { id: full.id, recomputed: false },
      },
    });
    expect(skipped.discrepancies).toEqual([
      expect.objectContaining({ code: 'RUN_BASE_MISSING', severity: 'warning' }),
    ]);
    // Parameters that are not frozen raters at all are an error, not a warning.
    const unreadable = await verifyExport(
      source(manifest, {
        members,
        roots: roots.slice(0, 1),
        runs: [full, incremental],
        'frozen-raters': [
          { cursor: full.id, runId: full.id, changedThrough: '5', parameters: 'AAAA' },
        ],
      }),
    );
    expect(unreadable.verdict).toBe('DISCREPANCIES');
    expect(codes(unreadable)).toEqual(['RUN_BASE_MISMATCH']);
    // The same record as a full run is recomputed (and its made-up input hash refused).
    const recomputed = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), runs: [full] }),
    );
    expect(codes(recomputed)).toEqual(['RUN_INPUT_MISMATCH']);
  });
});
