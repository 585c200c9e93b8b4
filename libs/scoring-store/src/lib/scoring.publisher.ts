// Over 400 lines on purpose: the one owner of the staging tables (`staged_note_results`,
// `staged_standings`) writes and reads them here only, the attempt-checked staging writes beside
// the flip's set-based statements that read the staged rows while writing the notes; split, the
// tables would have two owners.
import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  lockWebhookForDelivery,
  NoteStatus,
  Prisma,
  PrismaService,
  RUN_FAILURE_TEXTS,
  ScoringRunStore,
  type RunAttempt,
} from '@bridgenotes/database';
import {
  ALGORITHM_VERSION,
  canonicalTopicSeeds,
  computeStandings,
  explainNote,
  factorHistogram,
  NoteStatus as CoreStatus,
  runFactorHistogram,
  ScoringResult,
  type PseudonymStanding,
  shownStatus,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';

import { ReplacedRatingsStore } from './replaced-ratings.store';
import type { LoadedInput } from './scoring-input.loader';

const CHUNK = 5_000;

/** What a publication did: the run's status counts, and how many notes it had to write. */
export interface PublishedRun {
  statusCounts: Record<NoteStatus, number>;
  /**
   * Notes whose status, explanation or histories changed, the only ones rewritten; every other
   * note already held exactly what this run would write, and only learns the run's id.
   */
  notesWritten: number;
}

/** What kind of run is published, and what it leaves for the runs after it. */
export interface RunKind {
  /**
   * An incremental run: only the notes of `loaded` (those with new ratings) were scored, against
   * the frozen raters of the full run `baseRunId`; the other notes keep their results. Absent:
   * a full run, which replaces every note's result and the standings.
   */
  incremental?: { baseRunId: string; baseRaterFactor: Float64Array };
  /** A full run's frozen prescoring (`encodeFrozenRaters`), when it can serve incremental runs. */
  frozenRaters?: Uint8Array;
}

@Injectable()
export class ScoringPublisher {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    private readonly runs: ScoringRunStore,
    private readonly replacedRatings: ReplacedRatingsStore,
  ) {}

  /**
   * Publishes a run in two steps, so that no statement's time grows with the whole publication
   * and readers never see half of it:
   * 1. staging, outside any transaction: every note's shown status (after stabilisation,
   *    locking and the explanation-tag requirement), explanation and status histories, and (for
   *    a full run) each pseudonym's earned standing, written in batches of `CHUNK` rows to
   *    `staged_note_results` / `staged_standings`, which no reader reads; a full run's frozen
   *    prescoring goes to `scoring_run_raters`, which only counts once the run has succeeded;
   * 2. the flip, one short transaction of set-based statements that read the staged rows inside
   *    PostgreSQL (no rows travel from the worker): the notes whose values differ are rewritten
   *    (see `flipNotes`), the status changes, the webhook events, the standings, the run record.
   * Readers see the previous run's results until the flip commits, never a mix.
   *
   * Only `run`'s attempt, while it is the run's live one, writes: each staging statement checks
   * it (`ScoringRunStore.liveAttempt`), so an attempt a retry overtook (its worker lost the job's
   * lock and kept going) stops at its next write with an error, and neither clears nor adds to
   * what the retry stages; the retry first clears what earlier attempts left, so the run's
   * staged rows are all its own when it flips them.
   */
  async publish(
    run: RunAttempt,
    loaded: LoadedInput,
    result: ScoringResult,
    seed: number,
    kind: RunKind = {},
  ): Promise<PublishedRun> {
    const { runId } = run;
    const { noteIds, noteHistory } = loaded.input;
    const { history } = result;
    if (!history) throw new Error('A run is scored with its time, so it has a status history');
    const counts = {
      NEEDS_MORE_RATINGS: 0,
      CURRENTLY_RATED_HELPFUL: 0,
      CURRENTLY_RATED_NOT_HELPFUL: 0,
    };
    const notes: NoteRow[] = noteIds.map((id, index) => {
      const status = shownStatus(result.finalStatus[index] as CoreStatus) as NoteStatus;
      counts[status] += 1;
      const previous = noteHistory[index];
      return {
        id,
        status,
        score: JSON.stringify(explainNote(result, index)),
        history: JSON.stringify(statusHistoryToJson(history[index] as NoteStatusHistory)),
        previousHistory: previous ? JSON.stringify(statusHistoryToJson(previous)) : null,
      };
    });
    const { incremental } = kind;
    // Standings read every note's status: an incremental run, which scored a few, keeps the
    // full run's until the next one.
    const standings = incremental ? [] : computeStandings(loaded.input, result);

    await this.clearEarlierAttempts(run);
    for (let start = 0; start < notes.length; start += CHUNK) {
      await this.stageNotes(run, notes.slice(start, start + CHUNK));
    }
    for (let start = 0; start < standings.length; start += CHUNK) {
      await this.stageStandings(run, standings.slice(start, start + CHUNK));
    }
    if (kind.frozenRaters) await this.stageFrozenRaters(run, kind.frozenRaters);

    let notesWritten = 0;
    let statusCounts = counts;
    await this.prisma.$transaction(
      async (tx) => {
        const [{ community_id: communityId }] = await tx.$queryRaw<[{ community_id: string }]>`
          SELECT community_id FROM scoring_runs WHERE id = ${runId}::uuid`;
        const newer = await this.runs.publishedAfter(tx, communityId, {
          runId,
          changedThrough: loaded.changedThrough,
          nowAt: new Date(loaded.nowMs),
        });
        if (newer) throw new RunSuperseded(runId, newer);
        if (incremental && !(await this.stillBase(tx, incremental.baseRunId))) {
          // A full run published since this one planned (its lease lapsed meanwhile): a retry
          // plans again, on the new base.
          throw new Error(RUN_FAILURE_TEXTS.baseReplaced(runId, incremental.baseRunId));
        }
        const since = await this.runs.publishedSince(tx, communityId, {
          runId,
          publications: loaded.publications,
        });
        if (since.newer) throw new HistoriesReplaced(runId, since.newer);
        if (incremental) await this.keepBaseHistories(tx, runId, incremental.baseRunId);
        notesWritten = await this.flipNotes(tx, runId);
        if (incremental) {
          // The run's counts are the community's, as a full run's: most notes kept theirs.
          statusCounts = await this.communityCounts(tx, communityId);
        } else {
          await this.flipStandings(tx, runId, communityId);
          // Incremental runs score against the latest full run only (or none, when it could not
          // freeze its raters): older frozen states are dropped with it.
          await tx.$executeRaw`
            DELETE FROM scoring_run_raters WHERE run_id <> ${runId}::uuid
               AND run_id IN (SELECT id FROM scoring_runs WHERE community_id = ${communityId}::uuid)`;
          await tx.$executeRaw`
            DELETE FROM scoring_base_histories
             WHERE run_id IN (SELECT id FROM scoring_runs WHERE community_id = ${communityId}::uuid)`;
          // The rating versions only the previous base read: this run is the one left to rebuild.
          await this.replacedRatings.purgeReadBy(tx, communityId, loaded.changedThrough);
        }
        // Only a run still marked running may publish: if a job was ever processed twice, the
        // second publication finds the run finished and rolls back instead of overwriting.
        const finished = await this.runs.succeed(tx, run, {
          noteCount: loaded.noteCount,
          ratingCount: loaded.ratingCount,
          inputHash: loaded.inputHash,
          dataHash: loaded.dataHash,
          nowAt: new Date(loaded.nowMs),
          algorithmVersion: ALGORITHM_VERSION,
          regime: result.regime.regime,
          seed,
          statusCounts,
          // The fit that decided: an incremental run's frozen Core raters, else the run's own
          // (the small-community regime's viewpoint fit and its groups, or the Core's).
          raterFactorHistogram: {
            ...(incremental
              ? factorHistogram(incremental.baseRaterFactor)
              : runFactorHistogram(result)),
          },
          kind: incremental ? 'INCREMENTAL' : 'FULL',
          baseRunId: incremental?.baseRunId ?? null,
          changedThrough: loaded.changedThrough,
          // The seeds the load read: a later incremental run needs a base of the same seeds.
          topicSeeds: JSON.parse(canonicalTopicSeeds(loaded.topicSeeds)) as Prisma.InputJsonArray,
          publication: since.next,
        });
        if (!finished) throw overtaken(run);
        await this.announceChanges(tx, runId, communityId, since.next);
        await this.pruneOldScores(tx, communityId);
        await tx.$executeRaw`DELETE FROM staged_note_results WHERE run_id = ${runId}::uuid`;
        await tx.$executeRaw`DELETE FROM staged_standings WHERE run_id = ${runId}::uuid`;
      },
      { timeout: 120_000 },
    );
    return { statusCounts, notesWritten };
  }

  /**
   * What attempts of a finished run staged (the run failed, or one attempt published it), which
   * nothing else would remove: the cleanup after a run's final failure. A failed full run's
   * frozen raters go too (a few MB at 40k raters, kept otherwise until the next full run
   * publishes): incremental runs take their base among succeeded runs only
   * (`IncrementalBaseStore`), while a succeeded run's are the base they score against. A run
   * still running keeps its staging, which is its live attempt's (an overtaken attempt failing
   * must not take it): that attempt flips it, or it or a retry clears it before staging again.
   * In `tx` when given, the transaction that failed the run.
   */
  async clearFinished(runId: string, tx: Prisma.TransactionClient = this.prisma): Promise<void> {
    await tx.$executeRaw`
      WITH finished AS (${this.runs.finished(runId)}),
           notes AS (DELETE FROM staged_note_results s USING finished WHERE s.run_id = finished.id),
           raters AS (DELETE FROM scoring_run_raters f USING finished
                       WHERE f.run_id = finished.id AND finished.status = 'FAILED')
      DELETE FROM staged_standings s USING finished WHERE s.run_id = finished.id`;
  }

  /**
   * What the run's earlier attempts staged, before this attempt stages its own (an overtaken one
   * writes nothing after this attempt started, see `publish`).
   */
  private async clearEarlierAttempts(run: RunAttempt): Promise<void> {
    const [{ live }] = await this.prisma.$queryRaw<[{ live: number }]>`
      WITH live AS (${this.runs.liveAttempt(run)}),
           notes AS (DELETE FROM staged_note_results s USING live WHERE s.run_id = live.id),
           standings AS (DELETE FROM staged_standings s USING live WHERE s.run_id = live.id)
      SELECT count(*)::int AS live FROM live`;
    if (live === 0) throw overtaken(run);
  }

  /** A full run's frozen prescoring, which counts only once the run has succeeded. */
  private async stageFrozenRaters(run: RunAttempt, state: Uint8Array): Promise<void> {
    const written = await this.prisma.$executeRaw`
      WITH live AS (${this.runs.liveAttempt(run)})
      INSERT INTO scoring_run_raters (run_id, state) SELECT live.id, ${Buffer.from(state)} FROM live
      ON CONFLICT (run_id) DO UPDATE SET state = EXCLUDED.state`;
    if (written === 0) throw overtaken(run);
  }

  private async communityCounts(
    tx: Prisma.TransactionClient,
    communityId: string,
  ): Promise<Record<NoteStatus, number>> {
    const rows = await tx.$queryRaw<{ status: NoteStatus; count: number }[]>`
      SELECT status, count(*)::int AS count FROM notes
       WHERE community_id = ${communityId}::uuid GROUP BY status`;
    const counts = {
      NEEDS_MORE_RATINGS: 0,
      CURRENTLY_RATED_HELPFUL: 0,
      CURRENTLY_RATED_NOT_HELPFUL: 0,
    };
    for (const { status, count } of rows) counts[status] = count;
    return counts;
  }

  /**
   * Whether `baseRunId` still holds the frozen raters incremental runs score against: every full
   * run's publication drops the others' (see `publish`), under the lock `publishedAfter` takes.
   */
  private async stillBase(tx: Prisma.TransactionClient, baseRunId: string): Promise<boolean> {
    const [{ held }] = await tx.$queryRaw<[{ held: boolean }]>`
      SELECT EXISTS (SELECT FROM scoring_run_raters WHERE run_id = ${baseRunId}::uuid) AS held`;
    return held;
  }

  /**
   * Before an incremental run overwrites the starting histories of its notes: the one each note
   * still scored by the base run started that run from, which the verifier needs to rebuild the
   * base run's input (a note rescored before already left its own; the first one is kept).
   */
  private async keepBaseHistories(
    tx: Prisma.TransactionClient,
    runId: string,
    baseRunId: string,
  ): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO scoring_base_histories (run_id, note_id, status_history)
      SELECT ${baseRunId}::uuid, n.id, n.previous_status_history
        FROM notes n JOIN staged_note_results s ON s.note_id = n.id AND s.run_id = ${runId}::uuid
       WHERE n.scored_run_id = ${baseRunId}::uuid
      ON CONFLICT (run_id, note_id) DO NOTHING`;
  }

  /**
   * The webhook events of the run's status changes, when the community has a webhook: one
   * delivery per page of at most `WEBHOOK_PAGE_CHANGES` changes (a receiver may refuse a large
   * body), each with the run's publication number as its `sequence` (allocated under the
   * publication lock, so it grows with every publication of the community, in commit order) and
   * its page, the order in which they are sent and receivers apply them. Read under the webhook's
   * lock, so a removal either drops them or commits before it is read (and there are none), and
   * never fails the publication.
   */
  private async announceChanges(
    tx: Prisma.TransactionClient,
    runId: string,
    communityId: string,
    sequence: number,
  ): Promise<void> {
    await lockWebhookForDelivery(tx, communityId);
    const run = await tx.scoringRun.findUniqueOrThrow({
      where: { id: runId },
      select: {
        finishedAt: true,
        community: { select: { id: true, slug: true, webhookUrl: true } },
      },
    });
    if (!run.community.webhookUrl) return;
    const changes = await tx.noteStatusChange.findMany({
      where: { runId },
      select: { noteId: true, previous: true, next: true },
      orderBy: { id: 'asc' },
    });
    if (changes.length === 0) return;
    const size = this.env.WEBHOOK_PAGE_CHANGES;
    const pages = Math.ceil(changes.length / size);
    await tx.webhookDelivery.createMany({
      data: Array.from({ length: pages }, (_, index) => ({
        communityId: run.community.id,
        runId,
        sequence,
        page: index + 1,
        payload: {
          type: 'note-status.changed',
          community: run.community.slug,
          runId,
          sequence,
          page: index + 1,
          pages,
          at: (run.finishedAt as Date).toISOString(),
          changes: changes.slice(index * size, (index + 1) * size),
        },
      })),
    });
  }

  /** One batch of a full run's standings, staged (see `publish`). */
  private async stageStandings(run: RunAttempt, rows: readonly PseudonymStanding[]): Promise<void> {
    const column = (key: Exclude<keyof PseudonymStanding, 'pseudonym'>) =>
      rows.map((row) => row[key]);
    const written = await this.prisma.$executeRaw`
      WITH live AS (${this.runs.liveAttempt(run)})
      INSERT INTO staged_standings (run_id, pseudonym, rating_impact, writing_impact,
             successful_ratings, unsuccessful_ratings, notes_helpful, notes_not_helpful,
             notes_needing_ratings, recent_not_helpful, impact_since_lock)
      SELECT live.id, v.*
        FROM live, unnest(${rows.map((row) => row.pseudonym)}::text[],
                    ${column('ratingImpact')}::int[], ${column('writingImpact')}::int[],
                    ${column('successfulRatings')}::int[], ${column('unsuccessfulRatings')}::int[],
                    ${column('notesHelpful')}::int[], ${column('notesNotHelpful')}::int[],
                    ${column('notesNeedingRatings')}::int[], ${column('recentNotHelpful')}::int[],
                    ${column('impactSinceLock')}::int[]) AS v`;
    if (written === 0) throw overtaken(run);
  }

  /**
   * Replaces the community's standings with the run's staged ones: a pseudonym absent from the
   * run (it has no note or rating left) has no standing, as a new one.
   */
  private async flipStandings(
    tx: Prisma.TransactionClient,
    runId: string,
    communityId: string,
  ): Promise<void> {
    await tx.$executeRaw`DELETE FROM pseudonym_standings WHERE community_id = ${communityId}::uuid`;
    await tx.$executeRaw`
      INSERT INTO pseudonym_standings (community_id, pseudonym, run_id, rating_impact,
             writing_impact, successful_ratings, unsuccessful_ratings, notes_helpful,
             notes_not_helpful, notes_needing_ratings, recent_not_helpful, impact_since_lock)
      SELECT ${communityId}::uuid, pseudonym, run_id, rating_impact, writing_impact,
             successful_ratings, unsuccessful_ratings, notes_helpful, notes_not_helpful,
             notes_needing_ratings, recent_not_helpful, impact_since_lock
        FROM staged_standings WHERE run_id = ${runId}::uuid`;
  }

  /**
   * Per-note scores of the runs before the latest SCORE_RETENTION_RUNS full runs (the incremental
   * runs between those are kept: each holds only the notes it rescored); run records stay. Runs
   * are ordered by their cut (the database's batch counter; none for runs from before it was
   * kept), then by their end, not by the clocks of the workers that ran them alone.
   */
  private async pruneOldScores(tx: Prisma.TransactionClient, communityId: string): Promise<void> {
    await tx.$executeRaw`
      DELETE FROM note_scores WHERE run_id IN (
        SELECT id FROM scoring_runs
         WHERE community_id = ${communityId}::uuid AND status = 'SUCCEEDED'
           AND (coalesce(changed_through, -1), finished_at) < (
             SELECT coalesce(changed_through, -1), finished_at FROM scoring_runs
              WHERE community_id = ${communityId}::uuid AND status = 'SUCCEEDED' AND kind = 'FULL'
              ORDER BY coalesce(changed_through, -1) DESC, finished_at DESC
             OFFSET ${this.env.SCORE_RETENTION_RUNS - 1} LIMIT 1))`;
  }

  /** One batch of the run's note results, staged (see `publish`). */
  private async stageNotes(run: RunAttempt, notes: readonly NoteRow[]): Promise<void> {
    const column = <K extends keyof NoteRow>(key: K): NoteRow[K][] =>
      notes.map((note) => note[key]);
    const written = await this.prisma.$executeRaw`
      WITH live AS (${this.runs.liveAttempt(run)})
      INSERT INTO staged_note_results (run_id, note_id, status, score, status_history, previous_status_history)
      SELECT live.id, v.id, v.status::"NoteStatus", v.score::jsonb, v.history::jsonb, v.previous_history::jsonb
        FROM live, unnest(${column('id')}::uuid[], ${column('status')}::text[], ${column('score')}::text[],
                    ${column('history')}::text[], ${column('previousHistory')}::text[])
             AS v(id, status, score, history, previous_history)`;
    if (written === 0) throw overtaken(run);
  }

  /**
   * Moves the staged results onto the notes in one statement; returns how many notes it
   * rewrote. A note whose status, explanation and both histories already hold this run's values
   * only gets the run's id: rewriting it would store the same values again, and its JSON columns
   * (stored out of line) are the costly part of a publication. `scored_run_id` moves for every
   * note the run scored (all of them in a full run), as the export and the verifier read it as
   * "the run these results are from".
   */
  private async flipNotes(tx: Prisma.TransactionClient, runId: string): Promise<number> {
    // All parts of one statement see the same snapshot: `stored` is each note before this
    // update, so exactly the notes whose status changed get a history row. jsonb compares by
    // value, and every value here was written by JSON.stringify of the same shapes.
    const [{ written }] = await tx.$queryRaw<[{ written: number }]>`
      WITH incoming AS (
        SELECT note_id AS id, status, score, status_history AS history,
               previous_status_history AS previous_history
          FROM staged_note_results WHERE run_id = ${runId}::uuid
      ), stored AS (
        SELECT n.id, n.status,
               (n.status <> incoming.status
                OR n.score IS DISTINCT FROM incoming.score
                OR n.status_history IS DISTINCT FROM incoming.history
                OR n.previous_status_history IS DISTINCT FROM incoming.previous_history) AS differs
          FROM notes n JOIN incoming ON incoming.id = n.id
      ), updated AS (
        UPDATE notes n
           SET status = incoming.status, score = incoming.score, scored_run_id = ${runId}::uuid,
               status_history = incoming.history, previous_status_history = incoming.previous_history
          FROM incoming JOIN stored ON stored.id = incoming.id
         WHERE n.id = incoming.id AND stored.differs
        RETURNING n.id, n.status
      ), confirmed AS (
        UPDATE notes n SET scored_run_id = ${runId}::uuid
          FROM stored
         WHERE n.id = stored.id AND NOT stored.differs AND n.scored_run_id IS DISTINCT FROM ${runId}::uuid
      ), kept AS (
        INSERT INTO note_scores (run_id, note_id, status, score)
        SELECT ${runId}::uuid, incoming.id, incoming.status, incoming.score FROM incoming
      ), changes AS (
        INSERT INTO note_status_changes (note_id, run_id, previous, next)
        SELECT stored.id, ${runId}::uuid, stored.status, updated.status
          FROM stored JOIN updated ON updated.id = stored.id
         WHERE stored.status <> updated.status
      )
      SELECT count(*)::int AS written FROM updated`;
    return written;
  }
}

/**
 * A run that must not publish: another run of its community has published data read through a
 * later change, or through the same one at a later time (`ScoringRunStore.publishedAfter`). Scoring it again would only redo what that
 * run did, so the run fails with this reason instead of being retried.
 */
export class RunSuperseded extends Error {
  constructor(runId: string, newerRunId: string) {
    super(RUN_FAILURE_TEXTS.superseded(runId, newerRunId));
    this.name = 'RunSuperseded';
  }
}

/**
 * A run that must load again before it publishes: another run of its community published after
 * its load began (`ScoringRunStore.publishedSince`) and replaced the status histories it started
 * from. Its writes are later than that run's, so they must still be scored: the worker puts the
 * job back for a fresh attempt (a new load) instead of failing the run.
 */
export class HistoriesReplaced extends Error {
  constructor(runId: string, newerRunId: string) {
    super(
      `Scoring run ${runId} started from status histories that run ${newerRunId} replaced after its load`,
    );
    this.name = 'HistoriesReplaced';
  }
}

/** Why an attempt stops writing: another attempt of its run started since, or the run finished. */
function overtaken({ runId, attempt }: RunAttempt): Error {
  return new Error(
    `Scoring run ${runId} is no longer running, or another attempt than ${attempt} runs it`,
  );
}

/** What one note's row receives from a run, serialised for the batch update. */
interface NoteRow {
  id: string;
  status: NoteStatus;
  score: string;
  history: string;
  previousHistory: string | null;
}
