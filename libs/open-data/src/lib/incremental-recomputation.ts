import {
  ALGORITHM_VERSION,
  decodeFrozenRaters,
  encodeFrozenRaters,
  freezeRaters,
  RunInputBuilder,
  scoreNotes,
  scoreWithFrozenRaters,
  statusHistoryFromJson,
  type FrozenRaters,
  type RunNote,
  type ShownStatus,
  type TopicSeed,
} from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type {
  FrozenRatersRecord,
  RatingRecord,
  ReplacedRatingRecord,
  ResultRecord,
  RunRecord,
  StandingRecord,
} from './export-format';
import { IntermediateRecomputation } from './intermediate-runs';
import { batchOf } from './replaced-ratings';
import { checkCommunityCounts } from './run-records';
import { checkRunInput, compareRunResults, type RunRecomputation } from './run-recomputation';
import type { StatusChangeLog } from './status-change-log';
import { checkStandings } from './verify-standings';

/**
 * An incremental latest run, verified in two steps. Its base full run is rebuilt from the
 * records whose `changedBatch` is at most the base's `changedThrough` (and the notes of its input
 * deleted since, which it read as they are, and of a rating replaced since, the version it read),
 * with the histories the notes started it from, and
 * scored again: its input hash must be the base's, and the rater parameters it freezes must be
 * the exported ones (and the notes still carrying its results, and the standings, what it
 * gives). Then the incremental run's own notes are scored against
 * the exported parameters and compared like a full run's, and so are the notes still carrying
 * the results of the incremental runs between them (`IntermediateRecomputation`). A base that
 * cannot be rebuilt is a warning; the incremental runs are then recomputed from the exported
 * parameters alone. The run's status counts, the community's, are checked against the published
 * statuses (`checkCommunityCounts`).
 */
export class IncrementalRecomputation {
  private readonly frozen: FrozenRaters | undefined;
  private readonly through: bigint | undefined;
  /** Set while the base can still be rebuilt from the records streaming past. */
  private baseBuilder: RunInputBuilder | undefined;
  private readonly baseNotes = new Set<string>();
  private missingHistories = 0;
  private unmarked = 0;
  private redactedSince = 0;
  private readonly readsTexts: boolean;
  private readonly base: RunRecord | undefined;
  private intermediate: IntermediateRecomputation | undefined;

  constructor(
    private readonly run: RunRecord,
    runs: readonly RunRecord[],
    private readonly record: FrozenRatersRecord | undefined,
    /** Whether the export keeps the versions of ratings replaced since the base read them. */
    private readonly replacedExported: boolean,
    topicSeeds: readonly TopicSeed[],
    /** Ratings proven from this minute on may be newer than the run's input. */
    newerFromMinute: number,
    private readonly report: ReportDiscrepancy,
  ) {
    const subject = `run ${run.id}`;
    const base = runs.find((candidate) => candidate.id === run.baseRunId);
    this.base = base;
    this.readsTexts = topicSeeds.length > 0;
    if (!record) {
      report(
        'RUN_BASE_MISSING',
        subject,
        `the export has no frozen rater parameters of base run ${run.baseRunId} (frozen-raters stream): the incremental run's statuses cannot be recomputed`,
        'warning',
      );
      return;
    }
    try {
      this.frozen = decodeFrozenRaters(Buffer.from(record.parameters, 'base64'));
      this.through = BigInt(record.changedThrough);
    } catch {
      report(
        'RUN_BASE_MISMATCH',
        subject,
        `the exported frozen rater parameters of run ${record.runId} cannot be read`,
      );
      return;
    }
    this.intermediate = new IntermediateRecomputation(
      runs,
      run,
      this.frozen,
      topicSeeds,
      newerFromMinute,
      report,
    );
    const nowMs = Date.parse(base?.nowAt ?? '');
    if (!base || base.status !== 'SUCCEEDED' || base.kind === 'INCREMENTAL') {
      report(
        'RUN_BASE_MISSING',
        subject,
        `base run ${run.baseRunId} is not a succeeded full run of the export: its frozen parameters are taken as exported`,
        'warning',
      );
    } else if (
      base.algorithmVersion !== ALGORITHM_VERSION ||
      !Number.isSafeInteger(nowMs) ||
      base.inputHash === null
    ) {
      report(
        'RUN_BASE_OUTDATED',
        `run ${base.id}`,
        `base run ${base.id} (algorithm ${base.algorithmVersion}, time ${base.nowAt}) cannot be recomputed by this verifier (${ALGORITHM_VERSION}): its frozen parameters are taken as exported`,
        'warning',
      );
    } else {
      this.baseBuilder = new RunInputBuilder(nowMs, topicSeeds);
    }
  }

