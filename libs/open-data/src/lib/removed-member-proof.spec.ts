import { Group } from '@semaphore-protocol/core';
import { createIdentity } from '@bridgenotes/client';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';

import { codes, community, source } from '../testing/memory-export';
import { provenNote, provenRating, prover } from '../testing/proven-records';
import type { MemberRecord, NoteRecord, RatingRecord, RootRecord } from './export-format';
import { verifyExport } from './verify-export';

const MINUTE = 60_000;
const DAYS_35 = 35 * 24 * 60;

/**
 * A member removed, and its proofs against the root it was removed from: the root's window is
 * the history's (until the next root's creation, plus the window), whatever the export states.
 * An operator that exports the replaced root as still current (`supersededAt: null`) cannot
 * make a removed sock-puppet's later ratings verify. Real proofs, made once (seconds each).
 */
describe('verifyExport: proofs of a removed member against the root it was removed from', () => {
  const [author, puppet] = [createIdentity(), createIdentity()];
  const leaves = [author.commitment, puppet.commitment];
  const { manifest } = community(leaves);
  const before = new Group(leaves);
  const after = new Group(leaves);
  after.removeMember(1);
  // Both admitted at minute T, the puppet removed a minute later; the window is an hour.
  const T = 29_600_000;
  const at = (clientMinute: number) => new Date(clientMinute * MINUTE).toISOString();
  const members: MemberRecord[] = leaves.map((leaf, leafIndex) => ({
    cursor: String(leafIndex),
    leafIndex,
    commitment: leaf.toString(),
    removedAt: leafIndex === 1 ? at(T + 1) : null,
  }));
  const honestRoots: RootRecord[] = [
    {
      cursor: '1',
      root: before.root.toString(),
      size: 2,
      createdAt: at(T),
      supersededAt: at(T + 1),
    },
    { cursor: '2', root: after.root.toString(), size: 2, createdAt: at(T + 1), supersededAt: null },
  ];
  const stated = { ...manifest, community: { ...manifest.community, root: after.root.toString() } };
  let written: NoteRecord;
  const ratings = new Map<number, RatingRecord>();

  afterAll(() => releaseCurve());
  beforeAll(async () => {
    await useSingleThreadedCurve();
    const prove = prover(manifest, before);
    written = await provenNote(prove, author, T);
    // Within the window after the removal, two hours after it, and 35 days after it.
    for (const clientMinute of [T + 30, T + 120, T + DAYS_35]) {
      ratings.set(clientMinute, await provenRating(prove, puppet, written, clientMinute));
    }
  });

  const verify = (roots: RootRecord[], clientMinute: number, manifest = stated) =>
    verifyExport(
      source(manifest, {
        members,
        roots,
        notes: [written],
        ratings: [ratings.get(clientMinute) as RatingRecord],
      }),
    );

  it('verifies a proof against the replaced root within the window after it', async () => {
    expect(await verify(honestRoots, T + 30)).toMatchObject({
      verdict: 'VERIFIED',
      discrepancies: [],
    });
  });

  it('refuses one made after the window, as the instance did', async () => {
    expect(codes(await verify(honestRoots, T + 120))).toEqual(['PROOF_ROOT_EXPIRED']);
  });

  it("checks the protocol's longest window (30 days), not a longer one the manifest states", async () => {
    const lax = { ...stated, rules: { ...stated.rules, rootHistoryWindowSeconds: 40 * 86_400 } };
    const report = await verify(honestRoots, T + DAYS_35, lax);
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'RULES_ROOT_WINDOW', subject: 'manifest' }),
      expect.objectContaining({
        code: 'PROOF_ROOT_EXPIRED',
        subject: `rating ${ratings.get(T + DAYS_35)?.id}`,
      }),
    ]);
  });

  it('refuses it too when the export states the replaced root still current', async () => {
    const [first, second] = honestRoots as [RootRecord, RootRecord];
    const report = await verify([{ ...first, supersededAt: null }, second], T + 120);
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'ROOT_TIME_ORDER', subject: `root ${first.root}` }),
      expect.objectContaining({
        code: 'PROOF_ROOT_EXPIRED',
        subject: `rating ${ratings.get(T + 120)?.id}`,
      }),
    ]);
  });

  it('refuses it when the export states the root replaced later than the next was created', async () => {
    const [first, second] = honestRoots as [RootRecord, RootRecord];
    const report = await verify([{ ...first, supersededAt: at(T + 100) }, second], T + 120);
    expect(codes(report)).toEqual(['ROOT_TIME_ORDER', 'PROOF_ROOT_EXPIRED']);
  });

  it('reports a replacing root dated back before the root it replaced', async () => {
    const [first, second] = honestRoots as [RootRecord, RootRecord];
    // Stated consistently, but the removal's root is dated before the root it follows.
    const report = await verify(
      [
        { ...first, supersededAt: at(T - 5) },
        { ...second, createdAt: at(T - 5) },
      ],
      T + 30,
    );
    expect(codes(report)).toEqual(['ROOT_TIME_ORDER']);
  });
});
