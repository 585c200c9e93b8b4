import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaService } from '@bridgenotes/database';
import {
  ALGORITHM_VERSION,
  assignTopics,
  canonicalTopicSeeds,
  decodeFrozenRaters,
  parseTopicSeeds,
  type FrozenRaters,
} from '@bridgenotes/scoring';

/** Notes per statement of `topicNotes` (a test's fewer), as `ScoringInputLoader` pages its reads. */
const NOTES_PER_READ = 50_000;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** What an incremental run of a community starts from. */
export interface IncrementalBase {
  /** The full run whose frozen raters the notes are scored against. */
  baseRunId: string;
  frozen: FrozenRaters;
  /** The notes and ratings changed after this batch (the latest run's input) are rescored. */
  since: bigint;
  /** The seeds the base scored with (`canonicalTopicSeeds`): the run's load must read these. */
  topicSeeds: string;
}

/**
 * Decides whether a community's next run may be incremental, and reads what it needs: the
 * latest full run's frozen raters (kept by `ScoringPublisher` in `scoring_run_raters`) and the
 * latest run's change batch. A run must be full when there is no usable full run, when the last
 * one ran another `ALGORITHM_VERSION` or is older than `SCORING_FULL_RUN_INTERVAL_SECONDS`, when
 * `SCORING_FULL_RUN_AFTER_RATINGS` ratings changed since it, when it scored with other topic
 * seeds than the community's, or when a note has a topic (`topicNotes`). Runs are ordered by
 * their cut (`changed_through`, the database's batch counter), not by a worker's clock.
 */
@Injectable()
export class IncrementalBaseStore {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  /** The base of an incremental run, or why the run must be full. */
  async baseFor(communityId: string, nowMs: number): Promise<IncrementalBase | { full: string }> {
    const interval = this.env.SCORING_FULL_RUN_INTERVAL_SECONDS;
    if (interval === 0) return { full: 'incremental runs are off' };
    const [base] = await this.prisma.$queryRaw<
      {
        id: string;
        finished_at: Date;
        changed_through: bigint | null;
        algorithm_version: string | null;
        state: Uint8Array | null;
        scored_with: unknown;
        current: unknown;
      }[]
    >`
      SELECT r.id, r.finished_at, r.changed_through, r.algorithm_version, f.state,
             r.topic_seeds AS scored_with, c.topic_seeds AS current
        FROM scoring_runs r LEFT JOIN scoring_run_raters f ON f.run_id = r.id
        JOIN communities c ON c.id = r.community_id
       WHERE r.community_id = ${communityId}::uuid AND r.status = 'SUCCEEDED' AND r.kind = 'FULL'
       ORDER BY coalesce(r.changed_through, -1) DESC, r.finished_at DESC LIMIT 1`;
    if (!base) return { full: 'no full run yet' };
    // Its frozen raters are another algorithm's (their format may have changed too), and an
    // incremental run is stamped with this one: the two would be mixed in one run.
    if (base.algorithm_version !== ALGORITHM_VERSION) {
      return { full: 'the last full run ran another algorithm' };
    }
    if (!base.state || base.changed_through === null) {
      return { full: 'the last full run left no frozen raters' };
    }
    if (nowMs - base.finished_at.getTime() >= interval * 1_000) {
      return { full: `the last full run is over ${interval} s old` };
    }
    // New seeds ask for a full run (`community.seeds`), but a job queued before them may come
    // first: scored on a base of the old seeds, its input and the base's would differ, and the
    // verifier, which rebuilds both with the current ones, would find RUN_BASE_MISMATCH.
    const scoredWith = parseTopicSeeds(base.scored_with);
    const current = parseTopicSeeds(base.current);
    if (!current) throw new Error(`community ${communityId} has invalid topic seeds`);
    const topicSeeds = canonicalTopicSeeds(current);
    if (!scoredWith) return { full: 'the last full run did not record its topic seeds' };
    if (canonicalTopicSeeds(scoredWith) !== topicSeeds) {
      return { full: 'the last full run scored with other topic seeds' };
    }
    const limit = this.env.SCORING_FULL_RUN_AFTER_RATINGS;
    // Counted up to the limit only: the count's cost stays bounded however far behind it is.
    const [{ changed }] = await this.prisma.$queryRaw<[{ changed: number }]>`
      SELECT count(*)::int AS changed FROM (
        SELECT 1 FROM ratings
         WHERE community_id = ${communityId}::uuid AND changed_batch > ${base.changed_through}
         LIMIT ${limit}) AS r`;
    if (changed >= limit) return { full: `${limit} ratings changed since the last full run` };
    const [latest] = await this.prisma.$queryRaw<{ changed_through: bigint | null }[]>`
      SELECT changed_through FROM scoring_runs
       WHERE community_id = ${communityId}::uuid AND status = 'SUCCEEDED'
       ORDER BY coalesce(changed_through, -1) DESC, finished_at DESC LIMIT 1`;
    return {
      baseRunId: base.id,
      frozen: decodeFrozenRaters(base.state),
      since: latest?.changed_through ?? base.changed_through,
      topicSeeds,
    };
  }