  /** A note of the export: part of the base's input when changed no later than it read. */
  addNote(
    note: RunNote,
    record: { changedBatch?: string; redacted?: boolean },
    result: ResultRecord | undefined,
  ) {
    this.intermediate?.addNote(note, result);
    const base = this.base;
    if (!this.baseBuilder || !base) return;
    const batch = batchOf(record.changedBatch);
    if (batch === undefined) return void (this.unmarked += 1);
    if (batch > (this.through as bigint)) {
      // Changed since the base read it. Notes change only by deletion, which leaves every field
      // the base read as it was, or redaction, which empties the text: a note of the base's
      // input (its result, or the history kept for it, names the base) is still as it read it,
      // unless redacted while the community has topics (topic assignment read the text).
      if (result?.runId !== base.id && result?.base?.runId !== base.id) return;
      if (record.redacted && this.readsTexts) return void (this.redactedSince += 1);
    }
    let history: ResultRecord['previousHistory'] = null;
    if (result?.runId === base.id) history = result.previousHistory;
    else if (result?.base?.runId === base.id) history = result.base.history;
    else this.missingHistories += 1;
    this.baseNotes.add(note.id);
    this.baseBuilder.addNote({ ...note, history: statusHistoryFromJson(history) || null });
  }

  /**
   * A current rating, with the versions it replaced (`replaced-ratings`): the base read the one
   * current when it read, in the rating's place (the input's ratings are in rating id order, and
   * a replacement keeps the rating's id).
   */
  addRating(rating: RatingRecord, replaced: readonly ReplacedRatingRecord[]): void {
    this.intermediate?.addRating(rating);
    if (!this.baseBuilder) return;
    const batch = batchOf(rating.changedBatch);
    if (batch === undefined) return void (this.unmarked += 1);
    const through = this.through as bigint;
    const read = batch <= through ? rating : replaced.find((version) => readAt(version, through));
    if (read && this.baseNotes.has(rating.noteId)) this.baseBuilder.addRating(read);
  }

  /** The recomputations, once every note, rating and status change went past. */
  finish(
    builder: RunInputBuilder,
    results: Map<string, ResultRecord>,
    log: StatusChangeLog,
    newerThanRun: number,
    redactedNotes: number,
    standings: ReadonlyMap<string, StandingRecord> | null,
    recomputed: Map<string, ShownStatus>,
  ): RunRecomputation {
    const { run, report } = this;
    const base =
      this.base && this.baseBuilder
        ? this.recomputeBase(results, log, standings, recomputed)
        : undefined;
    const intermediate = this.intermediate?.finish(results);
    const notesCompared = this.recomputeLatest(builder, results, log, recomputed, {
      newerThanRun,
      redactedNotes,
    });
    checkCommunityCounts(run, results, recomputed, report);
    const summary = {
      id: run.id,
      recomputed: false,
      notesCompared: 0,
      standingsCompared: base?.standingsCompared ?? null,
      // Named even when it could not be rebuilt: the statuses rest on its parameters.
      base: {
        id: run.baseRunId ?? '',
        recomputed: base?.recomputed ?? false,
        notesCompared: base?.notesCompared ?? 0,
      },
      ...(intermediate && { intermediate }),
    };
    return notesCompared === undefined ? summary : { ...summary, recomputed: true, notesCompared };
  }

  /** The incremental run's own notes against the exported parameters: how many were compared. */
  private recomputeLatest(
    builder: RunInputBuilder,
    results: Map<string, ResultRecord>,
    log: StatusChangeLog,
    statuses: Map<string, ShownStatus>,
    data: { newerThanRun: number; redactedNotes: number },
  ): number | undefined {
    const { run, report } = this;
    const built = builder.build();
    if (!this.frozen || !checkRunInput(run, built, data.newerThanRun, data.redactedNotes, report)) {
      return undefined;
    }
    const result = scoreWithFrozenRaters(built.input, this.frozen, { nowMs: built.nowMs });
    return compareRunResults(run, built.input, result, results, log.statusAfter(run.id), report, {
      onlyOwnResults: false,
      communityCounts: true,
      statuses,
    });
  }

