import {
  RunInputBuilder,
  statusHistoryFromJson,
  type RunInput,
  type RunNote,
  type StatusHistoryJson,
  type TopicSeed,
} from '@bridgenotes/scoring';

import type {
  NoteRecord,
  RatingRecord,
  ReplacedRatingRecord,
  ResultRecord,
  RunRecord,
} from './export-format';
import type { ExportSource } from './export-source';
import { batchOf } from './replaced-ratings';

/** The scorer's view of an exported note, starting from `history`. */
export function runNoteOf(note: NoteRecord, history: StatusHistoryJson | null): RunNote {
  return {
    id: note.id,
    authorPseudonym: note.authorPseudonym,
    classification: note.classification,
    createdAtMs: Date.parse(note.createdAt),
    postId: note.postId,
    post: note.post,
    history: statusHistoryFromJson(history) || null,
    text: note.text,
  };
}

/**
 * Whether a note is in a run's input, and the history it started the run from; undefined when
 * it is not. `redacted`: it is, but was redacted since the run read it, so its text (which the
 * run read when the community has topics) is gone. `historyMissing`: the export keeps no
 * history it started the run from (rescored before those were kept).
 */
export type Inclusion =
  { history: StatusHistoryJson | null; redacted?: boolean; historyMissing?: boolean } | undefined;

/** `batch` is the note's `changedBatch`; undefined only when the cut is unknown. */
export type IncludeNote = (
  note: NoteRecord,
  result: ResultRecord | undefined,
  batch: bigint | undefined,
) => Inclusion;

/** Told of each note the input includes, with the history it starts from (`PreviousHistories`). */
export type OnInclude = (
  note: NoteRecord,
  result: ResultRecord | undefined,
  inclusion: NonNullable<Inclusion>,
) => void;

/** The version of a rating current at change batch `cut`: itself, one it replaced, or none. */
export function versionAt(
  rating: RatingRecord,
  versions: readonly ReplacedRatingRecord[],
  cut: bigint,
): RatingRecord | undefined {
  const batch = batchOf(rating.changedBatch);
  if (batch !== undefined && batch <= cut) return rating;
  return versions.find((version) => {
    const [written, replaced] = [batchOf(version.changedBatch), batchOf(version.replacedBatch)];
    return written !== undefined && replaced !== undefined && written <= cut && cut < replaced;
  });
}

/** At most this many later cuts are tried, in one more read of the notes and ratings. */
const LATER_CUTS = 8;

/**
 * A run's input rebuilt from the export as of a change batch (`cut`, the run's
 * `changedThrough`): the notes `include` says it read, each rating of them as it was at the cut
 * (a rating replaced since: the version of `replaced-ratings` current then), as the run's loader
 * reads them. An older instance's loader read each rating as its statement found it, so a rating
 * changed in a batch committed meanwhile was read as of that later batch: the later cuts the
 * export's ratings allow are kept, to be tried when the cut itself does not give the run's input
 * (`findLaterCut`). Without a cut (an export older than `changedThrough`), the records as
 * exported.
 */
export class CutInput {
  private readonly builder: RunInputBuilder;
  private readonly notes = new Set<string>();
  /** Records the cut cannot place: no valid `changedBatch`. */
  unmarked = 0;
  /** Notes of the input redacted since, whose texts the run read (topic assignment). */
  redactedSince = 0;
  /** Notes of the input with no history it started from (rescored before those were kept). */
  missingHistories = 0;
  /** Batches after the cut in which a rating of its notes was written. */
  private readonly later = new Set<bigint>();
  /** Ratings of its notes first written after the cut, by that batch (the count they add). */
  private readonly written: bigint[] = [];
  private ratings = 0;

  constructor(
    readonly cut: bigint | undefined,
    private readonly nowMs: number,
    private readonly topicSeeds: readonly TopicSeed[],
    private readonly include: IncludeNote,
    private readonly onInclude?: OnInclude,
  ) {
    this.builder = new RunInputBuilder(nowMs, topicSeeds);
  }

  /** The same run's input at another cut (`onInclude` was told of its notes already). */
  at(cut: bigint): CutInput {
    return new CutInput(cut, this.nowMs, this.topicSeeds, this.include);
  }

  /** Notes in id order, as the builder needs them. */
  addNote(note: NoteRecord, result: ResultRecord | undefined): void {
    const batch = batchOf(note.changedBatch);
    if (this.cut !== undefined && batch === undefined) return void (this.unmarked += 1);
    const inclusion = this.include(note, result, batch);
    if (inclusion === undefined) return;
    // Kept as exported (its data hash is the same), but the input is not the one the run read
    // when its text was: with topics. Without, the text is no part of the input.
    if (inclusion.redacted && this.topicSeeds.length > 0) this.redactedSince += 1;
    if (inclusion.historyMissing) this.missingHistories += 1;
    this.onInclude?.(note, result, inclusion);
    this.notes.add(note.id);
    this.builder.addNote(runNoteOf(note, inclusion.history));
  }

