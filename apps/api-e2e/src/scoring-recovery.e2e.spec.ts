import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { RunningApp, startBuiltApp } from './support/processes';

// 100k ratings: a run lasts seconds (the poll below looks every 10 ms), and the embedded pass's
// in-process database stores and reads a third of what 300k cost it.
const NOTES = 1_000;
const RATINGS_PER_NOTE = 100;

/**
 * A worker killed with SIGKILL in the middle of a run: nothing of the run is published, and
 * another worker takes the job over once its lock runs out (stalled-job recovery) and completes
 * the same run.
 */
describe('a worker killed during a scoring run', () => {
  const run = currentTestRun();
  const env = {
    DATABASE_URL: run.databaseUrl,
    REDIS_URL: run.redisUrl,
    // A queue of its own: no other test's worker may take this job.
    QUEUE_PREFIX: `${run.queuePrefix}-kill`,
    // Short enough that the second worker takes the dead one's job over soon after its lock
    // runs out, but far above any stall of a live worker's main thread on a loaded machine (a
    // synchronous scoring step, garbage collection): at 4 s, such a stall could let the
    // stalled-job check requeue the second worker's own attempt, and the run start a third time. The
    // point here is one lost attempt recovered by exactly one retry (attempts: 2 below), so the
    // lock is made long rather than that count loosened; it only costs waiting in `eventually`.
    SCORING_LOCK_SECONDS: '20',
    SCORING_DEBOUNCE_SECONDS: '0',
    SCORING_CRON: 'off',
  };
  const workers: RunningApp[] = [];
  let database: Client;

  beforeAll(async () => {
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await database.end();
  });

  /** A community big enough that a run lasts seconds, with one published status. */
  async function community(): Promise<{ id: string; notedId: string; previousRunId: string }> {
    const id = randomUUID();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, earn_in_impact, updated_at) VALUES ($1, $2, 'Kill', $3, 0, now())`,
      [id, `kill-${id.slice(0, 8)}`, communityScope(id).toString()],
    );
    const {
      rows: [post],
    } = await database.query<{ id: string }>(
      `INSERT INTO posts (id, platform, external_id) VALUES (gen_random_uuid(), 'e2e', $1) RETURNING id`,
      [id],
    );
    await database.query(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources, created_at)
       SELECT gen_random_uuid(), $1, $2, 'author-' || i, 'NOT_MISLEADING', '{}', 'note ' || i, '{}', now() - interval '2 days'
         FROM generate_series(1, $3::int) AS i`,
      [id, post?.id, NOTES],
    );
    await database.query(
      `INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, tags, client_minute, proof)
       SELECT gen_random_uuid(), $1, n.id, 'rater-' || ((n.position * 7 + r * 13) % 2000),
              (ARRAY['HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'])[1 + abs(hashtext(n.id::text || r)) % 3]::"Helpfulness",
              '{}', 29500000 + r, '{}'
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS position FROM notes WHERE community_id = $1) AS n,
              generate_series(1, $2::int) AS r
       ON CONFLICT (note_id, rater_pseudonym) DO NOTHING`,
      [id, RATINGS_PER_NOTE],
    );
    await database.query('ANALYZE notes; ANALYZE ratings');
    // What readers see now: a run published earlier made one note helpful.
    const {
      rows: [previous],
    } = await database.query<{ id: string }>(
      `INSERT INTO scoring_runs (id, community_id, status, finished_at) VALUES (gen_random_uuid(), $1, 'SUCCEEDED', now()) RETURNING id`,
      [id],
    );
    const {
      rows: [noted],
    } = await database.query<{ id: string }>(
      `UPDATE notes SET status = 'CURRENTLY_RATED_HELPFUL', score = '{"planted": true}', scored_run_id = $2
        WHERE id = (SELECT id FROM notes WHERE community_id = $1 ORDER BY id LIMIT 1) RETURNING id`,
      [id, previous?.id],
    );
    return { id, notedId: noted?.id as string, previousRunId: previous?.id as string };
  }

  const publishedState = async (communityId: string) =>
    (
      await database.query(
        `SELECT id, status, score, scored_run_id FROM notes WHERE community_id = $1 ORDER BY id`,
        [communityId],
      )
    ).rows;

  it('leaves the previous statuses in place, and the run completes on another worker', async () => {
    const { id: communityId, notedId, previousRunId } = await community();
    const before = await publishedState(communityId);
    const first = startBuiltApp('worker', env);
    workers.push(first);
    // Booted before the event is written, so the 10 ms poll below covers the run's start only.
    await eventually(async () => expect(first.output()).toContain('Worker started'));

    // An accepted write's event, as the API writes it: the worker's dispatcher turns it into a job.
    await database.query(
      `INSERT INTO scoring_events (community_id, kind) VALUES ($1, 'rating.put')`,
      [communityId],
    );
    const running = await eventually(
      async () => {
        const { rows } = await database.query<{ id: string }>(
          `SELECT id FROM scoring_runs WHERE community_id = $1 AND status = 'RUNNING'`,
          [communityId],
        );
        if (!rows[0]) throw new Error('no run is running yet');
        return rows[0];
      },
      PATIENCE_MS,
      10,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });

    expect(await publishedState(communityId)).toEqual(before);
    const {
      rows: [cut],
    } = await database.query(`SELECT status, attempts FROM scoring_runs WHERE id = $1`, [
      running.id,
    ]);
    expect(cut).toEqual({ status: 'RUNNING', attempts: 1 });

    const second = startBuiltApp('worker', env);
    workers.push(second);
    const finished = await eventually(async () => {
      const { rows } = await database.query(
        `SELECT status, attempts, note_count, rating_count FROM scoring_runs WHERE id = $1`,
        [running.id],
      );
      if (rows[0]?.status !== 'SUCCEEDED') throw new Error(`run is ${rows[0]?.status}`);
      return rows[0];
    });
    expect(finished).toMatchObject({ attempts: 2, note_count: NOTES });
    expect(
      (
        await database.query(
          `SELECT count(*)::int AS runs FROM scoring_runs WHERE community_id = $1`,
          [communityId],
        )
      ).rows[0],
    ).toEqual({ runs: 2 });
    const after = await publishedState(communityId);
    const noted = after.find((note) => note.id === notedId);
    expect(noted?.scored_run_id).toBe(running.id);
    expect(noted?.scored_run_id).not.toBe(previousRunId);
    expect(after.every((note) => note.scored_run_id === running.id)).toBe(true);
    // The community's lease was handed from the dead worker's attempt to the retry and released.
    expect(
      (
        await database.query(`SELECT scoring_lease_owner AS owner FROM communities WHERE id = $1`, [
          communityId,
        ])
      ).rows[0],
    ).toEqual({ owner: null });
  });
});
