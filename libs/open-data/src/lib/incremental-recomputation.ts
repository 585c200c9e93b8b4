import {
  decodeFrozenRaters,
  encodeFrozenRaters,
  freezeRaters,
  scoreNotes,
  scoreWithFrozenRaters,
  type FrozenRaters,
  type ScoringInput,
  type ScoringResult,
  type ShownStatus,
  type TopicSeed,
} from '@bridgenotes/scoring';

import { checkAlgorithm } from './algorithms';
import { CutInput, findLaterCut, type ExportReread, type IncludeNote } from './cut-input';
import type { ReportDiscrepancy } from './discrepancy';
import type {
  FrozenRatersRecord,
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  ResultRecord,
  RunRecord,
  StandingRecord,
} from './export-format';
import { IntermediateRecomputation } from './intermediate-runs';
import type { PreviousHistories } from './previous-histories';
import { checkCommunityCounts } from './run-records';
import { compareRunResults, rebuildRunInput, type RunRecomputation } from './run-recomputation';
import type { StatusChangeLog } from './status-change-log';
import { checkStandings } from './verify-standings';

/**
 * An incremental latest run, verified in two steps. Its base full run is rebuilt from the
 * records whose `changedBatch` is at most the base's `changedThrough` (and the notes of its input
 * changed since, which it read as they are unless redacted, and of a rating replaced since, the
 * version it read: `CutInput`), with the histories the notes started it from, and
 * scored again: its input hash must be the base's, and the rater parameters it freezes must be
 * the exported ones (and the notes still carrying its results, and the standings, what it
 * gives, and the histories the incremental runs on it started their notes from, the ones it
 * left them unless a run between wrote them: `PreviousHistories.checkFromBase`). Then the incremental run's own notes are scored against
 * the exported parameters and compared like a full run's, and so are the notes still carrying
 * the results of the incremental runs between them (`IntermediateRecomputation`). A base that
 * cannot be rebuilt is a warning; the incremental runs are then recomputed from the exported
 * parameters alone. The run's status counts, the community's, are checked against the published
 * statuses (`checkCommunityCounts`).
 */
export class IncrementalRecomputation {
  private readonly frozen: FrozenRaters | undefined;
  /** Set while the base can still be rebuilt from the records streaming past. */
  private baseInput: CutInput | undefined;
  private readonly base: RunRecord | undefined;
  private intermediate: IntermediateRecomputation | undefined;
  /** The succeeded incremental runs on the same base (the latest among them), by id. */
  private readonly onBase = new Map<string, RunRecord>();

