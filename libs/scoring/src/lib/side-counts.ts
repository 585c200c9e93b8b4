import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

/** Ratings of one note from raters on one side of the factor axis. */
export interface SideTally {
  raters: number;
  helpful: number;
  somewhatHelpful: number;
  notHelpful: number;
  /** Σ helpfulNum (1, 0.5, 0), for the ratio rule's side means. */
  helpfulnessSum: number;
}

/** §5.3 `get_note_counts_by_rater_sign`: one note's ratings split by the rater factor's sign. */
export interface SideCounts {
  /** Raters with f_u < 0 (the larger camp, by §4.3's sign convention). */
  negative: SideTally;
  /** Raters with f_u ≥ 0. */
  positive: SideTally;
  /** max(0, min over sides of #HELPFUL − #NOT_HELPFUL). */
  netMinHelpful: number;
  /** netMinHelpful / ratings from factor-bearing raters. */
  netMinHelpfulRatio: number;
}

/**
 * Per-note tallies on both sides, as typed-array columns: index `2·note` is the negative side,
 * `2·note + 1` the positive side.
 */
export interface NoteSideColumns {
  readonly helpful: Int32Array;
  readonly somewhatHelpful: Int32Array;
  readonly notHelpful: Int32Array;
}

/**
 * Counts the ratings in `selection` by note and by the sign of the rater's factor. O(ratings).
 */
export function countBySide(
  input: ScoringInput,
  selection: Int32Array,
  raterFactor: Float64Array,
): NoteSideColumns {
  const size = 2 * input.noteIds.length;
  const helpful = new Int32Array(size);
  const somewhatHelpful = new Int32Array(size);
  const notHelpful = new Int32Array(size);
  for (const i of selection) {
    const side = 2 * input.ratingNote[i] + (raterFactor[input.ratingRater[i]] < 0 ? 0 : 1);
    const level = input.ratingLevel[i];
    if (level === HelpfulnessLevel.Helpful) helpful[side]++;
    else if (level === HelpfulnessLevel.NotHelpful) notHelpful[side]++;
    else somewhatHelpful[side]++;
  }
  return { helpful, somewhatHelpful, notHelpful };
}

function tally(columns: NoteSideColumns, index: number): SideTally {
  const helpful = columns.helpful[index];
  const somewhatHelpful = columns.somewhatHelpful[index];
  const notHelpful = columns.notHelpful[index];
  return {
    raters: helpful + somewhatHelpful + notHelpful,
    helpful,
    somewhatHelpful,
    notHelpful,
    helpfulnessSum: helpful + 0.5 * somewhatHelpful,
  };
}

export function sideCountsOf(columns: NoteSideColumns, note: number): SideCounts {
  const negative = tally(columns, 2 * note);
  const positive = tally(columns, 2 * note + 1);
  const netMinHelpful = Math.max(
    0,
    Math.min(negative.helpful - negative.notHelpful, positive.helpful - positive.notHelpful),
  );
  const total = negative.raters + positive.raters;
  return {
    negative,
    positive,
    netMinHelpful,
    netMinHelpfulRatio: total > 0 ? netMinHelpful / total : 0,
  };
}
