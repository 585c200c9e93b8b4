/**
 * Every constant of the Core scorer this library implements, named after the reference note
 * (`shared/reference/communitynotes.md`, "the reference" below) and the section that gives it.
 */

/** §4.2: L2 strengths of the loss as the reference's code computes it (means over parameters). */
export const NOTE_INTERCEPT_LAMBDA = 0.15;
export const RATER_INTERCEPT_LAMBDA = 0.15;
export const GLOBAL_INTERCEPT_LAMBDA = 0.15;
export const NOTE_FACTOR_LAMBDA = 0.03;
export const RATER_FACTOR_LAMBDA = 0.03;

/** §4.5: one back-and-forth pass of rating filters before fitting. */
export const MIN_RATINGS_PER_NOTE = 5;
export const MIN_RATINGS_PER_RATER = 10;

/** §5.1 step 4: a rating is valid only if made within 48 h of the note's creation. */
export const VALID_RATING_WINDOW_MS = 48 * 60 * 60 * 1000;
/** §5.1 step 4: notes created before 2022-05-19 count only their first 5 ratings in the window. */
export const LEGACY_NOTE_CUTOFF_MS = Date.UTC(2022, 4, 19);
export const LEGACY_NOTE_MAX_VALID_RATINGS = 5;

/** §5.1 step 5: rater and author helpfulness. */
export const MIN_RATER_AGREE_RATIO = 0.66;
export const AUTHOR_CRNH_WEIGHT = 5;
export const MIN_AUTHOR_MEAN_NOTE_SCORE = 0.05;

/** §5.3 rules 2, 3, 6, 7, 11, 12: intercept and factor thresholds. */
export const CRH_INTERCEPT_THRESHOLD = 0.4;
export const CRH_INERTIA_DELTA = 0.01;
export const CRNH_INTERCEPT_THRESHOLD = -0.05;
export const CRNH_FACTOR_MULTIPLIER = -0.8;
export const NOT_MISLEADING_CRNH_THRESHOLD = -0.15;
export const MAX_CRH_FACTOR_MAGNITUDE = 0.5;
export const FIRM_REJECT_INTERCEPT_THRESHOLD = 0.3;

/** §5.3 rule 4 and §6: the pseudo-rater upper bound of the intercept. */
export const UCB_CRNH_THRESHOLD = -0.04;

/** §5.3 rule 5: both factor sides mostly rated the note not helpful. */
export const RATIO_CRNH_MIN_RATERS_PER_SIDE = 3;
export const RATIO_CRNH_MAX_SIDE_MEAN = 0.4;
export const RATIO_CRNH_MAX_MEAN_OF_SIDES = 0.3;

/** §5.3 rules 13 and 14: net-helpful minimums on each factor side. */
export const MIN_NET_HELPFUL_PER_SIDE = 4;
export const RATER_BALANCE_NET_HELPFUL_CEILING = 10;
export const RATER_BALANCE_MIN_RATIO = 0.05;
