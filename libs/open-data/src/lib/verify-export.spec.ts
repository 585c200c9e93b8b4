import { WARM_UP_PROOF } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { codes, community, minute, note, scoredRun, source } from '../testing/memory-export';
import { EXPORT_STREAMS, type ExportManifest, type RequestRecord } from './export-format';
import { ExportReadError } from './origin-read';
import { verifyExport } from './verify-export';

/**
 * The verifier on its own, over an export held in memory: the membership and note checks that
 * need no Groth16 work. The API's exports spec verifies a real instance's export end to end.
 */
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

  it("checks the protocol's clock-skew allowance, not a larger one the manifest states", async () => {
    const { manifest, members, roots } = community([11n, 22n, 33n]);
    const lax = { ...manifest, rules: { ...manifest.rules, clockSkewMinutes: 600 } };
    const report = await verifyExport(source(lax, { members, roots }));
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'RULES_CLOCK_SKEW', subject: 'manifest' }),
    ]);
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

  it('finds postIds that are not one to one with the posts the notes are about', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const on = (postId: string, url: string, cursor: string) => ({
      ...note(null),
      cursor,
      postId,
      post: { canonicalUrl: url, platform: null, externalId: null },
    });
    const [a, b] = ['https://example.com/a', 'https://example.com/b'];
    const first = on('1', a, 'n1');
    const sameIdSamePost = on('1', a, 'n2');
    const otherIdSamePost = on('2', a, 'n3');
    const sameIdOtherPost = on('1', b, 'n4');
    const report = await verifyExport(
      source(manifest, {
        members,
        roots: roots.slice(0, 1),
        notes: [first, sameIdSamePost, otherIdSamePost, sameIdOtherPost],
      }),
    );
    expect(
      report.discrepancies
        .filter(({ code }) => code === 'POST_ID_INCONSISTENT')
        .map(({ subject }) => subject),
    ).toEqual([`note ${otherIdSamePost.id}`, `note ${sameIdOtherPost.id}`]);
  });

  it('finds a note request counted for another post than the one proven', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const asked: RequestRecord = {
      cursor: 'r1',
      id: randomUUID(),
      requesterPseudonym: '12345',
      post: { canonicalUrl: 'https://example.com/b', platform: null, externalId: null },
      postRef: { url: 'https://example.com/a' },
      clientMinute: 29_000_000,
      proof: WARM_UP_PROOF,
    };
    const report = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), requests: [asked] }),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toContainEqual(
      expect.objectContaining({ code: 'REQUEST_POST_MISMATCH', subject: `request ${asked.id}` }),
    );
    // The same request counted for its proven post is not named so.
    const honest = await verifyExport(
      source(manifest, {
        members,
        roots: roots.slice(0, 1),
        requests: [{ ...asked, post: { ...asked.post, canonicalUrl: 'https://example.com/a' } }],
      }),
    );
    expect(codes(honest)).not.toContain('REQUEST_POST_MISMATCH');
  });

  it('finds an incremental run without its base parameters, which nothing of it can be checked without, and recomputes a full one', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const full = scoredRun(randomUUID(), 4, 'FULL');
    const incremental = { ...scoredRun(randomUUID(), 6, 'INCREMENTAL'), baseRunId: full.id };
    const skipped = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), runs: [full, incremental] }),
    );
    expect(skipped).toMatchObject({
      verdict: 'DISCREPANCIES',
      run: {
        id: incremental.id,
        recomputed: false,
        notesCompared: 0,
        base: { id: full.id, recomputed: false },
      },
    });
    expect(skipped.discrepancies).toEqual([
      expect.objectContaining({ code: 'RUN_BASE_MISSING', severity: 'error' }),
    ]);
    // Parameters that are not frozen raters at all are an error too.
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

  it('is INCOMPLETE, with a warning per stream, when streams the format defines are missing', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const older = { ...manifest, streams: EXPORT_STREAMS.slice(0, 7) };
    const report = await verifyExport(source(older, { members, roots: roots.slice(0, 1) }));
    const missing = EXPORT_STREAMS.slice(7).map((stream) => `stream ${stream}`);
    expect(report).toMatchObject({ verdict: 'INCOMPLETE', unchecked: missing });
    expect(report.discrepancies).toEqual(
      missing.map((subject) =>
        expect.objectContaining({ code: 'STREAM_MISSING', subject, severity: 'warning' }),
      ),
    );
  });

  it("leaves a past algorithm's latest run unchecked (INCOMPLETE), and refuses an unknown one", async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const run = scoredRun(randomUUID(), 4, 'FULL');
    const verifyRun = (algorithmVersion: string) =>
      verifyExport(
        source(manifest, {
          members,
          roots: roots.slice(0, 1),
          runs: [{ ...run, algorithmVersion }],
        }),
      );
    const past = await verifyRun('meta/4');
    expect(past).toMatchObject({
      verdict: 'INCOMPLETE',
      run: null,
      unchecked: [`latest run ${run.id}`],
    });
    expect(past.discrepancies).toEqual([
      expect.objectContaining({ code: 'ALGORITHM_OLDER', severity: 'warning' }),
    ]);
    const unknown = await verifyRun('meta/99');
    expect(unknown.verdict).toBe('DISCREPANCIES');
    expect(unknown.discrepancies).toEqual([
      expect.objectContaining({ code: 'ALGORITHM_UNKNOWN', severity: 'error' }),
    ]);
  });

  it('refuses a run of an older algorithm than a run that finished before it', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const newer = scoredRun(randomUUID(), 4, 'FULL');
    const older = { ...scoredRun(randomUUID(), 6, 'FULL'), algorithmVersion: 'meta/4' };
    const report = await verifyExport(
      source(manifest, { members, roots: roots.slice(0, 1), runs: [newer, older] }),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({
        code: 'ALGORITHM_BACKWARDS',
        severity: 'error',
        subject: `run ${older.id}`,
      }),
      expect.objectContaining({ code: 'ALGORITHM_OLDER', severity: 'warning' }),
    ]);
  });

  it('reports a malformed record by stream and position, and leaves it out', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const broken = members.map((member, index) =>
      index === 1 ? { ...member, commitment: 'abc' } : member,
    );
    const report = await verifyExport(
      source(manifest, {
        members: broken,
        roots: roots.slice(0, 1),
        notes: [{ ...note(null), createdAt: 'yesterday' }],
      }),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'RECORD_MALFORMED',
          subject: 'members record 2',
          message: expect.stringMatching(/^commitment is not a decimal number \(cursor 1\)/),
        }),
        expect.objectContaining({
          code: 'RECORD_MALFORMED',
          subject: 'notes record 1',
          message: expect.stringMatching(/^createdAt is not an ISO 8601 time/),
        }),
      ]),
    );
    // Left out: the published members no longer build the root.
    expect(codes(report)).toContain('ROOT_NOT_FROM_MEMBERS');
    expect(report.counts).toMatchObject({ members: 1, notes: 0 });
  });

  it('refuses a manifest without the fields a verification reads, naming the first', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const withoutRules = { ...manifest, rules: undefined } as unknown as ExportManifest;
    await expect(verifyExport(source(withoutRules, { members, roots }))).rejects.toThrow(
      "memory: the manifest's rules is not an object",
    );
    const noStreams = { ...manifest, streams: undefined } as unknown as ExportManifest;
    await expect(verifyExport(source(noStreams, { members, roots }))).rejects.toThrow(
      "the manifest's streams is not a list",
    );
  });

  it('refuses a manifest whose promotion is malformed, naming the field; reads a null one as none', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    const promotion = {
      from: { url: 'https://old.example', community: 'news' },
      at: minute(5),
      root: manifest.community.root,
      treeSize: 2,
      originChangeHorizon: '10',
      changeHorizon: '3',
      originRules: manifest.rules,
    };
    const malformed: [unknown, string][] = [
      ['promoted', 'promotion is not an object'],
      [[], 'promotion is not an object'],
      [{ ...promotion, from: 'https://old.example' }, 'promotion.from is not an object'],
      [{ ...promotion, at: 'yesterday' }, 'promotion.at is not an ISO 8601 time'],
      [{ ...promotion, root: undefined }, 'promotion.root is not a decimal number'],
      [{ ...promotion, treeSize: '2' }, 'promotion.treeSize is not a count'],
      [{ ...promotion, changeHorizon: 3 }, 'promotion.changeHorizon is not a change batch'],
      [{ ...promotion, originRules: {} }, 'promotion.originRules.rootHistoryWindowSeconds'],
    ];
    for (const [value, problem] of malformed) {
      const edited = { ...manifest, promotion: value } as unknown as ExportManifest;
      const verified = verifyExport(source(edited, { members, roots }));
      await expect(verified).rejects.toThrow(ExportReadError);
      await expect(verified).rejects.toThrow(`memory: the manifest's ${problem}`);
    }
    const none = { ...manifest, promotion: null } as unknown as ExportManifest;
    const report = await verifyExport(source(none, { members, roots }));
    expect(report.promotion).toBeNull();
  });

  it('refuses a sample of no proofs', async () => {
    const { manifest, members, roots } = community([11n, 22n]);
    await expect(
      verifyExport(source(manifest, { members, roots: roots.slice(0, 1) }), { sample: 0 }),
    ).rejects.toThrow(/sample/);
  });
});
