import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { httpSource, verifyExport, type VerificationReport } from '@bridgenotes/open-data';
import request from 'supertest';

import { atProcessTime } from '../../testing/clock';
import { createTestPrisma } from '../../testing/fixtures';
import {
  backdateCommunity,
  communityWithMembers,
  createIdentity,
  provenBody,
  prover,
  type TestCommunity,
} from '../../testing/members';
import { publishIncrementalRun, publishScoringRun, writeSynthetic } from '../../testing/scoring';
import { createTestApp } from '../../testing/test-app';

const MINUTE = 60_000;
const HOUR = 3_600_000;

const NOTE = {
  post: { url: 'https://example.com/dishonest-inputs' },
  classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
  reasons: ['MISSING_IMPORTANT_CONTEXT'],
  text: 'The figure is from another year; see https://example.org/figures',
  sources: ['https://example.org/figures'],
};

/**
 * An operator who changes a run's input before scoring it, then scores it with the honest
 * scorer and publisher: every hash of the export then agrees with what it publishes, so only
 * the open data the input must follow from (the status changes, the run times, the worker's
 * seed) can tell. Each case scores a community of its own (real proofs), its runs in the past
 * as a worker's are, after the writes they read (made five hours ago unless a case says).
 * The communities cannot share one honest fixture, as exports.spec's tampered copies of one
 * export do: a case's forgery is in the input the publisher reads, so its run is written into
 * the community itself, and a proof holds only for its community's id (a rating's, for its
 * note's id too), so a copy under new ids would need its proofs made again.
 */
