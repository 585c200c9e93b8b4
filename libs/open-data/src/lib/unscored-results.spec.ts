import { Group } from '@semaphore-protocol/core';
import { createIdentity } from '@bridgenotes/client';
import { releaseCurve, useSingleThreadedCurve } from '@bridgenotes/protocol';
import {
  computeStandings,
  DEFAULT_SEED,
  META_RULE_NAMES,
  type MetaRule,
  RunInputBuilder,
  scoreNotes,
  SHOWN_STATUSES,
  shownStatus,
  statusHistoryToJson,
  type NoteStatus,
} from '@bridgenotes/scoring';
import { randomUUID } from 'node:crypto';

import { codes, community, scoredRun, source, type Streams } from '../testing/memory-export';
import { provenNote, provenRating, prover } from '../testing/proven-records';
import { runNoteOf } from './cut-input';
import type { NoteRecord, ResultRecord, RunRecord, StatusChangeRecord } from './export-format';
import { verifyExport } from './verify-export';

const MINUTE = 60_000;

/**
 * Published results that no run's recomputation stands behind: a status set on a note outside
 * the latest full run's input (written after its cut), with a status change by that run to
 * match, and a result for a note the export does not have. An honest export of one proven note
 * and rating, scored by a full run, verifies; each forgery added to it is found. Real proofs,
 * made once (seconds each).
 */
describe('verifyExport: results no run scored', () => {
  const [author, rater, late] = [createIdentity(), createIdentity(), createIdentity()];
  const leaves = [author.commitment, rater.commitment, late.commitment];
  const { manifest, members, roots } = community(leaves);
  // Well after the roots (2026-01-01), and the export made a day later.
  const T = 29_460_000;
  const exported = {
    ...manifest,
    generatedAt: new Date((T + 24 * 60) * MINUTE).toISOString(),
  };
  let honest: Partial<Streams>;
  let run: RunRecord;
  let outside: NoteRecord;

  afterAll(() => releaseCurve());
  beforeAll(async () => {
    await useSingleThreadedCurve();
    const prove = prover(manifest, new Group(leaves));
    const written = await provenNote(prove, author, T);
    const rating = await provenRating(prove, rater, written, T + 1);
    // Written after the run's cut (batch 5): outside its input.
    outside = { ...(await provenNote(prove, late, T + 40)), cursor: 'n2', changedBatch: '6' };
    // The full run, as the instance's publication makes it: its cut holds the note and rating.
    const nowMs = (T + 30) * MINUTE;
    const builder = new RunInputBuilder(nowMs, []);
    builder.addNote(runNoteOf(written, null));
    builder.addRating(rating);
    const built = builder.build();
    const result = scoreNotes(built.input, { seed: DEFAULT_SEED, nowMs, topicSeeds: [] });
    const statuses = built.input.noteIds.map((_, index) =>
      shownStatus(result.finalStatus[index] as NoteStatus),
    );
    const at = new Date(nowMs).toISOString();
    run = {
      ...scoredRun(randomUUID(), 0, 'FULL'),
      requestedAt: at,
      startedAt: at,
      nowAt: at,
      finishedAt: new Date(nowMs + MINUTE).toISOString(),
      regime: result.regime.regime,
      noteCount: built.noteCount,
      ratingCount: built.ratingCount,
      inputHash: built.inputHash,
      dataHash: built.dataHash,
      statusCounts: Object.fromEntries(
        SHOWN_STATUSES.map((status) => [status, statuses.filter((s) => s === status).length]),
      ) as RunRecord['statusCounts'],
      changedThrough: '5',
    };
    honest = {
      members,
      roots,
      notes: [written],
      ratings: [rating],
      runs: [run],
      results: built.input.noteIds.map((noteId, index) => ({
        cursor: noteId,
        noteId,
        status: statuses[index] as ResultRecord['status'],
        runId: run.id,
        // This algorithm's explanations name the deciding scorer (DECIDING_MODEL_MISMATCH).
        score: { decidingModel: META_RULE_NAMES[result.models.decidedBy[index] as MetaRule] },
        history: statusHistoryToJson(result.history?.[index] as never),
        previousHistory: null,
      })),
      standings: computeStandings(built.input, result).map((standing) => ({
        cursor: standing.pseudonym,
        runId: run.id,
        ...standing,
      })),
    };
  });

  it('verifies the honest export', async () => {
    const report = await verifyExport(source(exported, honest));
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      discrepancies: [],
      run: { id: run.id, recomputed: true, notesCompared: 1 },
    });
  });

  it('finds a status set on a note outside the run, with a status change by the run to match', async () => {
    const change: StatusChangeRecord = {
      cursor: '1',
      id: '1',
      noteId: outside.id,
      runId: run.id,
      previous: 'NEEDS_MORE_RATINGS',
      next: 'CURRENTLY_RATED_HELPFUL',
      changedAt: run.finishedAt as string,
    };
    const unscored: ResultRecord = {
      cursor: outside.id,
      noteId: outside.id,
      status: 'CURRENTLY_RATED_HELPFUL',
      runId: null,
      score: null,
      history: null,
      previousHistory: null,
    };
    const forged = {
      ...honest,
      notes: [...(honest.notes ?? []), outside].sort((a, b) => a.id.localeCompare(b.id)),
      results: [...(honest.results ?? []), unscored],
      'status-changes': [change],
    };
    const report = await verifyExport(source(exported, forged));
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'RESULT_NOT_FROM_RUN', subject: `note ${outside.id}` }),
      expect.objectContaining({ code: 'STATUS_HISTORY_MISMATCH', subject: `note ${outside.id}` }),
    ]);
    // Waiting, but with a change by the run (and its way back by none): as much no run's.
    const waiting = await verifyExport(
      source(exported, {
        ...forged,
        results: [...(honest.results ?? []), { ...unscored, status: 'NEEDS_MORE_RATINGS' }],
      }),
    );
    expect(codes(waiting)).toEqual(
      expect.arrayContaining(['RESULT_NOT_FROM_RUN', 'STATUS_HISTORY_MISMATCH']),
    );
    // The note written after the cut, waiting and named by no change, is what an honest
    // instance exports.
    const unchanged = await verifyExport(
      source(exported, {
        ...forged,
        results: [...(honest.results ?? []), { ...unscored, status: 'NEEDS_MORE_RATINGS' }],
        'status-changes': [],
      }),
    );
    expect(unchanged).toMatchObject({ verdict: 'VERIFIED', discrepancies: [] });
  });

  it('finds a result for a note the export does not have', async () => {
    const noteId = randomUUID();
    const report = await verifyExport(
      source(exported, {
        ...honest,
        results: [
          ...(honest.results ?? []),
          {
            cursor: noteId,
            noteId,
            status: 'NEEDS_MORE_RATINGS',
            runId: null,
            score: null,
            history: null,
            previousHistory: null,
          },
        ],
      }),
    );
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'RESULT_UNKNOWN_NOTE', subject: `note ${noteId}` }),
    ]);
  });
});
