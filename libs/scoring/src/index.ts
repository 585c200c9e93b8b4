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
  NOTE_STATUS_NAMES,
  NoteStatus,
  publicStatus,
  RULE_NAMES,
  RuleId,
} from './lib/note-status';
export {
  applyStatusRules,
  DEFAULT_SEED,
  explainNote,
  explainRater,
  indexOfId,
  scoreNotes,
  type NoteExplanation,
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
export { finalScore, type FinalScoringResult } from './lib/final-scoring';
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
  ALGORITHM_VERSION,
  RunInputBuilder,
  SHOWN_STATUSES,
  shownStatus,
  type RatingHelpfulness,
  type RunInput,
  type RunNote,
  type RunRating,
  type ShownStatus,
} from './run/run-input';
export { NOTE_COLUMNS, RATING_COLUMNS, STATUS_HISTORY_COLUMNS } from './tsv/tsv-schema';
export { readCommunityNotes, type CommunityNotesData } from './tsv/community-notes-reader';
export { writeHelpfulnessScores, writeScoredNotes } from './tsv/tsv-output';
