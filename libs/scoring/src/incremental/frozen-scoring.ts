import { finalScore } from '../lib/final-scoring';
import { gaussianScores } from '../lib/gaussian-scorer';
import { metaScore } from '../lib/meta-scoring';
import type { PrescoringResult } from '../lib/prescoring';
import { countRatingsPerNote } from '../lib/rating-filters';
import { indexOfId, type ScoringResult } from '../lib/scorer';
import {
  applyStatusRules,
  noteSafeguards,
  type ModelRuns,
  type MfRun,
  type ScorerStatuses,
} from '../lib/scorer-models';
import type { ScoringInput } from '../lib/scoring-input';
import {
  CORE_RULES,
  CORE_WITH_TOPICS_RULES,
  EXPANSION_PLUS_RULES,
  EXPANSION_RULES,
  GAUSSIAN_RULES,
  type ScorerRules,
} from '../lib/status-rules';
import { stabiliseStatuses } from '../lib/status-stability';
import type { FrozenRaters } from './frozen-raters';

/**
 * Final scoring with frozen raters: the notes of `input` (typically only those with new ratings,
 * each with all its ratings) scored against a full run's prescoring instead of a new one. Each
 * note's fit (§5.2) already holds μ and the raters fixed, so it is the same code as a full run's
 * final scoring, the pseudo-rater bounds, the baseline passes, the tag, incorrect and
 * low-diligence safeguards, every scorer's status rules, meta-scoring and stabilisation; only
 * the rater parameters differ, being those of the last full run.
 *
 * What the full run would do differently, and why statuses can differ (within the tolerance the
 * spec asserts): rater factors and helpfulness move with the new ratings; raters new since the
 * full run have no final-round parameters, so their ratings count towards a note's minimum of
 * five but not its fit (as raters below the helpfulness threshold); post-selection-similarity
 * drops (§3 step 6), high-volume and quasi-clique flags are those of the full run.
 *
 * The result has the shape of a full run's (`explainNote` and the publisher read it as is), for
 * `input`'s notes only; prescoring figures it did not compute (first round, harassment,
 * rater helpfulness) are NaN / empty.
 */
