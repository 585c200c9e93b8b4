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
export type { ModelDecision, StableStatuses } from './lib/status-stability';
export {
  GAUSSIAN_HELPFUL_PARAMS,
  GAUSSIAN_MIRRORED_POINTS,
  GAUSSIAN_NOT_HELPFUL_PARAMS,
  GAUSSIAN_POINTS,
  gaussianScores,
  type GaussianParams,
  type GaussianScores,
} from './lib/gaussian-scorer';
export { metaScore } from './lib/meta-scoring';
export { CORE_RULES, GAUSSIAN_RULES, type ScorerRules } from './lib/status-rules';
export {
  FACTOR_HISTOGRAM_BINS,
  FACTOR_HISTOGRAM_RANGE,
  factorHistogram,
  runFactorHistogram,
  type FactorHistogram,
} from './lib/factor-histogram';
export type { IncorrectCounts } from './lib/incorrect-filter';
export {
  applyStatusRules,
  DEFAULT_SEED,
  indexOfId,
  noteSafeguards,
  runModels,
  scoreNotes,
  type NoteSafeguards,
  type RaterSafeguards,
  type NoteStatuses,
  type ScoringOptions,
  type ScoringResult,
} from './lib/scorer';
export {
  scoreNotesInThreads,
  scoringThreads,
  type ThreadedScoringOptions,
} from './parallel/threaded-scoring';
export {
  assignTopics,
  canonicalTopicSeeds,
  DEFAULT_TOPIC_SEEDS,
  isValidSeedTerm,
  MAX_TERM_LENGTH,
  MAX_TERMS_PER_TOPIC,
  MAX_TOPICS,
  parseTopicSeeds,
  TOPIC_NAME_PATTERN,
  type TopicAssignment,
  type TopicSeed,
} from './lib/topics';
export { type ModelRuns, type ScorerStatuses } from './lib/scorer-models';
export {
  explainNote,
  explainRater,
  type NoteExplanation,
  type RaterExplanation,
} from './lib/note-explanation';
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
  orderedId,
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
  helpfulRatingsNeeded,
  MAX_RATINGS_NEEDED,
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
  compareTsvFiles,
  formatComparison,
  keysDiffer,
  TsvReadError,
  type ColumnComparison,
  type TsvComparison,
} from './tsv/compare-tsv';
export {
  AUX_NOTE_COLUMNS,
  HELPFULNESS_COLUMNS,
  SCORED_NOTE_COLUMNS,
  writeAuxNoteInfo,
  writeHelpfulnessScores,
  writeScoredNotes,
  writeStatusHistory,
} from './tsv/tsv-output';
export {
  computeStandings,
  COMMUNITY_NOTES_EARN_IN_IMPACT,
  emptyStanding,
  WRITING_LOCK_NOT_HELPFUL,
  WRITING_LOCK_RECENT_NOTES,
  writingRefusal,
  type PseudonymStanding,
  type WritingRefusal,
} from './standing/pseudonym-standing';
export {
  decodeFrozenRaters,
  encodeFrozenRaters,
  storedFrozenRaters,
  freezeRaters,
  type FrozenRaters,
} from './incremental/frozen-raters';
export { scoreWithFrozenRaters } from './incremental/frozen-scoring';
export { notesSubset } from './incremental/note-subset';
