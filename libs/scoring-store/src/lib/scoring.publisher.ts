import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { NoteStatus, Prisma, PrismaService, ScoringRunStore } from '@bridgenotes/database';
import {
  ALGORITHM_VERSION,
  computeStandings,
  explainNote,
  factorHistogram,
  NoteStatus as CoreStatus,
  ScoringResult,
  type PseudonymStanding,
  shownStatus,
  statusHistoryToJson,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';

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

@Injectable()
export class ScoringPublisher {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
    private readonly runs: ScoringRunStore,
  ) {}

  /**
   * Publishes a run in one transaction: every note's shown status (after stabilisation, locking
   * and the explanation-tag requirement) and explanation (on the note, and in the run's own
   * scores), its status history for the next run and the one this run started from, the status
   * changes, the webhook event announcing them, each pseudonym's earned standing (rating and
   * writing impact, computed from this run's statuses), and the run record with its time. Readers
   * see the previous run's results until it commits, never a mix. Only the notes where something
   * differs are rewritten (see `publishChunk`): the result is the same as writing every note.
   */
  async publish(
    runId: string,
    loaded: LoadedInput,
    result: ScoringResult,
    seed: number,
  ): Promise<PublishedRun> {
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

    const standings = computeStandings(loaded.input, result);

    let notesWritten = 0;
    await this.prisma.$transaction(
      async (tx) => {
        for (let start = 0; start < notes.length; start += CHUNK) {
          notesWritten += await this.publishChunk(tx, runId, notes.slice(start, start + CHUNK));
        }
        await this.publishStandings(tx, runId, standings);
        // Only a run still marked running may publish: if a job was ever processed twice, the
        // second publication finds the run finished and rolls back instead of overwriting.
        const finished = await this.runs.succeed(tx, runId, {
          noteCount: loaded.noteCount,
          ratingCount: loaded.ratingCount,
          inputHash: loaded.inputHash,
          dataHash: loaded.dataHash,
          nowAt: new Date(loaded.nowMs),
          algorithmVersion: ALGORITHM_VERSION,
          regime: result.regime.regime,
          seed,
          statusCounts: counts,
          raterFactorHistogram: { ...factorHistogram(result.prescoring.finalRound.raterFactor) },
        });
        if (!finished) throw new Error(`Scoring run ${runId} is no longer running`);
        await this.announceChanges(tx, runId);
        await this.pruneOldScores(tx, runId);
      },
      { timeout: 120_000 },
    );
    return { statusCounts: counts, notesWritten };
  }

  /** One webhook event with every status change of the run, when the community has a webhook. */
  private async announceChanges(tx: Prisma.TransactionClient, runId: string): Promise<void> {
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
    await tx.webhookDelivery.create({
      data: {
        communityId: run.community.id,
        runId,
        payload: {
          type: 'note-status.changed',
          community: run.community.slug,
          runId,
          at: (run.finishedAt as Date).toISOString(),
          changes,
        },
      },
    });
  }

  /**
   * Replaces the community's standings with this run's: a pseudonym absent from the run (it has
   * no note or rating left) has no standing, as a new one.
   */
  private async publishStandings(
    tx: Prisma.TransactionClient,
    runId: string,
    standings: readonly PseudonymStanding[],
  ): Promise<void> {
    const [{ community_id: communityId }] = await tx.$queryRaw<[{ community_id: string }]>`
      SELECT community_id FROM scoring_runs WHERE id = ${runId}::uuid`;
    await tx.$executeRaw`DELETE FROM pseudonym_standings WHERE community_id = ${communityId}::uuid`;
    for (let start = 0; start < standings.length; start += CHUNK) {
      const rows = standings.slice(start, start + CHUNK);
      const column = (key: Exclude<keyof PseudonymStanding, 'pseudonym'>) =>
        rows.map((row) => row[key]);
      await tx.$executeRaw`
        INSERT INTO pseudonym_standings (community_id, pseudonym, run_id, rating_impact,
               writing_impact, successful_ratings, unsuccessful_ratings, notes_helpful,
               notes_not_helpful, notes_needing_ratings, recent_not_helpful, impact_since_lock)
        SELECT ${communityId}::uuid, v.*
          FROM unnest(${rows.map((row) => row.pseudonym)}::text[],
                      ${rows.map(() => runId)}::uuid[],
                      ${column('ratingImpact')}::int[], ${column('writingImpact')}::int[],
                      ${column('successfulRatings')}::int[], ${column('unsuccessfulRatings')}::int[],
                      ${column('notesHelpful')}::int[], ${column('notesNotHelpful')}::int[],
                      ${column('notesNeedingRatings')}::int[], ${column('recentNotHelpful')}::int[],
                      ${column('impactSinceLock')}::int[]) AS v`;
    }
  }

  /** Per-note scores of all but the latest SCORE_RETENTION_RUNS runs; run records stay. */
  private async pruneOldScores(tx: Prisma.TransactionClient, runId: string): Promise<void> {
    await tx.$executeRaw`
      DELETE FROM note_scores WHERE run_id IN (
        SELECT id FROM scoring_runs
         WHERE community_id = (SELECT community_id FROM scoring_runs WHERE id = ${runId}::uuid)
           AND status = 'SUCCEEDED'
         ORDER BY finished_at DESC
        OFFSET ${this.env.SCORE_RETENTION_RUNS})`;
  }

  /**
   * Writes one chunk of notes; returns how many it rewrote. A note whose status, explanation and
   * both histories already hold this run's values only gets the run's id: rewriting it would
   * store the same values again, and its JSON columns (stored out of line) are the costly part of
   * a publication. `scored_run_id` still moves for every note, as the export and the verifier
   * read it as "the run these results are from".
   */
  private async publishChunk(
    tx: Prisma.TransactionClient,
    runId: string,
    notes: readonly NoteRow[],
  ): Promise<number> {
    const column = <K extends keyof NoteRow>(key: K): NoteRow[K][] =>
      notes.map((note) => note[key]);
    // All parts of one statement see the same snapshot: `stored` is each note before this
    // update, so exactly the notes whose status changed get a history row. jsonb compares by
    // value, and every value here was written by JSON.stringify of the same shapes.
    const [{ written }] = await tx.$queryRaw<[{ written: number }]>`
      WITH incoming AS (
        SELECT * FROM unnest(${column('id')}::uuid[], ${column('status')}::text[], ${column('score')}::text[],
                             ${column('history')}::text[], ${column('previousHistory')}::text[])
                   AS v(id, status, score, history, previous_history)
      ), stored AS (
        SELECT n.id, n.status,
               (n.status::text <> incoming.status
                OR n.score IS DISTINCT FROM incoming.score::jsonb
                OR n.status_history IS DISTINCT FROM incoming.history::jsonb
                OR n.previous_status_history IS DISTINCT FROM incoming.previous_history::jsonb) AS differs
          FROM notes n JOIN incoming ON incoming.id = n.id
      ), updated AS (
        UPDATE notes n
           SET status = incoming.status::"NoteStatus", score = incoming.score::jsonb, scored_run_id = ${runId}::uuid,
               status_history = incoming.history::jsonb, previous_status_history = incoming.previous_history::jsonb
          FROM incoming JOIN stored ON stored.id = incoming.id
         WHERE n.id = incoming.id AND stored.differs
        RETURNING n.id, n.status
      ), confirmed AS (
        UPDATE notes n SET scored_run_id = ${runId}::uuid
          FROM stored
         WHERE n.id = stored.id AND NOT stored.differs AND n.scored_run_id IS DISTINCT FROM ${runId}::uuid
      ), kept AS (
        INSERT INTO note_scores (run_id, note_id, status, score)
        SELECT ${runId}::uuid, incoming.id, incoming.status::"NoteStatus", incoming.score::jsonb FROM incoming
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

/** What one note's row receives from a run, serialised for the batch update. */
interface NoteRow {
  id: string;
  status: NoteStatus;
  score: string;
  history: string;
  previousHistory: string | null;
}
