import type { ExcludedRaters, FinalScoringResult } from './final-scoring';
import type { GaussianScores } from './gaussian-scorer';
import { highVolumeRaters } from './high-volume-raters';
import { metaScore } from './meta-scoring';
import type { FitOptions } from './matrix-factorization';
import { finalScoringRatings, type PostSelectionSimilarity } from './post-selection-similarity';
import type { PrescoringResult } from './prescoring';
import { countRatingsPerNote } from './rating-filters';
import { withRatings, type ScoringInput } from './scoring-input';
import {
  modelSteps,
  type ModelRunOptions,
  type ModelRuns,
  type NoteSafeguards,
  type NoteStatuses,
  type ScorerStatuses,
} from './scorer-models';
import { stabiliseStatuses, type StableStatuses, type ModelDecision } from './status-stability';
import type { TopicAssignment, TopicSeed } from './topics';
import { scoreOpinionGroups, type OpinionGroupResult } from '../small-community/opinion-groups';
import {
  chooseRegime,
  smallCommunityDecision,
  smallCommunityStatuses,
  type RegimeChoice,
  type RegimeName,
} from '../small-community/regime';
import { runStepsHere, type ScoringSteps } from '../parallel/scoring-tasks';

export interface ScoringOptions {
  /** Seeds the first round's initial factors; the same seed and input give identical output. */
  readonly seed?: number;
  /**
   * Seeds N(0, 1) starting values for the low-diligence model's note factors and note and rater
   * intercepts, as the reference's torch embeddings start (other draws than its own, which
   * cannot be reproduced). Unset, the default, they start at 0: the centre of those draws, and
   * closest to the reference on average. For measuring how much the reference's random start
   * alone moves statuses (`score:agreement --init-noise`), never for production.
   */
  readonly lowDiligenceInitSeed?: number;
  /**
   * Starts the low-diligence model's note factors and note and rater intercepts at the very
   * draws the reference's torch embeddings get after `torch.manual_seed(lowDiligenceTorchSeed)`
   * (its `--seed`), replayed (`TorchGenerator`, `fitLowDiligence`). They line up with the
   * reference's only when its Core final round has exactly our raters and notes: one rater more
   * or less shifts every draw. Unset, the default, they start at 0. For comparing with a run of
   * the reference (`score:agreement --torch-seed`), not for production.
   */
  readonly lowDiligenceTorchSeed?: number;
  readonly fit?: FitOptions;
  /**
   * The run's time. With it, stabilisation (§10.2) and locking (§10.3) apply and the result
   * carries the updated status history; without it `finalStatus` is the status a note settles
   * to. The library never reads the clock itself.
   */
  readonly nowMs?: number;
  /**
   * Which model decides: `auto` (the default) chooses from the data (`chooseRegime`); `core` or
   * `small-community` force one, for the study and for tests.
   */
  readonly regime?: 'auto' | RegimeName;
  /** §8.6: the topics and their seed terms (the community's setting); the reference's by default. */
  readonly topicSeeds?: readonly TopicSeed[];
  /**
   * Called as each stage finishes, with its name, so the benchmark can time the stages (a task
   * run in a worker thread reports as one stage when its batch finishes).
   */
  readonly onStepDone?: (step: string) => void;
}

export const DEFAULT_SEED = 42;

export {
  applyStatusRules,
  noteSafeguards,
  type ModelScores,
  type NoteSafeguards,
  type NoteStatuses,
} from './scorer-models';

/** §3 steps 4 and 6: what preprocessing found about raters. */
export interface RaterSafeguards {
  /** 1 per high-volume participant (§3 step 4). */
  readonly highVolume: Uint8Array;
  /** Post-selection-similarity clique per participant, −1 for none (§7.7). */
  readonly pssClique: Int32Array;
  /** 1 per participant in both a quasi-clique (§7.8) and a PSS clique: rule 16's "correlated". */
  readonly correlated: Uint8Array;
  /** Ratings dropped by the PSS effects of §3 step 6. */
  readonly pssDroppedRatings: number;
  /** Suspicious pairs found by writer–rater affinity (§7.7 a) and by co-rating (§7.7 b). */
  readonly pssAffinityPairs: number;
  readonly pssCoRatingPairs: number;
}

export interface ScoringResult extends NoteStatuses, StableStatuses {
  /** The input as given. */
  readonly input: ScoringInput;
  /**
   * The input after §3 step 6 removed ratings: what prescoring saw (final scoring saw
   * `scorers.finalInput`).
   */
  readonly scoredInput: ScoringInput;
  readonly raters: RaterSafeguards;
  readonly safeguards: NoteSafeguards | undefined;
  /** All ratings per note in final scoring's ratings, the `numRatings` of the ≥ 5 rules. */
  readonly numRatings: Int32Array;
  readonly prescoring: PrescoringResult;
  readonly final: FinalScoringResult;
  /** §8.9: the Gaussian scorer's scores and statuses (its factor is Core's final factor). */
  readonly gaussian: GaussianScores & ScorerStatuses;
  /**
   * Every scorer's figures and statuses (§8); `prescoring`, `final`, `safeguards` and the
   * status columns above are Core's, which leaves topic notes unscored (`scorers.core.scored`).
   */
  readonly scorers: ModelRuns;
  /**
   * The status the models settle on and the model that decided it: §9 rules 1–7 (ExpansionPlus,
   * Expansion, CoreWithTopics, Core, then the Gaussian coverage models) in the Core regime;
   * `SmallCommunityModel` for every note in the small-community one.
   */
  readonly models: ModelDecision;
  /** The regime that decided the statuses, and what the switch read. */
  readonly regime: RegimeChoice;
  /** The opinion groups and their per-note tallies, when the small-community regime decided. */
  readonly groups: OpinionGroupResult | undefined;
}