export function scoreWithFrozenRaters(
  input: ScoringInput,
  frozen: FrozenRaters,
  options: { readonly nowMs?: number } = {},
): ScoringResult {
  const rater = Int32Array.from(input.participantIds, (id) => indexOfId(frozen.participantIds, id));
  const note = Int32Array.from(input.noteIds, (id) => indexOfId(frozen.noteIds, id));
  const pick = (column: Float64Array, map: Int32Array, missing: number): Float64Array =>
    Float64Array.from(map, (b) => (b >= 0 ? column[b] : missing));
  const pickFlags = (column: Uint8Array): Uint8Array =>
    Uint8Array.from(rater, (b) => (b >= 0 ? column[b] : 0));

  const participants = input.participantIds.length;
  const notes = input.noteIds.length;
  const finalRound = {
    globalIntercept: frozen.globalIntercept,
    raterIntercept: pick(frozen.raterIntercept, rater, NaN),
    raterFactor: pick(frozen.raterFactor, rater, NaN),
    noteIntercept: new Float64Array(notes).fill(NaN),
    noteFactor: new Float64Array(notes).fill(NaN),
  };
  const ld = frozen.lowDiligence;
  const prescoring: PrescoringResult = {
    firstRound: {
      globalIntercept: NaN,
      noteIntercept: new Float64Array(notes).fill(NaN),
      noteFactor: new Float64Array(notes).fill(NaN),
      raterIntercept: new Float64Array(participants).fill(NaN),
      raterFactor: new Float64Array(participants).fill(NaN),
    },
    firstRoundSummary: { ratings: 0, notes: 0, raters: 0, iterations: 0, loss: NaN, trainMse: NaN },
    provisionalStatus: new Uint8Array(notes),
    helpfulness: {
      validRatings: new Int32Array(participants),
      agreeingRatings: new Int32Array(participants),
      agreeRatio: new Float64Array(participants).fill(NaN),
      harassmentPenalty: new Float64Array(participants),
      crhCrnhRatioDifference: new Float64Array(participants).fill(NaN),
      meanNoteScore: new Float64Array(participants).fill(NaN),
      aboveHelpfulnessThreshold: Uint8Array.from(finalRound.raterFactor, (f) =>
        Number.isNaN(f) ? 0 : 1,
      ),
    },
    finalRound,
    finalRoundSummary: { ratings: 0, notes: 0, raters: 0, iterations: 0, loss: NaN, trainMse: NaN },
    ratingsPerNote: frozen.ratingsPerNote,
    tagThresholds: frozen.tagThresholds,
    incorrectPropensity: pick(frozen.incorrectPropensity, rater, NaN),
    harassment: undefined,
    // Raters and notes the model never saw start at 0, as the model's own fit starts them.
    lowDiligence: ld && {
      ...ld,
      raterInterceptSecondRound: pick(ld.raterInterceptSecondRound, rater, 0),
      raterIntercept: pick(ld.raterIntercept, rater, 0),
      raterFactor: pick(ld.raterFactor, rater, 0),
      raterReputation: pick(ld.raterReputation, rater, 0),
      noteInterceptSecondRound: pick(ld.noteInterceptSecondRound, note, 0),
      noteFactor: pick(ld.noteFactor, note, 0),
    },
  };
  const excluded = {
    highVolume: pickFlags(frozen.highVolume),
    correlated: pickFlags(frozen.correlated),
  };
  const numRatings = countRatingsPerNote(input);
  const final = finalScore(input, numRatings, prescoring, excluded);
  const safeguards = noteSafeguards(input, prescoring, final);
  const run: MfRun = { input, prescoring, final, safeguards };

  // As `runModels` does when no note has a topic: Core and CoreWithTopics are one fit, and the
  // scorers differ only in their rules.
  const rated = Uint8Array.from(numRatings, (count) => (count > 0 ? 1 : 0));
  const statusesOf = (rules: ScorerRules, pseudoRaters: boolean, scored: Uint8Array) => ({
    ...applyStatusRules(input, numRatings, final, safeguards, {
      rules,
      scores: pseudoRaters ? final : { ...final, interceptMax: undefined },
    }),
    scored,
  });
  const gaussianFigures = gaussianScores(input, final.selection, finalRound.raterFactor, excluded);
  const gaussian = {
    ...gaussianFigures,
    ...applyStatusRules(input, numRatings, final, safeguards, {
      rules: GAUSSIAN_RULES,
      scores: { ...gaussianFigures, factor: final.factor, interceptMax: undefined },
    }),
    scored: rated,
  };
  const core: MfRun & ScorerStatuses = { ...run, ...statusesOf(CORE_RULES, true, rated) };
  const scorers: ModelRuns = {
    topics: { noteTopic: new Int16Array(notes).fill(-1), topics: [], topicNotes: 0 },
    core,
    coreWithTopics: { ...run, ...statusesOf(CORE_WITH_TOPICS_RULES, true, rated) },
    expansion: statusesOf(EXPANSION_RULES, false, rated),
    expansionPlus: statusesOf(EXPANSION_PLUS_RULES, false, new Uint8Array(notes).fill(1)),
    gaussian,
    gaussianCoreWithTopics: gaussian,
    excluded,
    finalInput: input,
    finalNumRatings: numRatings,
  };
  const models = metaScore(scorers);
  const stable = stabiliseStatuses(input, core.status, options.nowMs, models);
  return {
    input,
    scoredInput: input,
    raters: {
      highVolume: excluded.highVolume,
      pssClique: new Int32Array(participants).fill(-1),
      correlated: excluded.correlated,
      pssDroppedRatings: 0,
      pssAffinityPairs: 0,
      pssCoRatingPairs: 0,
    },
    safeguards,
    numRatings,
    prescoring,
    final,
    gaussian,
    scorers,
    models,
    regime: frozen.regime,
    groups: undefined,
    status: core.status,
    decidedBy: core.decidedBy,
    activeRules: core.activeRules,
    ...stable,
  };
}
