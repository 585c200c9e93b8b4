// The bridging scorer: Community Notes' Core model (matrix factorisation, two-round prescoring,
// final scoring with pseudo-raters, status rules) in plain TypeScript, free of any framework.
export * from './lib/constants';
export {
  HelpfulnessLevel,
  helpfulnessValue,
  ScoringInputBuilder,
  type NoteAttributes,
  type ScoringInput,
} from './lib/scoring-input';
export {
  activeRuleNames,
  META_RULE_NAMES,
  MetaRule,
  NOTE_STATUS_NAMES,
  NoteStatus,
  parseStatus,
  publicStatus,
  RULE_NAMES,
  RuleId,
} from './lib/note-status';
export { RatingTag, TAG_NAMES, tagMask } from './lib/rating-tags';
export {
  canonicalStatusHistory,
  emptyStatusHistory,
  STATUS_HISTORY_FIELDS,
  statusHistoryFromJson,
  statusHistoryToJson,
  type NoteStatusHistory,
  type StatusHistoryJson,
} from './lib/status-history';
export type { StableStatuses } from './lib/status-stability';
export type { IncorrectCounts } from './lib/incorrect-filter';
export {
  applyStatusRules,
  DEFAULT_SEED,
  explainNote,
  explainRater,
  findSuspiciousRaters,
  indexOfId,
  noteSafeguards,
  scoreNotes,
  type NoteExplanation,
  type NoteSafeguards,
  type RaterSafeguards,
  type NoteStatuses,
  type RaterExplanation,
  type ScoringOptions,
  type ScoringResult,
} from './lib/scorer';
export {
  prescore,
  type PrescoringOptions,
  type PrescoringResult,
  type PrescoringStep,
  type RoundSummary,
} from './lib/prescoring';
export { finalScore, type ExcludedRaters, type FinalScoringResult } from './lib/final-scoring';
export type { RaterHelpfulness } from './lib/rater-helpfulness';
export type { SideCounts, SideTally } from './lib/side-counts';
export type { FitOptions, MfParameters } from './lib/matrix-factorization';
export {
  generateSyntheticCommunity,
  RaterKind,
  syntheticScoringInput,
  type SyntheticOptions,
  type SyntheticSink,
  type SyntheticTruth,
} from './synthetic/synthetic-data';
export {
  CORE_MIN_ESTABLISHED_RATERS,
  CORE_MIN_KEPT_SHARE,
  chooseRegime,
  REGIME_NAMES,
  type RegimeChoice,
  type RegimeName,
} from './small-community/regime';
export {
  OPINION_GROUP_PARAMETERS,
  scoreOpinionGroups,
  type OpinionGroupParameters,
  type OpinionGroupResult,
} from './small-community/opinion-groups';
export type { MissingRatings, SideRatings } from './small-community/missing-ratings';
export {
  generateSmallCommunity,
  smallCommunityInput,
  type SmallCommunity,
  type SmallCommunityOptions,
} from './synthetic/small-community-synthetic';
export {
  ALGORITHM_VERSION,
  postKeyOf,
  ratingTagMask,
  ratingTagOf,
  RunInputBuilder,
  SHOWN_STATUSES,
  startingStatusHistory,
  shownStatus,
  type RatingHelpfulness,
  type RunInput,
  type RunNote,
  type RunPost,
  type RunRating,
  type ShownStatus,
} from './run/run-input';
export {
  ENROLLMENT_COLUMNS,
  NOTE_COLUMNS,
  RATING_COLUMNS,
  STATUS_HISTORY_COLUMNS,
} from './tsv/tsv-schema';
export { readCommunityNotes, type CommunityNotesData } from './tsv/community-notes-reader';
export {
  compareTsv,
  formatComparison,
  type ColumnComparison,
  type TsvComparison,
} from './tsv/compare-tsv';
export {
  HELPFULNESS_COLUMNS,
  SCORED_NOTE_COLUMNS,
  writeHelpfulnessScores,
  writeScoredNotes,
  writeStatusHistory,
} from './tsv/tsv-output';
