import {
  GLOBAL_INTERCEPT_LAMBDA,
  HARASSMENT_INTERCEPT_THRESHOLD,
  HARASSMENT_PENALTY_MULTIPLIER,
  NOTE_FACTOR_LAMBDA,
  NOTE_INTERCEPT_LAMBDA,
  RATER_FACTOR_LAMBDA,
  RATER_INTERCEPT_LAMBDA,
} from './constants';
import {
  buildTagRatings,
  fitLogisticRound,
  type LogisticParameters,
} from './logistic-factorization';
import type { MfParameters } from './matrix-factorization';
import { RatingTag, tagMask, NOT_HELPFUL_TAGS_MASK } from './rating-tags';
import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

const HARASSMENT = tagMask(RatingTag.NotHelpfulSpamHarassmentOrAbuse);
const OTHER = tagMask(RatingTag.NotHelpfulOther);

export interface HarassmentConsensus {
  /** The tag model's note intercept (logit scale); NaN for notes it did not see. */
  readonly noteIntercept: Float64Array;
  /** Agreeing ratings each participant loses for rating harassing notes HELPFUL. */
  readonly penalty: Float64Array;
  readonly sweeps: number;
}

/**
 * §5.1 step 6: a logistic factorisation, on the ratings of raters above the helpfulness
 * threshold, of "this rating says SpamHarassmentOrAbuse" (label 1) against HELPFUL ratings and
 * NOT_HELPFUL ratings whose only tag is Other (label 0); other ratings say nothing either way.
 * Positives are weighted (1 − p)/p so the rare tag carries as much weight as the rest; factors
 * start from the first round's ×2, intercepts at zero; Core's L2 strengths. A note the model
 * calls harassing with intercept ≥ 2.0 costs every rater of `selection` who rated it HELPFUL
 * 10·intercept/2.0 agreeing ratings.
 */
export function harassmentConsensus(
  input: ScoringInput,
  selection: Int32Array,
  helpful: Uint8Array,
  firstRound: MfParameters,
): HarassmentConsensus {
  const noteCount = input.noteIds.length;
  const penalty = new Float64Array(input.participantIds.length);
  // A plain loop with the imports read once (each is a getter call under tsx's CommonJS).
  const { Helpful, NotHelpful } = HelpfulnessLevel;
  const notHelpfulTags = NOT_HELPFUL_TAGS_MASK;
  const kept = new Int32Array(selection.length);
  let count = 0;
  for (const i of selection) {
    if (helpful[input.ratingRater[i]] !== 1) continue;
    const tags = input.ratingTags[i];
    const level = input.ratingLevel[i];
    if (
      (tags & HARASSMENT) !== 0 ||
      level === Helpful ||
      (level === NotHelpful && (tags & notHelpfulTags) === OTHER)
    ) {
      kept[count++] = i;
    }
  }
  const modelled = kept.slice(0, count);
  const label = new Uint8Array(modelled.length);
  let positives = 0;
  for (let k = 0; k < modelled.length; k++) {
    label[k] = input.ratingTags[modelled[k]] & HARASSMENT ? 1 : 0;
    positives += label[k];
  }
  const noteIntercept = new Float64Array(noteCount).fill(NaN);
  if (positives === 0) return { noteIntercept, penalty, sweeps: 0 };

  const data = buildTagRatings(input, modelled, label);
  const doubled = (values: Float64Array): Float64Array =>
    values.map((v) => (Number.isNaN(v) ? 0 : 2 * v));
  const p: LogisticParameters = {
    globalIntercept: 0,
    noteIntercept: new Float64Array(noteCount),
    noteFactor: doubled(firstRound.noteFactor),
    raterIntercept: new Float64Array(input.participantIds.length),
    raterFactor: doubled(firstRound.raterFactor),
    raterReputation: new Float64Array(input.participantIds.length).fill(1),
  };
  const share = positives / data.size;
  const perNote = data.size / data.activeNotes;
  const perRater = data.size / data.activeRaters;
  const sweeps = fitLogisticRound(data, p, {
    noteIntercept: true,
    noteFactor: true,
    raterIntercept: true,
    raterFactor: true,
    raterReputation: false,
    globalIntercept: true,
    positiveWeight: (1 - share) / share,
    ridge: {
      noteIntercept: NOTE_INTERCEPT_LAMBDA * perNote,
      noteFactor: NOTE_FACTOR_LAMBDA * perNote,
      raterIntercept: RATER_INTERCEPT_LAMBDA * perRater,
      raterFactor: RATER_FACTOR_LAMBDA * perRater,
      raterReputation: 0,
      globalIntercept: GLOBAL_INTERCEPT_LAMBDA * data.size,
    },
  });
  for (let n = 0; n < noteCount; n++) {
    if (data.noteStart[n] !== data.noteStart[n + 1]) noteIntercept[n] = p.noteIntercept[n];
  }
  const threshold = HARASSMENT_INTERCEPT_THRESHOLD;
  const multiplier = HARASSMENT_PENALTY_MULTIPLIER;
  for (const i of selection) {
    const score = noteIntercept[input.ratingNote[i]];
    if (score >= threshold && input.ratingLevel[i] === Helpful) {
      penalty[input.ratingRater[i]] += (multiplier * score) / threshold;
    }
  }
  return { noteIntercept, penalty, sweeps };
}
