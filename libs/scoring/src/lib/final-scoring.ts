import { NOTE_FACTOR_LAMBDA, NOTE_INTERCEPT_LAMBDA, MIN_RATINGS_PER_NOTE } from './constants';
import { solveTwoParameterRidge, type MfParameters } from './matrix-factorization';
import type { PrescoringResult } from './prescoring';
import { notesRatedBy, othersThan, ratingsKept } from './rating-filters';
import { helpfulnessValue, type ScoringInput } from './scoring-input';
import { countBySide, type NoteSideColumns } from './side-counts';

export interface FinalScoringResult {
  /** NaN for notes without a final fit. */
  readonly intercept: Float64Array;
  readonly factor: Float64Array;
  /** §6: min and max of the intercept over the original fit and the three pseudo-rater refits. */
  readonly interceptMin: Float64Array;
  readonly interceptMax: Float64Array;
  /** Ratings each note's final fit used. */
  readonly finalRatings: Int32Array;
  readonly sides: NoteSideColumns;
  /** Ratings in the final fit. */
  readonly ratings: number;
  /** The rating indexes of the final fit, ascending. */
  readonly selection: Int32Array;
  /** §5.2 (a): the intercept refitted without high-volume raters (rule 15); NaN if unscored. */
  readonly interceptNoHighVol: Float64Array;
  /** §5.2 (b): the intercept refitted without correlated (quasi-clique) raters (rule 16). */
  readonly interceptNoCorrelated: Float64Array;
}

/** Raters whose ratings the baseline-intercept passes of §5.2 (a) and (b) leave out. */
export interface ExcludedRaters {
  readonly highVolume?: Uint8Array;
  readonly correlated?: Uint8Array;
}

/**
 * Running sums of one note's ridge problem (§5.2): with μ and the raters frozen, each note's
 * (i_n, f_n) minimises Σ(y − i_n − f_u·f_n)² + λin·ratio·i_n² + λfn·ratio·f_n², y = r − μ − i_u.
 */
export interface NoteSums {
  readonly count: Float64Array;
  readonly sumX: Float64Array;
  readonly sumXX: Float64Array;
  readonly sumY: Float64Array;
  readonly sumXY: Float64Array;
}

/**
 * §5.2 final scoring, the "all ratings" pass: notes with ≥ 5 ratings, ratings from raters that
 * have final-round parameters (i.e. are above the helpfulness threshold), raters and μ frozen.
 * Because of that freeze the objective separates into one independent two-parameter ridge
 * problem per note, solved exactly in one pass over the ratings instead of the reference's
 * coupled Adam loop. The regulariser is λ·(prescoring ratings per note), §4.2.
 */
export function finalScore(
  input: ScoringInput,
  numRatings: Int32Array,
  prescoring: PrescoringResult,
  excluded: ExcludedRaters = {},
): FinalScoringResult {
  const { raterFactor } = prescoring.finalRound;
  const selection = ratingsKept(
    input,
    Uint8Array.from(numRatings, (count) => (count >= MIN_RATINGS_PER_NOTE ? 1 : 0)),
    Uint8Array.from(raterFactor, (f) => (Number.isNaN(f) ? 0 : 1)),
  );
  const fitted = fitNotes(input, selection, prescoring.finalRound, prescoring.ratingsPerNote);
  const { sums, intercept, factor } = fitted;
  const finalRatings = Int32Array.from(sums.count);
  const bounds = pseudoRaterBounds(sums, intercept, prescoring, selection.length);
  return {
    intercept,
    factor,
    interceptMin: bounds.min,
    interceptMax: bounds.max,
    finalRatings,
    sides: countBySide(input, selection, raterFactor),
    ratings: selection.length,
    selection,
    interceptNoHighVol: interceptWithout(input, selection, fitted, prescoring, excluded.highVolume),
    interceptNoCorrelated: interceptWithout(
      input,
      selection,
      fitted,
      prescoring,
      excluded.correlated,
    ),
  };
}

/**
 * §5.2 (a)/(b): the note intercepts refitted on the final selection minus one group of raters,
 * notes still needing ≥ 5 of the remaining ratings. Without such raters it is the intercept.
 */
function interceptWithout(
  input: ScoringInput,
  selection: Int32Array,
  fitted: { sums: NoteSums; intercept: Float64Array },
  prescoring: PrescoringResult,
  raters: Uint8Array | undefined,
): Float64Array {
  const out = fitted.intercept.slice();
  for (let n = 0; n < out.length; n++) {
    if (fitted.sums.count[n] < MIN_RATINGS_PER_NOTE) out[n] = NaN;
  }
  // Only the notes the left-out raters rated are refitted (see `notesRatedBy`).
  const touched = notesRatedBy(input, selection, raters);
  if (!touched || !raters) return out;
  const kept = ratingsKept(input, touched, othersThan(raters), selection);
  const { sums, intercept } = fitNotes(
    input,
    kept,
    prescoring.finalRound,
    prescoring.ratingsPerNote,
  );
  for (let n = 0; n < out.length; n++) {
    if (touched[n] === 1) out[n] = sums.count[n] < MIN_RATINGS_PER_NOTE ? NaN : intercept[n];
  }
  return out;
}