  /**
   * The topic count of each community's notes as last assigned, by what it was assigned from:
   * an incremental run is mostly ratings, and its notes need not be read and assigned again
   * while no note and no seed changed (`topicNotes`).
   */
  private readonly assigned = new Map<string, { from: string; topicNotes: number }>();

  /**
   * How many of the community's notes have a topic under its current seeds, assigned as a full
   * run does (libs/scoring `assignTopics`, notes only). Frozen scoring keeps one fit, Core's,
   * where a topic note needs CoreWithTopics, its topic model and the topic safeguard; and the
   * topics are not the rescored notes' alone (a note takes its post's topic, the classifier is
   * trained over every post, the topic models are fitted over all topic notes, the seeds may
   * have changed since the base run): a run with any is full. Read after an incremental run's
   * load, every note the load read is among these. The notes are read and assigned again only
   * when the seeds, the newest note change (a note's batch moves with its text, and batches
   * become visible in number order) or the number of notes differ from the last assignment's.
   */
  async topicNotes(communityId: string, notesPerRead = NOTES_PER_READ): Promise<number> {
    const [community] = await this.prisma.$queryRaw<
      { topic_seeds: unknown; latest: string | null; count: number }[]
    >`
      SELECT topic_seeds,
             (SELECT max(changed_batch)::text FROM notes WHERE community_id = c.id) AS latest,
             (SELECT count(*)::int FROM notes WHERE community_id = c.id) AS count
        FROM communities c WHERE id = ${communityId}::uuid`;
    const seeds = parseTopicSeeds(community?.topic_seeds);
    if (!community || !seeds) throw new Error(`community ${communityId} has invalid topic seeds`);
    if (seeds.length === 0) return 0;
    const from = `${JSON.stringify(seeds)} ${community.latest} ${community.count}`;
    const earlier = this.assigned.get(communityId);
    if (earlier?.from === from) return earlier.topicNotes;
    // In id order, as a run's input holds them (uuid order is their text's order), a page per
    // statement: on the embedded database a statement holds the one session until it ends.
    const notes: { id: string; post_id: string; text: string }[] = [];
    for (let after = NIL_UUID; ;) {
      const page = await this.prisma.$queryRaw<typeof notes>`
        SELECT id, post_id, text FROM notes
         WHERE community_id = ${communityId}::uuid AND id > ${after}::uuid
         ORDER BY id LIMIT ${notesPerRead}`;
      for (const note of page) notes.push(note);
      if (page.length < notesPerRead) break;
      after = page[page.length - 1].id;
    }
    const postIds = [...new Set(notes.map((note) => note.post_id))].sort();
    const postIndex = new Map(postIds.map((id, index) => [id, index]));
    const { topicNotes } = assignTopics(
      {
        noteIds: notes.map((note) => note.id),
        notePost: Int32Array.from(notes, (note) => postIndex.get(note.post_id) as number),
        postIds,
        noteText: notes.map((note) => note.text),
      },
      seeds,
    );
    this.assigned.set(communityId, { from, topicNotes });
    return topicNotes;
  }
}