  constructor(
    private readonly run: RunRecord,
    runs: readonly RunRecord[],
    private readonly record: FrozenRatersRecord | undefined,
    /** Whether the export keeps the versions of ratings replaced since the base read them. */
    private readonly replacedExported: boolean,
    topicSeeds: readonly TopicSeed[],
    private readonly previous: PreviousHistories,
    private readonly report: ReportDiscrepancy,
  ) {
    const subject = `run ${run.id}`;
    const base = runs.find((candidate) => candidate.id === run.baseRunId);
    this.base = base;
    for (const other of runs) {
      const succeeded = other.status === 'SUCCEEDED' && other.kind === 'INCREMENTAL';
      if (succeeded && other.baseRunId === run.baseRunId) this.onBase.set(other.id, other);
    }
    if (!record) {
      // The instance keeps the latest full run's frozen raters as long as incremental runs score
      // against them: without them nothing of the run can be checked.
      report(
        'RUN_BASE_MISSING',
        subject,
        `the export has no frozen rater parameters of base run ${run.baseRunId} (frozen-raters stream), which the incremental run scored against: its statuses cannot be recomputed`,
      );
      return;
    }
    let through = 0n;
    try {
      this.frozen = decodeFrozenRaters(Buffer.from(record.parameters, 'base64'));
      through = BigInt(record.changedThrough);
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
      previous,
      report,
    );
    if (!base || base.status !== 'SUCCEEDED' || base.kind === 'INCREMENTAL') {
      report(
        'RUN_BASE_MISSING',
        subject,
        `base run ${run.baseRunId} is not a succeeded full run of the export: its frozen parameters are taken as exported`,
        'warning',
      );
      return;
    }
    if (
      base.changedThrough !== undefined &&
      base.changedThrough !== null &&
      base.changedThrough !== record.changedThrough
    ) {
      report(
        'RUN_BASE_INCONSISTENT',
        `run ${base.id}`,
        `the frozen-raters record says base run ${base.id} read the data changed up to batch ${record.changedThrough}, the run itself says ${base.changedThrough}`,
      );
      return;
    }
    // A past algorithm leaves the base unchecked (a warning), an unknown one is an error.
    if (!checkAlgorithm(base, `base run ${base.id}`, report)) return;
    const nowMs = Date.parse(base.nowAt ?? '');
    if (!Number.isSafeInteger(nowMs) || base.inputHash === null) {
      report(
        'RUN_BASE_OUTDATED',
        `run ${base.id}`,
        `base run ${base.id} does not publish its time or input hash (time ${base.nowAt}): it cannot be recomputed, so its frozen parameters are taken as exported`,
        'warning',
      );
      return;
    }
    this.baseInput = new CutInput(
      through,
      nowMs,
      topicSeeds,
      baseIncludes(base, through),
      (note, _, inclusion) => {
        if (!inclusion.historyMissing) previous.check(base, note, inclusion.history);
      },
    );
  }

  /**
   * The base run's input as the records place it (the notes it read), once they streamed past;
   * undefined when the base is not rebuilt, or a note carries no valid `changedBatch`.
   */
  get baseInputNotes(): CutInput | undefined {
    return this.baseInput && this.baseInput.unmarked === 0 ? this.baseInput : undefined;
  }

  /** A note of the export, with its published result. */
  addNote(note: NoteRecord, result: ResultRecord | undefined) {
    this.intermediate?.addNote(note, result);
    this.baseInput?.addNote(note, result);
  }

  /**
   * A current rating, with the versions it replaced (`replaced-ratings`): the base read the one
   * current when it read, in the rating's place (the input's ratings are in rating id order, and
   * a replacement keeps the rating's id).
   */
  addRating(rating: RatingRecord, replaced: readonly ReplacedRatingRecord[]): void {
    this.intermediate?.addRating(rating, replaced);
    this.baseInput?.addRating(rating, replaced);
  }