/** Runs the whole pipeline in this thread: §5 for every scorer of §8, meta-scoring (§9) and stability (§10). */
export function scoreNotes(input: ScoringInput, options: ScoringOptions = {}): ScoringResult {
  return runStepsHere(scoringSteps(input, options), options.onStepDone);
}

/** Every scorer of §8 on an input, in this thread (`scoreNotes` without the rest). */
export function runModels(
  input: ScoringInput,
  numRatings: Int32Array,
  excluded: ExcludedRaters,
  options: ModelRunOptions,
): ModelRuns {
  return runStepsHere(modelSteps(input, numRatings, excluded, options), options.onStepDone);
}

/**
 * The pipeline as steps (see `ScoringSteps`): the rater safeguards, the scorers' fits, the
 * Gaussian scorers, then meta-scoring and stability here. `scoreNotes` runs them in this thread,
 * `scoreNotesInThreads` spreads each batch over worker threads, with byte-identical results.
 */
export function* scoringSteps(
  input: ScoringInput,
  options: ScoringOptions = {},
): ScoringSteps<ScoringResult> {
  // Quasi-cliques read the input before PSS removes ratings, so they are found beside it: the
  // two take about as long, and the scorers' fits then fill both threads on their own. Topics
  // read only the notes' text: their classifier (seconds on a large community of long texts)
  // starts first, and the other thread takes both safeguards meanwhile (tasks go to threads in
  // the batch's order).
  const [topics, pss, quasiClique] = (yield {
    name: 'topic assignment, post-selection similarity, quasi-cliques',
    tasks: [
      { kind: 'topic-assignment', label: 'topic assignment', input, seeds: options.topicSeeds },
      { kind: 'post-selection-similarity', label: 'post-selection similarity', input },
      { kind: 'quasi-cliques', label: 'quasi-cliques', input },
    ],
  }) as readonly [TopicAssignment, PostSelectionSimilarity, Uint8Array];
  const highVolume = highVolumeRaters(input);
  const scoredInput =
    pss.keptRatings.length < input.ratingNote.length ? withRatings(input, pss.keptRatings) : input;
  const numRatings = countRatingsPerNote(scoredInput);
  const finalRatings = finalScoringRatings(input, pss.clique, quasiClique);
  // Without both-clique raters nothing is thinned: the full input, which is prescoring's when
  // PSS dropped nothing either (no copy, no recount).
  const finalInput =
    finalRatings.keptRatings.length < input.ratingNote.length
      ? withRatings(input, finalRatings.keptRatings)
      : input;
  const scorers = yield* modelSteps(
    scoredInput,
    numRatings,
    { highVolume, correlated: finalRatings.correlated, finalInput },
    {
      seed: options.seed ?? DEFAULT_SEED,
      lowDiligenceInitSeed: options.lowDiligenceInitSeed,
      lowDiligenceTorchSeed: options.lowDiligenceTorchSeed,
      fit: options.fit,
      topics,
      onStepDone: options.onStepDone,
    },
  );
  const { core } = scorers;
  // Issue 20, the one point where the regime is chosen and applied. In a small community the
  // opinion-group regime decides every note in place of the whole meta-scoring step: every
  // scorer of §8 reads a factor axis the switch judged too thin to trust, so their verdicts are
  // kept for the explanation only. Stabilisation then treats both alike.
  // CoreWithTopics fits every prescoring rating: its first round saw the §4.5 filters' ratings.
  const regime = chooseRegimeFor(
    scoredInput,
    scorers.coreWithTopics.prescoring.firstRoundSummary.ratings,
    options.regime,
  );
  const groups =
    regime.regime === 'small-community'
      ? scoreOpinionGroups(scoredInput, options.seed ?? DEFAULT_SEED)
      : undefined;
  const statuses: NoteStatuses = groups
    ? smallCommunityStatuses(groups)
    : { status: core.status, decidedBy: core.decidedBy, activeRules: core.activeRules };
  const models = groups ? smallCommunityDecision(statuses.status) : metaScore(scorers);
  options.onStepDone?.('regime and meta-scoring');
  // The explanation-tag requirement reads the ratings final scoring kept, as the reference's does.
  const stable = stabiliseStatuses(scorers.finalInput, statuses.status, options.nowMs, models);
  options.onStepDone?.('stabilisation, locking, explanation tags');
  return {
    input,
    scoredInput,
    raters: {
      highVolume,
      pssClique: pss.clique,
      correlated: finalRatings.correlated,
      pssDroppedRatings: input.ratingNote.length - pss.keptRatings.length,
      pssAffinityPairs: pss.affinityPairs,
      pssCoRatingPairs: pss.coRatingPairs,
    },
    safeguards: core.safeguards,
    numRatings: scorers.finalNumRatings,
    prescoring: core.prescoring,
    final: core.final,
    gaussian: scorers.gaussian,
    scorers,
    models,
    regime,
    groups,
    ...statuses,
    ...stable,
  };
}

function chooseRegimeFor(
  input: ScoringInput,
  trainingRatings: number,
  requested: ScoringOptions['regime'],
): RegimeChoice {
  const choice = chooseRegime(input, trainingRatings);
  return requested === undefined || requested === 'auto'
    ? choice
    : { ...choice, regime: requested };
}

/** Index of an id in the input's sorted id list, or −1 (binary search, code-unit order). */
export function indexOfId(sortedIds: readonly string[], id: string): number {
  let low = 0;
  let high = sortedIds.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const candidate = sortedIds[mid];
    if (candidate === id) return mid;
    if (candidate < id) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
