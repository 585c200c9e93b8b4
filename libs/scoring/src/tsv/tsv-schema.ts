/**
 * Column layouts of Community Notes' public TSV files (§2 of the reference note), used to write
 * synthetic data in the same format and to name the columns the reader looks for.
 */
import { TAG_NAMES } from '../lib/rating-tags';
import { STATUS_HISTORY_FIELDS } from '../lib/status-history';

export const NOTE_COLUMNS = [
  'noteId',
  'noteAuthorParticipantId',
  'createdAtMillis',
  'tweetId',
  'classification',
  'believable',
  'harmful',
  'validationDifficulty',
  'misleadingOther',
  'misleadingFactualError',
  'misleadingManipulatedMedia',
  'misleadingOutdatedInformation',
  'misleadingMissingImportantContext',
  'misleadingUnverifiedClaimAsFact',
  'misleadingSatire',
  'notMisleadingOther',
  'notMisleadingFactuallyCorrect',
  'notMisleadingOutdatedButNotWhenWritten',
  'notMisleadingClearlySatire',
  'notMisleadingPersonalOpinion',
  'trustworthySources',
  'summary',
  'isMediaNote',
  'isCollaborativeNote',
] as const;

export const RATING_COLUMNS = [
  'noteId',
  'raterParticipantId',
  'createdAtMillis',
  'version',
  'agree',
  'disagree',
  'helpful',
  'notHelpful',
  'helpfulnessLevel',
  // The 22 tag columns, in the scorer's tag order.
  ...TAG_NAMES,
  'ratedOnTweetId',
  'ratingSourceBucketed',
  'suggestion',
  'suggestionId',
] as const;

/** §2.3: the note status history file has exactly the fields of a history row. */
export const STATUS_HISTORY_COLUMNS = STATUS_HISTORY_FIELDS;

export const ENROLLMENT_COLUMNS = [
  'participantId',
  'enrollmentState',
  'successfulRatingNeededToEarnIn',
  'timestampOfLastStateChange',
  'timestampOfLastEarnOut',
  'modelingPopulation',
  'modelingGroup',
  'numberOfTimesEarnedOut',
] as const;

export const MISLEADING = 'MISINFORMED_OR_POTENTIALLY_MISLEADING';
export const NOT_MISLEADING = 'NOT_MISLEADING';

/** §2.4: modeling groups whose raters the Core scorer sees (raters without a group too). */
export const CORE_MODELING_GROUPS: ReadonlySet<number> = new Set([
  1, 2, 3, 6, 8, 9, 10, 11, 13, 14, 19, 21, 25,
]);

/** §8.1: Core scores a note only if at least half of its ratings come from its raters. */
export const CORE_CAPTURE_THRESHOLD = 0.5;

/** §3 step 5: ratings on NOT_MISLEADING notes created before this date are dropped. */
export const NOT_MISLEADING_CUTOFF_MS = Date.UTC(2022, 9, 3);