  /**
   * The recomputations, once every note, rating and status change went past: `latest` is the
   * incremental run's own input as of its cut, `reread` the export to read again for a later one.
   */
  async finish(
    latest: CutInput,
    reread: ExportReread,
    log: StatusChangeLog,
    standings: ReadonlyMap<string, StandingRecord> | null,
    recomputed: Map<string, ShownStatus>,
  ): Promise<RunRecomputation> {
    const { run, report } = this;
    const { results } = reread;
    const base =
      this.base && this.baseInput
        ? await this.recomputeBase(reread, log, standings, recomputed)
        : undefined;
    const intermediate = this.intermediate?.finish(results);
    const notesCompared = await this.recomputeLatest(latest, reread, log, recomputed);
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
  private async recomputeLatest(
    latest: CutInput,
    reread: ExportReread,
    log: StatusChangeLog,
    statuses: Map<string, ShownStatus>,
  ): Promise<number | undefined> {
    const { run, report } = this;
    if (!this.frozen) return undefined;
    const built = await rebuildRunInput(run, latest, reread, report);
    if (!built) return undefined;
    const result = scoreWithFrozenRaters(built.input, this.frozen, { nowMs: built.nowMs });
    return compareRunResults(
      run,
      built.input,
      result,
      reread.results,
      log.statusAfter(run.id),
      report,
      { onlyOwnResults: false, communityCounts: true, statuses },
    );
  }

  private async recomputeBase(
    reread: ExportReread,
    log: StatusChangeLog,
    standings: ReadonlyMap<string, StandingRecord> | null,
    recomputed: Map<string, ShownStatus>,
  ): Promise<RunRecomputation> {
    const base = this.base as RunRecord;
    const record = this.record as FrozenRatersRecord;
    const input = this.baseInput as CutInput;
    const subject = `run ${base.id}`;
    const none = { id: base.id, recomputed: false, notesCompared: 0, standingsCompared: null };
    if (input.unmarked > 0 || input.missingHistories > 0) {
      this.report(
        'RUN_BASE_MISSING',
        subject,
        input.unmarked > 0
          ? `${input.unmarked} notes or ratings carry no valid changedBatch: the data the base run read cannot be told apart, so its frozen parameters are taken as exported`
          : `${input.missingHistories} notes of the base run have neither its result nor the history they started it from: its input cannot be rebuilt, so its frozen parameters are taken as exported`,
        'warning',
      );
      return none;
    }
    if (input.redactedSince > 0) {
      this.report(
        'RUN_BASE_OUTDATED',
        subject,
        `${input.redactedSince} notes the base run read were redacted since, and it read their texts (topic assignment): its input cannot be rebuilt, so its frozen parameters are taken as exported`,
        'warning',
      );
      return none;
    }
    // Its loader may have read ratings as of a later batch than its cut (`CutInput`).
    let built = input.build();
    if (built.inputHash !== base.inputHash) {
      built = (await findLaterCut(reread, input, base)).input ?? built;
    }
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
    this.checkStartsFromBase(base, built.input, result, reread.results);
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
      reread.results,
      log.statusAfter(base.id),
      this.report,
      { onlyOwnResults: true, statuses: recomputed },
    );
    const standingsCompared = standings
      ? checkStandings(base.id, built.input, result, standings, this.report)
      : null;
    return { id: base.id, recomputed: true, notesCompared, standingsCompared };
  }

  /**
   * The histories the incremental runs on the base (the latest and earlier ones) started the
   * notes whose results are theirs from, held against the ones the base's recomputation left
   * (`PreviousHistories.checkFromBase`): each of the base's notes, and those it did not read.
   */
  private checkStartsFromBase(
    base: RunRecord,
    input: ScoringInput,
    result: ScoringResult,
    results: ReadonlyMap<string, ResultRecord>,
  ): void {
    const read = new Set<string>();
    input.noteIds.forEach((noteId, index) => {
      const published = results.get(noteId);
      const run = published?.runId ? this.onBase.get(published.runId) : undefined;
      if (!run || !published) return;
      read.add(noteId);
      const left = result.history?.[index];
      this.previous.checkFromBase(run, base, noteId, published.previousHistory, left);
    });
    for (const [noteId, published] of results) {
      const run = published.runId ? this.onBase.get(published.runId) : undefined;
      if (!run || read.has(noteId)) continue;
      this.previous.checkFromBase(run, base, noteId, published.previousHistory, undefined);
    }
  }
}

/**
 * The notes base run `base` read: those changed up to its cut, and those changed since that its
 * input held (their result, or the history kept for them, names it), which it read as they are
 * unless a redaction emptied their text. Each starts from the history its result or `base`
 * keeps for the base.
 */
function baseIncludes(base: RunRecord, through: bigint): IncludeNote {
  return (note, result, batch) => {
    const named = result?.runId === base.id || result?.base?.runId === base.id;
    const changedSince = (batch as bigint) > through;
    if (changedSince && !named) return undefined;
    const redacted = changedSince && note.redacted === true;
    if (result?.runId === base.id) return { history: result.previousHistory, redacted };
    if (result?.base?.runId === base.id) return { history: result.base.history, redacted };
    return { history: null, redacted, historyMissing: true };
  };
}