describe('verification of runs scored from inputs the instance chose', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createTestPrisma();
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  /**
   * A community of three members, six hours old: `notes` notes by one, each rated helpful by the
   * two others, written at `writtenAt` (five hours ago).
   */
  async function ratedCommunity(
    notes = 1,
    writtenAt = Date.now() - 5 * HOUR,
  ): Promise<{
    community: TestCommunity;
    ids: string[];
    postNote: (index: number) => Promise<string>;
  }> {
    const [author, first, second] = [createIdentity(), createIdentity(), createIdentity()];
    const community = await communityWithMembers(app, [author, first, second]);
    await backdateCommunity(prisma, community.id, 6 * HOUR);
    const prove = await prover(app, community);
    /** A note by the author, proven and written at the process's time. */
    const postNote = async (index: number) => {
      const post = { url: `${NOTE.post.url}/${index}` };
      const note = await prove(author, 'note.create', '', { ...NOTE, post });
      return (
        (
          await request(app.getHttpServer())
            .post(`/communities/${community.slug}/notes`)
            .send(provenBody(note))
            .expect(201)
        ).body as { id: string }
      ).id;
    };
    const ids: string[] = [];
    await atProcessTime(writtenAt, async () => {
      for (let index = 0; index < notes; index += 1) {
        const id = await postNote(index);
        for (const rater of [first, second]) {
          const rating = await prove(rater, 'rating.put', `note:${id}`, {
            helpfulness: 'HELPFUL',
            tags: ['CLEAR', 'GOOD_SOURCES'],
          });
          await request(app.getHttpServer())
            .put(`/communities/${community.slug}/notes/${id}/rating`)
            .send(provenBody(rating))
            .expect(201);
        }
        ids.push(id);
      }
    });
    return { community, ids, postNote };
  }

  const verify = (community: TestCommunity) => verifyExport(httpSource(baseUrl, community.slug));
  const found = (report: VerificationReport) =>
    report.discrepancies.map(({ code, subject }) => ({ code, subject }));

  it('names a run started from a status history the status changes never left', async () => {
    const { community, ids } = await ratedCommunity();
    const [noteId] = ids as [string];
    const start = Date.now() - 4 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    await publishScoringRun(prisma, community.id, start + HOUR);
    // Honest runs: each started every note from what the one before left.
    expect(found(await verify(community))).toEqual([]);

    // A lock the note, a few hours old, cannot have: the scorer enforces it from then on.
    await prisma.$executeRaw`
      UPDATE notes SET status_history = jsonb_set(status_history, '{lockedStatus}', '"CURRENTLY_RATED_NOT_HELPFUL"')
       WHERE id = ${noteId}::uuid`;
    await publishScoringRun(prisma, community.id, start + 2 * HOUR);
    expect(found(await verify(community))).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names a run started from a current status the note did not have', async () => {
    const { community, ids } = await ratedCommunity();
    const [noteId] = ids as [string];
    const start = Date.now() - 3 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    // Helpful already, as far as the run reads: no stabilisation hold for a helpful status.
    await prisma.$executeRaw`
      UPDATE notes SET status_history = jsonb_set(status_history, '{currentStatus}', '"CURRENTLY_RATED_HELPFUL"')
       WHERE id = ${noteId}::uuid`;
    await publishScoringRun(prisma, community.id, start + HOUR);
    expect(found(await verify(community))).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${noteId}` },
    ]);
  });

  it('names a run started from a stabilisation hold no run set: a year ahead of it', async () => {
    const { community, ids } = await ratedCommunity();
    const [noteId] = ids as [string];
    const start = Date.now() - 3 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    // A hold a year ahead never ages: a note the models find helpful would be kept at
    // NEEDS_MORE_RATINGS run after run by the honest scorer, and the input hash the instance
    // computes over that history is the one the verifier recomputes.
    const ahead = start + HOUR + 365 * 24 * HOUR;
    await prisma.$executeRaw`
      UPDATE notes SET status_history = jsonb_set(status_history,
               '{timestampMillisOfNmrDueToMinStableCrhTime}', to_jsonb(${ahead}::bigint))
       WHERE id = ${noteId}::uuid`;
    await publishScoringRun(prisma, community.id, start + HOUR);
    const report = await verify(community);
    expect(found(report)).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${noteId}` },
    ]);
    expect(report.discrepancies[0]?.message).toContain('timestampMillisOfNmrDueToMinStableCrhTime');
  });

  it('takes runs in the order they published, not by the clocks of the workers that ran them', async () => {
    const { community } = await ratedCommunity();
    const start = Date.now() - 3 * HOUR;
    const first = await publishScoringRun(prisma, community.id, start);
    const second = await publishScoringRun(prisma, community.id, start + HOUR);
    // The second run's worker clock a couple of minutes behind the first's: it finished, by its
    // clock, a minute before the first did. Honest: each run's times are from one clock.
    await prisma.$executeRaw`
      UPDATE scoring_runs AS later
         SET finished_at = earlier.finished_at - interval '60 seconds'
        FROM scoring_runs AS earlier
       WHERE later.id = ${second}::uuid AND earlier.id = ${first}::uuid`;
    const report = await verify(community);
    expect(found(report)).toEqual([]);
    expect(report).toMatchObject({ verdict: 'VERIFIED', run: { id: second, recomputed: true } });
  });

  it('names a run timed after it finished, and one timed before an earlier run', async () => {
    const { community } = await ratedCommunity();
    const start = Date.now() - 2 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    // Timed before the run that finished before it: its holds and locks counted from then. A
    // write in between gives it a later cut: of the same cut, the publisher refuses it itself.
    await prisma.$executeRaw`
      UPDATE notes SET changed_batch = change_batch() WHERE community_id = ${community.id}::uuid`;
    const earlier = await publishScoringRun(prisma, community.id, start - HOUR);
    // Fifteen days ahead: the note, minutes old, is locked at whatever status it has.
    const ahead = await publishScoringRun(prisma, community.id, Date.now() + 15 * 24 * HOUR);
    expect(found(await verify(community))).toEqual([
      { code: 'RUN_TIME_IMPLAUSIBLE', subject: `run ${earlier}` },
      { code: 'RUN_TIME_IMPLAUSIBLE', subject: `run ${ahead}` },
    ]);
  });

  it('names a run timed before a write it read: time stopped at the run before', async () => {
    const writtenAt = Date.now() - 5 * HOUR;
    const { community, postNote } = await ratedCommunity(1, writtenAt);
    await publishScoringRun(prisma, community.id, writtenAt + 10 * MINUTE);
    // Another note, two hours on, which the next run reads (its cut is after it).
    const later = await atProcessTime(writtenAt + 2 * HOUR, () => postNote(1));
    // Timed a minute after the run before, as the previous run's time allows: no hold would end
    // and no note age from one run to the next, however long the community went on.
    const stopped = await publishScoringRun(prisma, community.id, writtenAt + 11 * MINUTE);
    const report = await verify(community);
    expect(found(report)).toEqual([{ code: 'RUN_TIME_IMPLAUSIBLE', subject: `run ${stopped}` }]);
    const minute = new Date(Math.floor((writtenAt + 2 * HOUR) / MINUTE) * MINUTE).toISOString();
    expect(report.discrepancies[0]?.message).toContain(
      `before note ${later} was written, at minute ${minute} by its proof, which its input includes`,
    );
    // Timed after it, the same run is a time it can have run at.
    const honest = await publishScoringRun(prisma, community.id, writtenAt + 2 * HOUR + MINUTE);
    const after = await verify(community);
    // It started the later note from the history the stopped run wrote: dated before the note
    // was written, which no run honestly timed can date it.
    expect(found(after)).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${later}` },
      { code: 'RUN_TIME_IMPLAUSIBLE', subject: `run ${stopped}` },
    ]);
    expect(after.run).toMatchObject({ id: honest, recomputed: true });
  });

  it("names a run scored with another seed than the worker's", async () => {
    const { community } = await ratedCommunity();
    const start = Date.now() - 2 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    // One seed of many tried, the one whose statuses suit the operator.
    const shopped = await publishScoringRun(prisma, community.id, start + HOUR, undefined, {}, 7);
    expect(found(await verify(community))).toEqual([
      { code: 'SEED_UNEXPECTED', subject: `run ${shopped}` },
    ]);
  });

  it("names a full run that left a note out, which keeps an earlier run's result", async () => {
    const { community, ids } = await ratedCommunity(2);
    const [, kept] = ids as [string, string];
    const start = Date.now() - 2 * HOUR;
    const first = await publishScoringRun(prisma, community.id, start);
    // The note out of the community while the next run loads (its ratings, of no note the run
    // read, are skipped as a rating written after the notes were read is), then back, marked
    // changed since the run's cut as if written after it: it keeps the first run's result.
    const elsewhere = await communityWithMembers(app, []);
    await prisma.$executeRaw`UPDATE notes SET community_id = ${elsewhere.id}::uuid WHERE id = ${kept}::uuid`;
    await publishScoringRun(prisma, community.id, start + HOUR);
    await prisma.$executeRaw`
      UPDATE notes SET community_id = ${community.id}::uuid, changed_batch = change_batch()
       WHERE id = ${kept}::uuid`;
    const report = await verify(community);
    expect(found(report)).toEqual([{ code: 'RESULT_NOT_FROM_RUN', subject: `note ${kept}` }]);
    expect(report.discrepancies[0]?.message).toContain(first);
  });

  it("names a note left out of an incremental run's base, which keeps an earlier run's result", async () => {
    // Large enough for the Core regime, whose full runs freeze the raters an incremental run
    // needs (synthetic records, which carry no proofs: the verifier says so, set aside here).
    const community = await communityWithMembers(app, []);
    await writeSynthetic(community.id, { seed: 7, raters: 300, notes: 100, ratings: 10_000 });
    const start = Date.now() - 3 * HOUR;
    const first = await publishScoringRun(prisma, community.id, start);
    const [kept] = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM notes WHERE community_id = ${community.id}::uuid
         AND status = 'NEEDS_MORE_RATINGS' ORDER BY id LIMIT 1`;
    // As above, the note out of the full run's input; an incremental run on that run follows,
    // and only then is the note back, changed since both cuts: the latest run is incremental.
    const elsewhere = await communityWithMembers(app, []);
    await prisma.$executeRaw`UPDATE notes SET community_id = ${elsewhere.id}::uuid WHERE id = ${kept?.id}::uuid`;
    await publishScoringRun(prisma, community.id, start + HOUR);
    const latest = await publishIncrementalRun(prisma, community.id, start + 2 * HOUR);
    await prisma.$executeRaw`
      UPDATE notes SET community_id = ${community.id}::uuid, changed_batch = change_batch()
       WHERE id = ${kept?.id}::uuid`;
    // The incremental run's counts are the community's: counted again with the note, as the
    // operator publishes them, only its result can show it was kept out.
    await prisma.$executeRaw`
      UPDATE scoring_runs
         SET status_counts = jsonb_set(status_counts, '{NEEDS_MORE_RATINGS}',
               to_jsonb((status_counts->>'NEEDS_MORE_RATINGS')::int + 1))
       WHERE id = ${latest}::uuid`;
    const report = await verifyExport(httpSource(baseUrl, community.slug), { sample: 1 });
    const findings = report.discrepancies.filter(
      ({ code }) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN',
    );
    expect(found({ ...report, discrepancies: findings })).toEqual([
      { code: 'RESULT_NOT_FROM_RUN', subject: `note ${kept?.id}` },
    ]);
    expect(findings[0]?.message).toContain(first);
  });

  it('names an incremental run started from a status name its base run did not leave', async () => {
    // As above, a community an incremental run can score (synthetic records, set aside).
    const community = await communityWithMembers(app, []);
    await writeSynthetic(community.id, { seed: 7, raters: 300, notes: 100, ratings: 10_000 });
    const start = Date.now() - 3 * HOUR;
    await publishScoringRun(prisma, community.id, start);
    const [forged] = await prisma.$queryRaw<{ id: string }[]>`
      SELECT id FROM notes WHERE community_id = ${community.id}::uuid
         AND status = 'NEEDS_MORE_RATINGS' ORDER BY id LIMIT 1`;
    // Rated not helpful once, as far as the run reads (a second wait is then 30 minutes, not
    // 60): a status name, no time, which the status changes and the run times cannot show. The
    // note marked changed, so that the incremental run reads it.
    await prisma.$executeRaw`
      UPDATE notes SET status_history = jsonb_set(status_history, '{firstNonNMRStatus}', '"CURRENTLY_RATED_NOT_HELPFUL"'),
                       changed_batch = change_batch()
       WHERE id = ${forged?.id}::uuid`;
    await publishIncrementalRun(prisma, community.id, start + HOUR);
    const report = await verifyExport(httpSource(baseUrl, community.slug), { sample: 1 });
    const findings = report.discrepancies.filter(
      ({ code }) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN',
    );
    expect(found({ ...report, discrepancies: findings })).toEqual([
      { code: 'PREVIOUS_HISTORY_MISMATCH', subject: `note ${forged?.id}` },
    ]);
    expect(findings[0]?.message).toContain('firstNonNMRStatus');
  });
});