  /** Ratings in id order (a replacement keeps its rating's id), with the versions replaced. */
  addRating(rating: RatingRecord, versions: readonly ReplacedRatingRecord[]): void {
    if (!this.notes.has(rating.noteId)) return;
    if (this.cut === undefined) return void this.read(rating);
    const batches = [rating, ...versions].map((version) => batchOf(version.changedBatch));
    if (batches.includes(undefined)) return void (this.unmarked += 1);
    const marked = batches as bigint[];
    for (const batch of marked) if (batch > this.cut) this.later.add(batch);
    const first = marked.reduce((a, b) => (b < a ? b : a));
    if (first > this.cut) this.written.push(first);
    const read = versionAt(rating, versions, this.cut);
    if (read) this.read(read);
  }

  /** Whether the note is in the input. */
  includes(noteId: string): boolean {
    return this.notes.has(noteId);
  }

  /** Whether the records give the input as of the cut exactly. */
  get exact(): boolean {
    return (
      this.cut !== undefined &&
      this.unmarked === 0 &&
      this.redactedSince === 0 &&
      this.missingHistories === 0
    );
  }

  /** How many batches after the cut changed a rating of the input's notes. */
  get batchesAfter(): number {
    return this.later.size;
  }

  build(): RunInput {
    return this.builder.build();
  }

  /**
   * The later cuts at which the input differs, in batch order, keeping those whose rating count
   * is `ratingCount` (the run's, when it published one): a rating first written after the cut
   * counts from that batch on.
   */
  laterCuts(ratingCount: number | null): bigint[] {
    return [...this.later]
      .sort((a, b) => (a < b ? -1 : 1))
      .filter(
        (cut) =>
          ratingCount === null ||
          this.ratings + this.written.filter((batch) => batch <= cut).length === ratingCount,
      );
  }

  private read(rating: RatingRecord): void {
    this.builder.addRating(rating);
    this.ratings += 1;
  }
}

/** What a later cut is rebuilt from: the export's notes and ratings read again. */
export interface ExportReread {
  source: Pick<ExportSource, 'records'>;
  results: ReadonlyMap<string, ResultRecord>;
  versionsOf(rating: RatingRecord): readonly ReplacedRatingRecord[];
}

/**
 * The input of the first later cut (`CutInput.laterCuts`) that gives the run's input hash, read
 * again from the export; undefined when none does (or the cut is not exact, or none is left).
 * Only the first `LATER_CUTS` are tried: `tried` says how many were.
 */
export async function findLaterCut(
  reread: ExportReread,
  first: CutInput,
  run: Pick<RunRecord, 'inputHash' | 'ratingCount'>,
): Promise<{ input?: RunInput; tried: number; left: number }> {
  const cuts = first.exact ? first.laterCuts(run.ratingCount) : [];
  if (cuts.length === 0) return { tried: 0, left: 0 };
  const inputs = cuts.slice(0, LATER_CUTS).map((cut) => first.at(cut));
  for await (const note of reread.source.records('notes')) {
    const result = reread.results.get(note.id);
    for (const input of inputs) input.addNote(note, result);
  }
  for await (const rating of reread.source.records('ratings')) {
    const versions = reread.versionsOf(rating);
    for (const input of inputs) input.addRating(rating, versions);
  }
  const left = cuts.length - inputs.length;
  for (const candidate of inputs) {
    const input = candidate.build();
    if (input.inputHash === run.inputHash) return { input, tried: inputs.length, left };
  }
  return { tried: inputs.length, left };
}

/**
 * The notes the latest run read, each from the history its result kept: for a full run every
 * note changed up to its cut, and those changed since that carry its result (read as of a later
 * batch, or changed after it read them); for an incremental run those whose result is its.
 * Without a cut (an older export), every note.
 */
export function latestIncludes(run: RunRecord): IncludeNote {
  const through = batchOf(run.changedThrough ?? undefined);
  return (note, result, batch) => {
    const own = result !== undefined && result.runId === run.id;
    const changedSince = through !== undefined && (batch as bigint) > through;
    if (run.kind === 'INCREMENTAL' ? !own : changedSince && !own) return undefined;
    return {
      history: own ? result.previousHistory : null,
      redacted: (through === undefined || changedSince) && note.redacted === true,
    };
  };
}
