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
/**
 * How much earlier than it was made a rating's time may say when the time is a member's own
 * minute (Bridgenotes' `clientMinute`, `RunInputBuilder`): the API accepts a minute up to
 * CLOCK_SKEW_MINUTES (10, @bridgenotes/protocol, which this framework-free library does not
 * import; open-data's algorithms spec checks the two agree) from its own, and the minute floors
 * the time, so a rating made at server time S may say any minute from floor(S / 1 min) − 10: up
 * to 11 minutes before S. A rating counts as made before a run's decision (rater helpfulness'
 * valid ratings, earned standing) only when its time is at least this much before the run's.
 */
export const CLIENT_MINUTE_SLACK_MS = (10 + 1) * 60_000;
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

/** §3 step 4: high-volume raters, the 99.9th percentile of ratings over 7 and 28 days. */
export const HIGH_VOLUME_PERCENTILE = 0.999;
export const HIGH_VOLUME_WINDOWS_MS = [7 * 24 * 3_600_000, 28 * 24 * 3_600_000] as const;
/** §3 steps 4 and 6: below this many distinct notes the rater-clustering effects are skipped. */
export const MIN_NOTES_FOR_PRODUCTION_DATA = 200;

/** §5.3 rules 15 and 16: a CRH note must keep this intercept without the suspicious raters. */
export const NO_HIGH_VOLUME_MIN_INTERCEPT = 0.37;
export const NO_CORRELATED_MIN_INTERCEPT = 0.37;

/** §7.1: tag outlier filter. */
export const TAG_FILTER_DISTANCE_PERCENTILE = 0.4;
export const TAG_FILTER_DISTANCE_EXPONENT = 5;
export const TAG_FILTER_THRESHOLD_PERCENTILE = 0.95;
export const TAG_FILTER_MIN_ADJUSTED_TOTAL = 2.5;

/** §7.2: "incorrect" filter. */
export const INCORRECT_FACTOR_CLIP = 0.4;
export const INCORRECT_MAX_FACTOR_DISTANCE = 0.3;
export const INCORRECT_MIN_TAGS = 2;
export const INCORRECT_MIN_VOTERS = 3;
export const INCORRECT_MIN_TF_IDF = 2.5;

/** §7.7 (a): writer–rater affinity windows and the shares that make a pair suspicious. */
export const PSS_WINDOWS_MS = [60_000, 5 * 60_000, 20 * 60_000] as const;
export const PSS_MIN_RATER_COVERAGE = [0.2, 0.3, 0.4] as const;
export const PSS_MIN_WRITER_SHARE = [0.2, 0.45, 0.7] as const;
export const PSS_MIN_DENOMINATOR = 10;

/**
 * §7.7 (b): co-rating on the same post. Two raters co-rate a post when they rate one of its notes
 * within 20 minutes of each other; a pair is suspicious when its smoothed NPMI (pseudocounts 500
 * on each rater's post count) reaches 0.55 or its co-rated posts are ≥ 40 % of the less active
 * rater's posts (+ 10 pseudo-posts). Only raters with ≥ 10 rated posts take part.
 */
export const PSS_CO_RATING_WINDOW_MS = 20 * 60_000;
export const PSS_PMI_PSEUDOCOUNTS = 500;
export const PSS_MIN_SMOOTHED_NPMI = 0.55;
export const PSS_MIN_SIM_PSEUDOCOUNTS = 10;
export const PSS_MIN_SIM_RATIO = 0.4;
export const PSS_MIN_RATED_POSTS = 10;

/** §7.8: quasi-cliques of correlated raters. */
export const QUASI_CLIQUE_WINDOW_MS = 13 * 7 * 24 * 3_600_000;
export const QUASI_CLIQUE_MIN_PAIR_COLLISIONS = 5;
export const QUASI_CLIQUE_SEED_COLLISIONS = 50;
export const QUASI_CLIQUE_MIN_POSTS = 25;
export const QUASI_CLIQUE_MEMBER_SHARE = 0.25;
export const QUASI_CLIQUE_MIN_ACTING_MEMBERS = 4;
export const QUASI_CLIQUE_MIN_SIZE = 5;
export const QUASI_CLIQUE_MAX_SIZE = 2000;

/** §10.2 NmrDueToMinStableCrhTime: how long a new CRH (or NYH) is held at NMR. */
export const MIN_STABLE_CRH_MS = 30 * 60_000;
export const STABLE_CRH_MS = 60 * 60_000;
export const MAX_NYH_HOLD_MS = 360 * 60_000;

/** §10.3: notes older than this get their status locked. */
export const NOTE_LOCK_MS = 14 * 24 * 3_600_000;

/** §9 InsufficientExplanation: two tags, each used by at least two ratings. */
export const MIN_EXPLANATION_TAGS = 2;
export const MIN_RATINGS_PER_EXPLANATION_TAG = 2;

/**
 * §7.3: the low-diligence model, a reputation-weighted logistic factorisation of "the rating
 * says Incorrect, SourcesMissingOrUnreliable or IrrelevantSources"; a note intercept above
 * 0.263 blocks CRH (rule 10).
 */
export const LOW_DILIGENCE_THRESHOLD = 0.263;
export const LOW_DILIGENCE_LAMBDA = 0.03;
export const LOW_DILIGENCE_RATER_INTERCEPT_MULTIPLIER = 10;
export const LOW_DILIGENCE_REPUTATION_MULTIPLIER = 50;
export const LOW_DILIGENCE_POSITIVE_WEIGHT = 100;
export const LOW_DILIGENCE_THIRD_ROUND_POSITIVE_MULTIPLIER = 5;
export const LOW_DILIGENCE_THIRD_ROUND_NOTE_NORM_EXPONENT = -0.5;
export const LOW_DILIGENCE_REPUTATION_EXPONENT = 0.5;
export const LOW_DILIGENCE_REPUTATION_ALPHA = 0.1;

/**
 * §5.1 step 6 / §7.4: harassment/abuse tag consensus. A note whose tag-model intercept reaches
 * 2.0 costs every rater who rated it HELPFUL 10·intercept/2.0 agreeing ratings.
 */
export const HARASSMENT_INTERCEPT_THRESHOLD = 2.0;
export const HARASSMENT_PENALTY_MULTIPLIER = 10;

// §8.6 topic models (`mf_topic_scorer.py`, `ApplyTopicModelResult`).
/** A confident topic note that is CRH or NYH goes to NMR below this topic-model intercept… */
export const TOPIC_NMR_INTERCEPT_THRESHOLD = 0.24;
/** …or above this absolute topic-model factor. */
export const TOPIC_NMR_FACTOR_THRESHOLD = 0.51;
/** Confident: more than this many ratings from raters on each side of the topic model's axis. */
export const TOPIC_CONFIDENCE_RATINGS = 4;