  private recomputeBase(
    results: Map<string, ResultRecord>,
    log: StatusChangeLog,
    standings: ReadonlyMap<string, StandingRecord> | null,
    recomputed: Map<string, ShownStatus>,
  ): RunRecomputation {
    const base = this.base as RunRecord;
    const record = this.record as FrozenRatersRecord;
    const subject = `run ${base.id}`;
    const none = { id: base.id, recomputed: false, notesCompared: 0, standingsCompared: null };
    if (this.unmarked > 0 || this.missingHistories > 0) {
      this.report(
        'RUN_BASE_MISSING',
        subject,
        this.unmarked > 0
          ? `${this.unmarked} notes or ratings carry no valid changedBatch: the data the base run read cannot be told apart, so its frozen parameters are taken as exported`
          : `${this.missingHistories} notes of the base run have neither its result nor the history they started it from: its input cannot be rebuilt, so its frozen parameters are taken as exported`,
        'warning',
      );
      return none;
    }
    if (this.redactedSince > 0) {
      this.report(
        'RUN_BASE_OUTDATED',
        subject,
        `${this.redactedSince} notes the base run read were redacted since, and it read their texts (topic assignment): its input cannot be rebuilt, so its frozen parameters are taken as exported`,
        'warning',
      );
      return none;
    }
    const built = (this.baseBuilder as RunInputBuilder).build();
    if (base.dataHash !== null && built.dataHash !== base.dataHash) {
      const read = `the notes and ratings changed up to batch ${record.changedThrough}`;
      if (this.replacedExported) {
        this.report(
          'RUN_BASE_MISMATCH',
          subject,
          `${read}, with the rating versions replaced after it, are not the ones base run ${base.id} read (data hash ${built.dataHash}, not ${base.dataHash}): a version it read is missing or altered`,
        );
      } else {
        this.report(
          'RUN_BASE_OUTDATED',
          subject,
          `${read} are not the ones base run ${base.id} read (data hash ${built.dataHash}, not ${base.dataHash}): a rating it read was replaced since, and the export has no replaced-ratings stream (an older instance), so its frozen parameters are taken as exported`,
          'warning',
        );
      }
      return none;
    }
    if (built.inputHash !== base.inputHash) {
      this.report(
        'RUN_BASE_MISMATCH',
        subject,
        `the base run's notes and ratings are the exported ones, but its input hash ${base.inputHash} is not the hash of them with its time and the exported starting histories (${built.inputHash})`,
      );
      return none;
    }
    const result = scoreNotes(built.input, {
      seed: base.seed ?? undefined,
      nowMs: built.nowMs,
      topicSeeds: built.topicSeeds,
    });
    const frozen = freezeRaters(result);
    const exported = Buffer.from(record.parameters, 'base64');
    if ('unusable' in frozen) {
      this.report(
        'RUN_BASE_MISMATCH',
        subject,
        `the base run cannot have frozen rater parameters (${frozen.unusable}), yet the export has some`,
      );
    } else if (!exported.equals(encodeFrozenRaters(frozen))) {
      this.report(
        'RUN_BASE_MISMATCH',
        subject,
        `the exported frozen rater parameters are not the ones the base run's input gives: the incremental runs scored against other raters`,
      );
    }
    // The notes no run rescored since still carry the base run's results, and the standings
    // are the base run's: both are checked against its recomputation, and the statuses the
    // status changes leave every note of its input at after it.
    const notesCompared = compareRunResults(
      base,
      built.input,
      result,
      results,
      log.statusAfter(base.id),
      this.report,
      { onlyOwnResults: true, statuses: recomputed },
    );
    const standingsCompared = standings
      ? checkStandings(base.id, built.input, result, standings, this.report)
      : null;
    return { id: base.id, recomputed: true, notesCompared, standingsCompared };
  }
}

/** Whether a replaced version was the rating's current one when batch `through` was read. */
function readAt(version: ReplacedRatingRecord, through: bigint): boolean {
  const [written, replaced] = [batchOf(version.changedBatch), batchOf(version.replacedBatch)];
  return (
    written !== undefined && replaced !== undefined && written <= through && through < replaced
  );
}
