import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import {
  httpSource,
  verifyExport,
  type ExportSource,
  type ExportStream,
  type ReplacedRatingRecord,
  type VerificationReport,
} from '@bridgenotes/open-data';
import { decodeFrozenRaters, encodeFrozenRaters } from '@bridgenotes/scoring';
import request from 'supertest';

import { atProcessTime } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import {
  backdateCommunity,
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  TestCommunity,
} from '../../testing/members';
import { publishIncrementalRun, publishScoringRun, writeSynthetic } from '../../testing/scoring';
import { createTestApp } from '../../testing/test-app';
const RESCORED_NOTES = 12;
const MINUTE = 60_000;
const HOUR = 3_600_000;

/** A status to tamper with one: helpful for a note waiting for ratings, else waiting. */
const otherStatus = (status: string) =>
  status === 'NEEDS_MORE_RATINGS' ? 'CURRENTLY_RATED_HELPFUL' : 'NEEDS_MORE_RATINGS';

/** What the verifier finds besides the synthetic records' missing proofs, which it reports. */
const findings = (report: VerificationReport) =>
  report.discrepancies.filter(({ code }) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN');

/** The export's replaced rating versions, as a verifier reads them. */
const replacedVersions = async (source: ExportSource) => {
  const versions: ReplacedRatingRecord[] = [];
  for await (const version of source.records('replaced-ratings')) versions.push(version);
  return versions;
};

/**
 * A community large enough for the Core regime (synthetic raters, whose records carry no
 * proofs; one real member, whose rating does), scored by a full run that freezes its raters,
 * then rated again and scored by an incremental run against them, as the worker alternates them.
 * The export must let a verifier rebuild the full run, check the frozen parameters, and
 * recompute the incremental run's statuses, also once a rating the full run read was replaced.
 */
describe('verification of an incremental run', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let baseUrl: string;
  let fullRunId: string;
  let incrementalRunId: string;
  const member = createIdentity();
  /** The real member's rating, which the base run read and a test replaces. */
  let memberRating: { noteId: string; helpfulness: string; clientMinute: number };
  const source = () => httpSource(baseUrl, community.slug);
  const verify = (from: ExportSource = source()) => verifyExport(from, { sample: 1 });
  /** The export without `stream`, named or not in the manifest, as an older instance serves. */
  const withoutStream = (stream: ExportStream): ExportSource => ({
    ...source(),
    manifest: async () => {
      const manifest = await source().manifest();
      return { ...manifest, streams: manifest.streams.filter((name) => name !== stream) };
    },
  });

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createTestPrisma();
    community = await communityWithMembers(app, [member]);
    await writeSynthetic(community.id, { seed: 7, raters: 300, notes: 100, ratings: 10_000 });
    // Every run timed in the past, as a worker's are (a run's time is before it finished), and
    // after the writes it read: the community is five hours old.
    const start = Date.now() - 2 * HOUR;
    await backdateCommunity(prisma, community.id, 5 * HOUR);
    // An earlier full run first: the notes start the base run from histories of their own,
    // which the incremental run then overwrites and the export must keep.
    await publishScoringRun(prisma, community.id, start - 2 * HOUR);
    // The member rates, with a real proof, a note that will keep the base run's result: no
    // incremental run here rescores it (not among the notes rated below or in the last test,
    // and not held at NMR).
    const [note] = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM notes WHERE community_id = ${community.id}::uuid
         AND status <> 'NEEDS_MORE_RATINGS'
         AND id NOT IN (SELECT id FROM notes WHERE community_id = ${community.id}::uuid
                         ORDER BY id LIMIT ${RESCORED_NOTES})
       ORDER BY id LIMIT 1`;
    // Ten minutes before the base run, which reads it.
    const prove = await prover(app, community);
    const rating = await atProcessTime(start - 10 * MINUTE, async () => {
      const proven = await prove(member, 'rating.put', `note:${note?.id}`, {
        helpfulness: 'HELPFUL',
        tags: ['CLEAR'],
      });
      await request(app.getHttpServer())
        .put(`/communities/${community.slug}/notes/${note?.id}/rating`)
        .send(provenBody(proven))
        .expect(201);
      return proven;
    });
    memberRating = {
      noteId: note?.id as string,
      helpfulness: 'HELPFUL',
      clientMinute: rating.action.clientMinute,
    };
    fullRunId = await publishScoringRun(prisma, community.id, start);
    // New ratings of a few notes, each by raters the full run fitted, after it.
    await prisma.$executeRaw`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
      SELECT gen_random_uuid(), n.community_id, n.id, r.rater, 'HELPFUL', ${Math.floor(start / 60_000)}, '{}', '{}'
        FROM (SELECT id, community_id, author_pseudonym FROM notes
               WHERE community_id = ${community.id}::uuid ORDER BY id LIMIT ${RESCORED_NOTES}) n
       CROSS JOIN LATERAL (
         SELECT DISTINCT rater_pseudonym AS rater FROM ratings
          WHERE community_id = n.community_id AND rater_pseudonym <> n.author_pseudonym
            AND rater_pseudonym NOT IN (SELECT rater_pseudonym FROM ratings WHERE note_id = n.id)
          ORDER BY 1 LIMIT 6) r`;
    incrementalRunId = await publishIncrementalRun(prisma, community.id, start + 60_000);
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('exports the base run frozen raters and recomputes both runs equal', async () => {
    const runs = await prisma.scoringRun.findMany({
      where: { communityId: community.id },
      orderBy: { requestedAt: 'asc' },
    });
    expect(runs.map(({ kind, regime }) => [kind, regime])).toEqual([
      ['FULL', 'core'],
      ['FULL', 'core'],
      ['INCREMENTAL', 'core'],
    ]);
    const frozen = await request(app.getHttpServer())
      .get(`/communities/${community.slug}/export/frozen-raters`)
      .expect(200);
    const [record] = frozen.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(record).toMatchObject({ runId: fullRunId, changedThrough: expect.any(String) });

    // The rated notes, and any held at NMR (rescored as time passes).
    const rescored = await prisma.note.count({ where: { scoredRunId: incrementalRunId } });
    const notes = await prisma.note.count({ where: { communityId: community.id } });
    expect(rescored).toBeGreaterThanOrEqual(RESCORED_NOTES);
    // Not trivial either: the base run started the rescored notes from histories, not none.
    const kept = await prisma.scoringBaseHistory.findMany({ where: { runId: fullRunId } });
    expect(kept).toHaveLength(rescored);
    expect(kept.every(({ statusHistory }) => statusHistory !== null)).toBe(true);

    const report = await verify();
    expect(findings(report)).toEqual([]);
    // Not vacuous: every rescored note was recomputed against the frozen raters, and the base
    // run's notes and standings against its recomputation.
    expect(report.run).toMatchObject({
      id: incrementalRunId,
      recomputed: true,
      notesCompared: rescored,
      base: { id: fullRunId, recomputed: true, notesCompared: notes - rescored },
    });
    expect(report.run?.standingsCompared).toBeGreaterThan(100);
  });

  it('finds a tampered status of the incremental run', async () => {
    const note = await prisma.note.findFirstOrThrow({
      where: { scoredRunId: incrementalRunId },
      orderBy: { id: 'asc' },
    });
    const other = otherStatus(note.status);
    await prisma.note.update({ where: { id: note.id }, data: { status: other } });
    try {
      const report = await verify();
      expect(findings(report)).toEqual([
        expect.objectContaining({ code: 'STATUS_MISMATCH', subject: `note ${note.id}` }),
      ]);
    } finally {
      await prisma.note.update({ where: { id: note.id }, data: { status: note.status } });
    }
  });

  it("finds the incremental run's status counts that are not the community's", async () => {
    const run = await prisma.scoringRun.findUniqueOrThrow({ where: { id: incrementalRunId } });
    const counts = run.statusCounts as Record<string, number>;
    await prisma.scoringRun.update({
      where: { id: incrementalRunId },
      data: {
        statusCounts: {
          ...counts,
          CURRENTLY_RATED_HELPFUL: (counts['CURRENTLY_RATED_HELPFUL'] ?? 0) + 1,
          NEEDS_MORE_RATINGS: (counts['NEEDS_MORE_RATINGS'] ?? 0) - 1,
        },
      },
    });
    try {
      expect(findings(await verify())).toEqual([
        expect.objectContaining({
          code: 'RUN_COUNTS_MISMATCH',
          subject: `run ${incrementalRunId}`,
        }),
      ]);
    } finally {
      await prisma.scoringRun.update({
        where: { id: incrementalRunId },
        data: { statusCounts: counts },
      });
    }
  });

  it("finds a base run's status change that its recomputation does not give", async () => {
    const change = await prisma.noteStatusChange.findFirstOrThrow({
      where: { runId: fullRunId },
      orderBy: { id: 'asc' },
    });
    const other = otherStatus(change.next);
    await prisma.noteStatusChange.update({ where: { id: change.id }, data: { next: other } });
    try {
      const report = await verify();
      expect(findings(report)).toContainEqual(
        expect.objectContaining({
          code: 'STATUS_HISTORY_MISMATCH',
          subject: `note ${change.noteId}`,
          message: expect.stringContaining(`after run ${fullRunId}`),
        }),
      );
      expect(report.verdict).toBe('DISCREPANCIES');
    } finally {
      await prisma.noteStatusChange.update({
        where: { id: change.id },
        data: { next: change.next },
      });
    }
  });

  it('finds frozen rater parameters the base run does not give', async () => {
    const stored = await prisma.scoringRunRaters.findUniqueOrThrow({
      where: { runId: fullRunId },
    });
    const frozen = decodeFrozenRaters(stored.state);
    const factor = Float64Array.from(frozen.raterFactor);
    const rater = factor.findIndex((value) => !Number.isNaN(value));
    factor[rater] = (factor[rater] as number) + 0.5;
    await prisma.scoringRunRaters.update({
      where: { runId: fullRunId },
      data: { state: Buffer.from(encodeFrozenRaters({ ...frozen, raterFactor: factor })) },
    });
    try {
      const report = await verify();
      expect(findings(report)).toContainEqual(
        expect.objectContaining({ code: 'RUN_BASE_MISMATCH', subject: `run ${fullRunId}` }),
      );
      expect(report.verdict).toBe('DISCREPANCIES');
    } finally {
      await prisma.scoringRunRaters.update({
        where: { runId: fullRunId },
        data: { state: stored.state },
      });
    }
  });

  it('finds an incremental run whose base parameters are left out of the export', async () => {
    // Without them nothing of the run can be checked: an error, the stream listed or not.
    const live = source();
    const dropped: ExportSource = {
      ...live,
      async *records(stream) {
        if (stream !== 'frozen-raters') yield* live.records(stream);
      },
    };
    for (const [from, missing] of [
      [dropped, []],
      [withoutStream('frozen-raters'), ['STREAM_MISSING']],
    ] as const) {
      const report = await verify(from);
      expect(findings(report).map(({ code, severity }) => [code, severity])).toEqual([
        ...missing.map((code) => [code, 'warning']),
        ['RUN_BASE_MISSING', 'error'],
      ]);
      expect(report.run).toMatchObject({ recomputed: false });
    }
  });

  it('still rebuilds the base run after a note it read was deleted', async () => {
    // A deletion moves the note to a later change batch but leaves everything the base read.
    const note = await prisma.note.findFirstOrThrow({
      where: { scoredRunId: fullRunId },
      orderBy: { id: 'desc' },
    });
    await prisma.$executeRaw`
        UPDATE notes SET deleted_at = now(), delete_proof = '{}' WHERE id = ${note.id}::uuid`;
    const report = await verify();
    expect(findings(report)).toEqual([]);
    expect(report.run).toMatchObject({ recomputed: true, base: { recomputed: true } });
  });

  it('rebuilds the base run from the version of a rating it read, replaced since', async () => {
    // The member changes their rating of a note the incremental run did not rescore: only the
    // base's data moved. Its change batch cannot be put back (the trigger stamps every write),
    // so the base run reads the kept version in every test after this one.
    const note = await prisma.note.findUniqueOrThrow({ where: { id: memberRating.noteId } });
    expect(note.scoredRunId).toBe(fullRunId);
    const prove = await prover(app, community);
    // The next minute, before the later runs that read it.
    const minute = memberRating.clientMinute + 1;
    await atProcessTime(minute * MINUTE, async () => {
      const replacing = await prove(
        member,
        'rating.put',
        `note:${note.id}`,
        { helpfulness: 'NOT_HELPFUL', tags: ['INCORRECT'] },
        new Date(minute * MINUTE),
      );
      await request(app.getHttpServer())
        .put(`/communities/${community.slug}/notes/${note.id}/rating`)
        .send(provenBody(replacing))
        .expect(200);
    });

    const base = await prisma.scoringRun.findUniqueOrThrow({ where: { id: fullRunId } });
    const current = await prisma.rating.findFirstOrThrow({
      where: { noteId: note.id, clientMinute: minute },
    });
    const versions = await replacedVersions(source());
    expect(versions).toEqual([
      expect.objectContaining({
        noteId: note.id,
        raterPseudonym: current.raterPseudonym,
        helpfulness: memberRating.helpfulness,
        clientMinute: memberRating.clientMinute,
        replacedBatch: String(current.changedBatch),
      }),
    ]);
    const [version] = versions as [ReplacedRatingRecord];
    expect(BigInt(version.changedBatch)).toBeLessThanOrEqual(base.changedThrough as bigint);
    expect(base.changedThrough as bigint).toBeLessThan(BigInt(version.replacedBatch));

    const report = await verify();
    expect(findings(report)).toEqual([]);
    // Its proof is checked as a rating's, and passes: no discrepancy names it.
    expect(report.discrepancies.filter(({ subject }) => subject.includes(version.id))).toEqual([]);
    expect(report.run).toMatchObject({
      recomputed: true,
      notesCompared: await prisma.note.count({ where: { scoredRunId: incrementalRunId } }),
      base: {
        id: fullRunId,
        recomputed: true,
        notesCompared: await prisma.note.count({ where: { scoredRunId: fullRunId } }),
      },
    });

    // An export without the stream (an older instance, or one that left it out) cannot rebuild
    // the base: warnings, and the verdict says the base was not checked.
    const withoutVersions = await verify(withoutStream('replaced-ratings'));
    expect(findings(withoutVersions)).toEqual([
      expect.objectContaining({
        code: 'STREAM_MISSING',
        severity: 'warning',
        subject: 'stream replaced-ratings',
      }),
      expect.objectContaining({
        code: 'RUN_BASE_OUTDATED',
        severity: 'warning',
        subject: `run ${fullRunId}`,
      }),
    ]);
    // (The synthetic records' missing proofs make its verdict DISCREPANCIES.)
    expect(withoutVersions).toMatchObject({
      unchecked: ['stream replaced-ratings', `base run ${fullRunId}`],
      run: { recomputed: true, base: { id: fullRunId, recomputed: false } },
    });
  });

  it('finds a replaced rating version that was altered', async () => {
    const [version] = await prisma.replacedRating.findMany({
      where: { communityId: community.id },
    });
    if (!version) throw new Error('the test before keeps a replaced version');
    const other = version.helpfulness === 'HELPFUL' ? 'NOT_HELPFUL' : 'HELPFUL';
    await prisma.replacedRating.update({
      where: { id: version.id },
      data: { helpfulness: other, tags: [] },
    });
    try {
      const report = await verify();
      expect(
        report.discrepancies.filter(({ subject }) => subject === `replaced rating ${version.id}`),
      ).toEqual([expect.objectContaining({ code: 'PROOF_MESSAGE', severity: 'error' })]);
      // And the base's data is not the data it read.
      expect(findings(report)).toEqual([
        expect.objectContaining({ code: 'RUN_BASE_MISMATCH', subject: `run ${fullRunId}` }),
      ]);
      expect(report.verdict).toBe('DISCREPANCIES');
    } finally {
      await prisma.replacedRating.update({
        where: { id: version.id },
        data: { helpfulness: version.helpfulness, tags: version.tags },
      });
    }
  });

  it('finds a proven rating presented as a version it never was', async () => {
    // The current rating's own proof, presented as a version it replaced: a valid proof, but
    // not a version of the chain (the current rating was not written when it was replaced).
    const current = await prisma.rating.findFirstOrThrow({
      where: { noteId: memberRating.noteId, clientMinute: memberRating.clientMinute + 1 },
    });
    const forged = await prisma.replacedRating.create({
      data: {
        communityId: community.id,
        noteId: current.noteId,
        raterPseudonym: current.raterPseudonym,
        helpfulness: current.helpfulness,
        tags: current.tags,
        clientMinute: current.clientMinute,
        proof: current.proof as object,
        changedBatch: current.changedBatch,
        replacedBatch: current.changedBatch + 1n,
      },
    });
    try {
      const report = await verify();
      expect(findings(report)).toEqual([
        expect.objectContaining({
          code: 'REPLACED_RATING_INVALID',
          severity: 'error',
          subject: `replaced rating ${forged.id}`,
        }),
      ]);
      expect(report.verdict).toBe('DISCREPANCIES');
    } finally {
      await prisma.replacedRating.delete({ where: { id: forged.id } });
    }
  });

  it('recomputes the notes still carrying an earlier incremental run results', async () => {
    // Other notes rated, and a second incremental run 20 minutes on: the first one's notes it
    // does not rescore keep their results, scored against the same frozen raters.
    const start = Date.parse(
      (
        await prisma.scoringRun.findUniqueOrThrow({ where: { id: fullRunId } })
      ).nowAt?.toISOString() ?? '',
    );
    await prisma.$executeRaw`
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
        SELECT gen_random_uuid(), n.community_id, n.id, r.rater, 'NOT_HELPFUL', ${Math.floor(start / 60_000) + 2}, '{}', '{}'
          FROM (SELECT id, community_id, author_pseudonym FROM notes
                 WHERE community_id = ${community.id}::uuid ORDER BY id DESC LIMIT 3) n
         CROSS JOIN LATERAL (
           SELECT DISTINCT rater_pseudonym AS rater FROM ratings
            WHERE community_id = n.community_id AND rater_pseudonym <> n.author_pseudonym
              AND rater_pseudonym NOT IN (SELECT rater_pseudonym FROM ratings WHERE note_id = n.id)
            ORDER BY 1 LIMIT 6) r`;
    const latestRunId = await publishIncrementalRun(prisma, community.id, start + 20 * 60_000);
    const carried = await prisma.note.findMany({
      where: { scoredRunId: incrementalRunId },
      orderBy: { id: 'asc' },
    });
    expect(carried.length).toBeGreaterThan(0);
    const report = await verify();
    // The base is rebuilt still, from the version of the member's rating it read.
    expect(findings(report)).toEqual([]);
    expect(report.run).toMatchObject({
      id: latestRunId,
      recomputed: true,
      intermediate: { runs: 1, notesCompared: carried.length, notesSkipped: 0 },
    });

    const [note] = carried as [(typeof carried)[number]];
    // Not helpful, or back from it: a status the low-diligence filter never gives or takes.
    const other =
      note.status === 'CURRENTLY_RATED_NOT_HELPFUL'
        ? 'NEEDS_MORE_RATINGS'
        : 'CURRENTLY_RATED_NOT_HELPFUL';
    await prisma.note.update({ where: { id: note.id }, data: { status: other } });
    try {
      // Scored apart from its run's other notes, the recomputation is close but not exact (the
      // low-diligence refit), which can explain only a note near that filter's threshold moved
      // between helpful and waiting: this one is an error, as the status changes and the latest
      // run's counts, which recorded the note's true status, say too.
      const report = await verify();
      expect(
        findings(report).map(({ code, subject, severity }) => [code, subject, severity]),
      ).toEqual([
        ['STATUS_MISMATCH', `note ${note.id}`, 'error'],
        ['RUN_COUNTS_MISMATCH', `run ${latestRunId}`, 'error'],
        ['STATUS_CHANGES_INCOMPLETE', `note ${note.id}`, 'error'],
      ]);
    } finally {
      await prisma.note.update({ where: { id: note.id }, data: { status: note.status } });
    }

    // Rated after the latest run started: its run read the note's ratings as of its cut, which
    // the export still gives, so the note is recomputed all the same.
    const rateAfter = async (noteId: string, author: string, minute: number) => {
      const [rater] = await prisma.$queryRaw<{ rater: string }[]>`
        SELECT DISTINCT rater_pseudonym AS rater FROM ratings
         WHERE community_id = ${community.id}::uuid AND rater_pseudonym <> ${author}
           AND rater_pseudonym NOT IN (SELECT rater_pseudonym FROM ratings WHERE note_id = ${noteId}::uuid)
         ORDER BY 1 LIMIT 1`;
      await prisma.$executeRaw`
        INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
        VALUES (gen_random_uuid(), ${community.id}::uuid, ${noteId}::uuid, ${rater?.rater},
                'HELPFUL', ${minute}, '{}', '{}')`;
    };
    await rateAfter(note.id, note.authorPseudonym, Math.floor(start / 60_000) + 21);
    const later = await verify();
    expect(findings(later)).toEqual([]);
    expect(later.run?.intermediate).toEqual({
      runs: 1,
      notesCompared: carried.length,
      notesTolerated: 0,
      notesSkipped: 0,
    });

    // So is the latest run, one of whose notes is rated after it: its input is the data as of
    // its cut. Invented, it is an error, whatever was rated since.
    const own = await prisma.note.findFirstOrThrow({
      where: { scoredRunId: latestRunId },
      orderBy: { id: 'asc' },
    });
    await rateAfter(own.id, own.authorPseudonym, Math.floor(start / 60_000) + 21);
    expect(findings(await verify())).toEqual([]);
    const run = await prisma.scoringRun.findUniqueOrThrow({ where: { id: latestRunId } });
    await prisma.scoringRun.update({
      where: { id: latestRunId },
      data: { inputHash: 'e'.repeat(64), dataHash: 'e'.repeat(64) },
    });
    try {
      const invented = await verify();
      expect(findings(invented)).toEqual([
        expect.objectContaining({
          code: 'RUN_INPUT_MISMATCH',
          severity: 'error',
          subject: `run ${latestRunId}`,
        }),
      ]);
      expect(invented.run).toMatchObject({ recomputed: false });
    } finally {
      await prisma.scoringRun.update({
        where: { id: latestRunId },
        data: { inputHash: run.inputHash, dataHash: run.dataHash },
      });
    }
  });

  it('finds a base run whose cut is not the one its frozen raters were read at', async () => {
    // Both come from the run's row on the instance: an export edited after it was served.
    const live = source();
    const edited: ExportSource = {
      ...live,
      async *records(stream) {
        for await (const record of live.records(stream)) {
          const run = record as { id?: string; changedThrough?: string };
          yield stream === 'runs' && run.id === fullRunId
            ? { ...record, changedThrough: String(BigInt(run.changedThrough ?? '0') + 1n) }
            : record;
        }
      },
    };
    const report = await verify(edited);
    expect(findings(report)).toEqual([
      expect.objectContaining({ code: 'RUN_BASE_INCONSISTENT', subject: `run ${fullRunId}` }),
    ]);
    expect(report.verdict).toBe('DISCREPANCIES');
  });

  it('finds a note an incremental run left out though it was rated since its run read it', async () => {
    const start = (
      await prisma.scoringRun.findUniqueOrThrow({ where: { id: fullRunId } })
    ).nowAt?.getTime() as number;
    /** A note still carrying the base run's result, not held (each incremental run reads those). */
    const baseNote = async (skip: number) => {
      const [found] = await prisma.$queryRaw<{ id: string }[]>`
        SELECT id FROM notes WHERE community_id = ${community.id}::uuid
           AND scored_run_id = ${fullRunId}::uuid AND id <> ${memberRating.noteId}::uuid
           AND jsonb_typeof(status_history->'timestampMillisOfNmrDueToMinStableCrhTime') IS DISTINCT FROM 'number'
         ORDER BY id LIMIT 1 OFFSET ${skip}`;
      if (!found) throw new Error('no note carries the base run result');
      return found.id;
    };
    /** NOT_HELPFUL ratings of the note by raters the base run fitted, in two change batches. */
    const rateInBatches = async (noteId: string) => {
      for (const offset of [0, 3]) {
        await prisma.$executeRaw`
          INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
          SELECT gen_random_uuid(), n.community_id, n.id, r.rater, 'NOT_HELPFUL', ${Math.floor(start / MINUTE) + 25}, '{}', '{}'
            FROM notes n CROSS JOIN LATERAL (
              SELECT DISTINCT rater_pseudonym AS rater FROM ratings
               WHERE community_id = n.community_id AND rater_pseudonym <> n.author_pseudonym
                 AND rater_pseudonym NOT IN (SELECT rater_pseudonym FROM ratings WHERE note_id = n.id)
               ORDER BY 1 OFFSET ${offset} LIMIT 3) r
           WHERE n.id = ${noteId}::uuid`;
      }
    };

    // Honestly, the next incremental run reads the note (rated since the latest run's cut).
    const honest = await baseNote(0);
    await rateInBatches(honest);
    const honestRunId = await publishIncrementalRun(prisma, community.id, start + 30 * MINUTE);
    expect((await prisma.note.findUniqueOrThrow({ where: { id: honest } })).scoredRunId).toBe(
      honestRunId,
    );
    expect(findings(await verify())).toEqual([]);

    // An operator's run loaded from a cut past the note's ratings leaves it out: its status
    // stays the base run's, which recomputes equal from the ratings the base read.
    const skipped = await baseNote(0);
    await rateInBatches(skipped);
    const [{ last }] = await prisma.$queryRaw<[{ last: bigint }]>`
      SELECT last FROM change_batches WHERE id = 1`;
    const dishonestRunId = await publishIncrementalRun(
      prisma,
      community.id,
      start + 40 * MINUTE,
      undefined,
      last,
    );
    expect((await prisma.note.findUniqueOrThrow({ where: { id: skipped } })).scoredRunId).toBe(
      fullRunId,
    );
    const report = await verify();
    expect(findings(report)).toEqual([
      expect.objectContaining({
        code: 'RESULT_NOT_FROM_RUN',
        severity: 'error',
        subject: `note ${skipped}`,
        message: expect.stringContaining(`the latest run ${dishonestRunId}'s`),
      }),
    ]);
    expect(report.verdict).toBe('DISCREPANCIES');
  });

  it('drops the kept versions once the next full run read past them', async () => {
    expect(await prisma.replacedRating.count({ where: { communityId: community.id } })).toBe(1);
    const nowAt = (await prisma.scoringRun.findUniqueOrThrow({ where: { id: fullRunId } })).nowAt;
    await publishScoringRun(prisma, community.id, (nowAt?.getTime() ?? 0) + HOUR);
    expect(await prisma.replacedRating.count({ where: { communityId: community.id } })).toBe(0);
    expect(await replacedVersions(source())).toEqual([]);
  });
});
