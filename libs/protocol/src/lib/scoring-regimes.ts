/**
 * The models that can decide a scoring run's statuses (docs/architecture.md, "Scoring
 * regimes"), as the API answers them and the clients read them: libs/scoring's `RegimeName`,
 * which libs/protocol may not import; the API holds the two to one union at compile time
 * (apps/api/src/app/scoring-runs/dto/scoring-regime.ts).
 */
export const SCORING_REGIMES = ['core', 'small-community'] as const;

/** The model that decided a scoring run's statuses. */
export type ScoringRegime = (typeof SCORING_REGIMES)[number];