/**
 * Each note's exact fit over `selection` with the raters and μ of `raters` frozen and the note
 * regulariser scaled by `ratingsPerNote` (§4.2); NaN for notes without a rating in it.
 */
export function fitNotes(
  input: ScoringInput,
  selection: Int32Array,
  raters: Pick<MfParameters, 'raterIntercept' | 'raterFactor' | 'globalIntercept'>,
  ratingsPerNote: number,
): { sums: NoteSums; intercept: Float64Array; factor: Float64Array } {
  const { raterIntercept, raterFactor, globalIntercept: mu } = raters;
  const noteCount = input.noteIds.length;
  const sums: NoteSums = {
    count: new Float64Array(noteCount),
    sumX: new Float64Array(noteCount),
    sumXX: new Float64Array(noteCount),
    sumY: new Float64Array(noteCount),
    sumXY: new Float64Array(noteCount),
  };
  for (const i of selection) {
    const n = input.ratingNote[i];
    const u = input.ratingRater[i];
    const x = raterFactor[u];
    const y = helpfulnessValue(input.ratingLevel[i]) - mu - raterIntercept[u];
    sums.count[n]++;
    sums.sumX[n] += x;
    sums.sumXX[n] += x * x;
    sums.sumY[n] += y;
    sums.sumXY[n] += x * y;
  }

  const interceptRidge = NOTE_INTERCEPT_LAMBDA * ratingsPerNote;
  const factorRidge = NOTE_FACTOR_LAMBDA * ratingsPerNote;
  const intercept = new Float64Array(noteCount).fill(NaN);
  const factor = new Float64Array(noteCount).fill(NaN);
  const solution = new Float64Array(2);
  for (let n = 0; n < noteCount; n++) {
    if (sums.count[n] === 0) continue;
    solveTwoParameterRidge(
      sums.count[n],
      sums.sumX[n],
      sums.sumXX[n],
      sums.sumY[n],
      sums.sumXY[n],
      interceptRidge,
      factorRidge,
      solution,
    );
    intercept[n] = solution[0];
    factor[n] = solution[1];
  }
  return { sums, intercept, factor };
}

/**
 * §6 pseudo-raters: three extreme raters with intercept = the lowest real rater intercept and
 * factor ∈ {min, 0, max} of the real rater factors each add one HELPFUL rating to every note,
 * and the notes are refitted with everything else frozen. With the note's running sums that
 * refit is one extra term in its 2×2 system. The reference refits with a fresh model that is not
 * given the ratings-per-note ratio, so these four refits use the plain regulariser of §4.2 (means
 * over the N fitted notes against a mean over the R training ratings): a per-note ridge of
 * λ·R/N, with R = the final ratings, plus N when a pseudo-rater rated every note. Min and max are
 * taken over the three refits and the unchanged-ratings refit ("refit_orig"), not the fit itself.
 */
function pseudoRaterBounds(
  sums: NoteSums,
  intercept: Float64Array,
  prescoring: PrescoringResult,
  ratings: number,
): { min: Float64Array; max: Float64Array } {
  const { raterIntercept, raterFactor, globalIntercept: mu } = prescoring.finalRound;
  let lowestIntercept = Infinity;
  let lowestFactor = Infinity;
  let highestFactor = -Infinity;
  for (let u = 0; u < raterFactor.length; u++) {
    if (Number.isNaN(raterFactor[u])) continue;
    lowestIntercept = Math.min(lowestIntercept, raterIntercept[u]);
    lowestFactor = Math.min(lowestFactor, raterFactor[u]);
    highestFactor = Math.max(highestFactor, raterFactor[u]);
  }
  let notes = 0;
  for (let n = 0; n < intercept.length; n++) if (!Number.isNaN(intercept[n])) notes++;
  const min = new Float64Array(intercept.length).fill(NaN);
  const max = new Float64Array(intercept.length).fill(NaN);
  // The refit without a pseudo-rating (`extra` 0), then one per pseudo-rater.
  const refits = [
    { extra: 0, x: 0 },
    ...[lowestFactor, 0, highestFactor].map((x) => ({ extra: 1, x })),
  ];
  const pseudoY = 1 - mu - lowestIntercept;
  const solution = new Float64Array(2);
  for (const { extra, x } of refits) {
    const y = extra * pseudoY;
    const perNote = (ratings + extra * notes) / notes;
    const interceptRidge = NOTE_INTERCEPT_LAMBDA * perNote;
    const factorRidge = NOTE_FACTOR_LAMBDA * perNote;
    for (let n = 0; n < intercept.length; n++) {
      if (Number.isNaN(intercept[n])) continue;
      solveTwoParameterRidge(
        sums.count[n] + extra,
        sums.sumX[n] + extra * x,
        sums.sumXX[n] + extra * x * x,
        sums.sumY[n] + y,
        sums.sumXY[n] + x * y,
        interceptRidge,
        factorRidge,
        solution,
      );
      if (!(solution[0] >= min[n])) min[n] = solution[0];
      if (!(solution[0] <= max[n])) max[n] = solution[0];
    }
  }
  return { min, max };
}
