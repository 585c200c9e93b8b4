import type { ExcludedRaters, FinalScoringResult } from './final-scoring';
import type { GaussianScores } from './gaussian-scorer';
import { incorrectCounts, isIncorrectOutlier, type IncorrectCounts } from './incorrect-filter';
import { lowDiligenceIntercepts } from './low-diligence';
import type { FitOptions } from './matrix-factorization';
import type { PrescoringResult } from './prescoring';
import { countRatingsPerNote, ratingsKept } from './rating-filters';
import { withRatings, type ScoringInput } from './scoring-input';
import { sideCountsOf } from './side-counts';
import {
  CORE_RULES,
  CORE_WITH_TOPICS_RULES,
  EXPANSION_PLUS_RULES,
  EXPANSION_RULES,
  GAUSSIAN_RULES,
  finalStatus,
  type ScorerRules,
} from './status-rules';
import { tagOutlier, weightedTags } from './tag-filter';
import type { ScorerFit, ScoringSteps, ScoringTask, StatusRules } from '../parallel/scoring-tasks';
import type { TopicModelScores } from './topic-models';
import { assignTopics, type TopicAssignment, type TopicSeed } from './topics';

/** The Core scorer's verdict per note (§5.3), as typed-array columns indexed like the input. */
export interface NoteStatuses {
  /** A `NoteStatus` per note, FIRM_REJECT included (the reference's `coreRatingStatus`). */
  readonly status: Uint8Array;
  /** The `RuleId` that set the status. */
  readonly decidedBy: Uint8Array;
  /** Bit `1 << RuleId` for every rule whose condition held. */
  readonly activeRules: Uint32Array;
}

/** Per-note outputs of the tag-based safeguards; absent when the input has no tags. */
export interface NoteSafeguards {
  /** §7.1: the outlier `RatingTag` that triggered the tag filter, −1 for none. */
  readonly tagOutlier: Int8Array;
  readonly incorrect: IncorrectCounts;
  /** §7.3: the low-diligence model's note intercept (rule 10 above 0.263), NaN if unscored. */
  readonly lowDiligenceIntercept: Float64Array;
}

/** §7.1, §7.2 and §7.3 on the final fit; undefined when the input carries no tags. */
export function noteSafeguards(
  input: ScoringInput,
  prescoring: PrescoringResult,
  final: FinalScoringResult,
): NoteSafeguards | undefined {
  if (!input.tagsKnown) return undefined;
  const raterFactor = prescoring.finalRound.raterFactor;
  const tags = weightedTags(input, final.selection, final.factor, raterFactor);
  const tagOutlierColumn = new Int8Array(input.noteIds.length);
  for (let n = 0; n < tagOutlierColumn.length; n++) {
    tagOutlierColumn[n] = tagOutlier(tags, prescoring.tagThresholds, n);
  }
  return {
    tagOutlier: tagOutlierColumn,
    incorrect: incorrectCounts(
      input,
      final.selection,
      final.factor,
      raterFactor,
      prescoring.incorrectPropensity,
    ),
    lowDiligenceIntercept: prescoring.lowDiligence
      ? lowDiligenceIntercepts(input, final.selection, prescoring.lowDiligence)
      : new Float64Array(input.noteIds.length).fill(NaN),
  };
}

/** The per-note figures a scorer's rules read; Core's come from final scoring. */
export interface ModelScores {
  readonly intercept: Float64Array;
  readonly factor: Float64Array;
  /** Pseudo-rater upper bound (§6); undefined for scorers without pseudo-raters. */
  readonly interceptMax: Float64Array | undefined;
  readonly interceptNoHighVol: Float64Array;
  readonly interceptNoCorrelated: Float64Array;
}

/** §5.3 for every note, with a scorer's rules and scores (Core's by default). */
export function applyStatusRules(
  input: ScoringInput,
  numRatings: Int32Array,
  final: Pick<FinalScoringResult, 'sides'> & ModelScores,
  safeguards?: NoteSafeguards,
  model: { rules: ScorerRules; scores: ModelScores } = { rules: CORE_RULES, scores: final },
): NoteStatuses {
  const { rules, scores } = model;
  const noteCount = input.noteIds.length;
  const status = new Uint8Array(noteCount);
  const decidedBy = new Uint8Array(noteCount);
  const activeRules = new Uint32Array(noteCount);
  for (let n = 0; n < noteCount; n++) {
    const outcome = finalStatus(
      {
        numRatings: numRatings[n],
        misleading: input.noteMisleading[n] === 1,
        intercept: scores.intercept[n],
        factor: scores.factor[n],
        interceptMax: scores.interceptMax ? scores.interceptMax[n] : NaN,
        previouslyHelpful: input.notePreviouslyHelpful[n] === 1,
        tagOutlier: safeguards !== undefined && safeguards.tagOutlier[n] >= 0,
        incorrectOutlier: safeguards !== undefined && isIncorrectOutlier(safeguards.incorrect, n),
        lowDiligenceIntercept: safeguards?.lowDiligenceIntercept[n],
        interceptNoHighVol: scores.interceptNoHighVol[n],
        interceptNoCorrelated: scores.interceptNoCorrelated[n],
      },
      sideCountsOf(final.sides, n),
      rules,
    );
    status[n] = outcome.status;
    decidedBy[n] = outcome.decidedBy;
    activeRules[n] = outcome.activeRules;
  }
  return { status, decidedBy, activeRules };
}

/** One matrix-factorisation scorer's pass of §5 over its slice of the ratings. */
export interface MfRun {
  /** The scorer's slice; `final.selection` indexes its ratings. */
  readonly input: ScoringInput;
  readonly prescoring: PrescoringResult;
  readonly final: FinalScoringResult;
  readonly safeguards: NoteSafeguards | undefined;
}

/** A scorer's statuses, and which notes it scored (the reference leaves the others empty). */
export interface ScorerStatuses extends NoteStatuses {
  /** 1 where the scorer scored the note; its status stands in meta-scoring only there. */
  readonly scored: Uint8Array;
}

/**
 * Every scorer of §8 that changes a status when all raters share one modeling group, each with
 * the reference's settings:
 * - Core: notes without a topic (§8.6), pseudo-raters, firm reject, net-helpful minima;
 * - CoreWithTopics: every note, pseudo-raters, no firm reject (the reference's output on
 *   cn-small never shows one);
 * - Expansion: every note, no pseudo-raters, firm reject; ExpansionPlus: every note, unrated
 *   ones included, no pseudo-raters, no firm reject;
 * - Gaussian (Core's notes) and GaussianCoreWithTopics (every note), both on Core's rater
 *   factors (§8.9).
 * CoreWithTopics, Expansion and ExpansionPlus see the same ratings when every rater is in one
 * modeling group (Bridgenotes has no modeling groups), so they share one prescoring and final
 * scoring and differ only in their rules; Core is fitted again without the topic notes' ratings
 * only when some note has a topic, otherwise it is that same fit.
 */
export interface ModelRuns {
  readonly topics: TopicAssignment;
  /** The raters the baseline passes left out (§5.2 a, b). */
  readonly excluded: ExcludedRaters;
  /** The ratings final scoring fitted (see `RaterExclusions`) and their count per note. */
  readonly finalInput: ScoringInput;
  readonly finalNumRatings: Int32Array;
  readonly core: MfRun & ScorerStatuses;
  readonly coreWithTopics: MfRun & ScorerStatuses;
  readonly expansion: ScorerStatuses;
  readonly expansionPlus: ScorerStatuses;
  readonly gaussian: GaussianScores & ScorerStatuses;
  readonly gaussianCoreWithTopics: GaussianScores & ScorerStatuses;
  /** §8.6: the topic models, when some note has a topic. */
  readonly topicModels?: TopicModelScores;
}

export interface ModelRunOptions {
  readonly seed: number;
  /** `ScoringOptions.lowDiligenceInitSeed`. */
  readonly lowDiligenceInitSeed?: number;
  /** `ScoringOptions.lowDiligenceTorchSeed`. */
  readonly lowDiligenceTorchSeed?: number;
  readonly fit?: FitOptions;
  /** §8.6: the notes' topics, when already assigned; otherwise assigned here from `topicSeeds`. */
  readonly topics?: TopicAssignment;
  readonly topicSeeds?: readonly TopicSeed[];
  /** Called as each step finishes (with the scorer's name), so the benchmark can time them. */
  readonly onStepDone?: (step: string) => void;
}

/**
 * The raters the baseline passes leave out (§5.2 a, b) and, when they differ from prescoring's,
 * the ratings final scoring fits: the reference applies §3 step 6 again to the full ratings with
 * the cliques of raters in both a PSS clique and a quasi-clique (`finalScoringRatings`).
 */
export interface RaterExclusions extends ExcludedRaters {
  readonly finalInput?: ScoringInput;
}

/**
 * The steps of `ModelRuns` in two batches of independent tasks: each MF scorer's fit (prescoring,
 * final scoring, tag-based safeguards and the status rules of the scorers it decides), then the
 * Gaussian scorers with their rules, which read Core's fit, beside the topic models when some
 * note has a topic. Only the assembly runs in the calling
 * thread. The batches run here (`runModels`) or over worker threads (`scoreNotesInThreads`);
 * either way the results come back in the batch's order.
 */
export function* modelSteps(
  input: ScoringInput,
  numRatings: Int32Array,
  exclusions: RaterExclusions,
  options: ModelRunOptions,
): ScoringSteps<ModelRuns> {
  const step = (name: string): void => options.onStepDone?.(name);
  let topics = options.topics;
  if (!topics) {
    topics = assignTopics(input, options.topicSeeds);
    step('topic assignment');
  }
  const noteCount = input.noteIds.length;
  const rated = Uint8Array.from(numRatings, (count) => (count > 0 ? 1 : 0));
  const excluded: ExcludedRaters = {
    highVolume: exclusions.highVolume,
    correlated: exclusions.correlated,
  };
  let coreInput = input;
  let coreNumRatings = numRatings;
  const coreScored = rated.slice();
  const withoutTopic = Uint8Array.from(topics.noteTopic, (topic) => (topic < 0 ? 1 : 0));
  if (topics.topicNotes > 0) {
    for (let n = 0; n < noteCount; n++) if (topics.noteTopic[n] >= 0) coreScored[n] = 0;
    coreInput = withRatings(input, ratingsKept(input, withoutTopic, undefined));
    coreNumRatings = countRatingsPerNote(coreInput);
  }
  // §5.2: final scoring fits its own ratings (see `RaterExclusions`) with the prescoring
  // parameters; when nothing thins them differently, it fits the prescoring ratings.
  const finalInput = exclusions.finalInput ?? input;
  const finalNumRatings = finalInput === input ? numRatings : countRatingsPerNote(finalInput);
  let coreFinalInput = coreInput;
  let coreFinalNumRatings = coreNumRatings;
  if (finalInput !== input) {
    coreFinalInput =
      topics.topicNotes > 0
        ? withRatings(finalInput, ratingsKept(finalInput, withoutTopic, undefined))
        : finalInput;
    coreFinalNumRatings =
      coreFinalInput === finalInput ? finalNumRatings : countRatingsPerNote(coreFinalInput);
  }
  // Each scorer's prescoring, final scoring and safeguards read only that scorer's ratings
  // and fit, so they run as one task per scorer, side by side.
  const fitTask = (
    name: string,
    slice: ScoringInput,
    counts: Int32Array,
    finalSlice: ScoringInput,
    finalCounts: Int32Array,
    statusRules: StatusRules[],
  ): ScoringTask => ({
    kind: 'scorer-fit',
    label: `${name} prescoring, final scoring and filters`,
    name,
    input: slice,
    numRatings: counts,
    finalInput: finalSlice,
    finalNumRatings: finalCounts,
    excluded,
    seed: options.seed,
    lowDiligenceInitSeed: options.lowDiligenceInitSeed,
    lowDiligenceTorchSeed: options.lowDiligenceTorchSeed,
    fit: options.fit,
    statusRules,
  });
  // Each scorer's status rules run in the task of the fit they read: CoreWithTopics' fit also
  // decides Expansion and ExpansionPlus, and Core too when no note has a topic.
  const separate = topics.topicNotes > 0;
  const coreRules: StatusRules = { rules: CORE_RULES, pseudoRaters: true };
  const withTopicsRules: StatusRules[] = [
    { rules: CORE_WITH_TOPICS_RULES, pseudoRaters: true },
    { rules: EXPANSION_RULES, pseudoRaters: false },
    { rules: EXPANSION_PLUS_RULES, pseudoRaters: false },
  ];
  const fitTasks: ScoringTask[] = [];
  if (separate) {
    fitTasks.push(
      fitTask('Core', coreInput, coreNumRatings, coreFinalInput, coreFinalNumRatings, [coreRules]),
    );
  } else {
    withTopicsRules.push(coreRules);
  }
  fitTasks.push(
    fitTask('CoreWithTopics', input, numRatings, finalInput, finalNumRatings, withTopicsRules),
  );
  const fits = (yield {
    name: 'prescoring, final scoring and filters of each scorer',
    tasks: fitTasks,
  }) as ScorerFit[];
  const { statuses: withTopicsStatuses, ...withTopicsFit } = fits[fits.length - 1];
  const { statuses: coreFitStatuses, ...coreFit } = fits[0];
  const withTopics: MfRun = { input: finalInput, ...withTopicsFit };
  const core: MfRun = separate ? { input: coreFinalInput, ...coreFit } : withTopics;
  const coreStatuses = separate ? coreFitStatuses[0] : withTopicsStatuses[3];

  // §8.9: both Gaussian scorers read Core's prescoring rater factors; their rules read the final
  // fit of the MF scorer each rides on.
  const raterFactor = core.prescoring.finalRound.raterFactor;
  const gaussianTask = (run: MfRun, name: string, counts: Int32Array): ScoringTask => ({
    kind: 'gaussian',
    label: `${name} scorer (3 passes)`,
    input: run.input,
    selection:
      run === core
        ? run.final.selection
        : ratingsKept(
            run.input,
            undefined,
            Uint8Array.from(raterFactor, (f) => (Number.isNaN(f) ? 0 : 1)),
            run.final.selection,
          ),
    raterFactor,
    excluded,
    rulesInput: {
      rules: GAUSSIAN_RULES,
      numRatings: counts,
      final: { factor: run.final.factor, sides: run.final.sides },
      safeguards: run.safeguards,
    },
  });
  const lastTasks: ScoringTask[] = [gaussianTask(core, 'Gaussian', coreFinalNumRatings)];
  if (separate) {
    lastTasks.push(
      gaussianTask(withTopics, 'GaussianCoreWithTopics', finalNumRatings),
      // Independent of every other scorer's fit, and small (its topics' ratings only).
      {
        kind: 'topic-models',
        label: 'topic models',
        input,
        finalInput,
        noteTopic: topics.noteTopic,
        topicCount: topics.topics.length,
        seed: options.seed,
        fit: options.fit,
      },
    );
  }
  const last = yield {
    name: separate ? 'Gaussian scorers and topic models' : 'Gaussian scorers',
    tasks: lastTasks,
  };
  const gaussians = last.slice(0, separate ? 2 : 1) as (GaussianScores & NoteStatuses)[];
  const topicModels = separate ? (last[2] as TopicModelScores) : undefined;

  const gaussian = { ...gaussians[0], scored: coreScored };
  const runs: ModelRuns = {
    topics,
    excluded,
    finalInput,
    finalNumRatings,
    core: { ...core, ...coreStatuses, scored: coreScored },
    coreWithTopics: { ...withTopics, ...withTopicsStatuses[0], scored: rated },
    expansion: { ...withTopicsStatuses[1], scored: rated },
    expansionPlus: { ...withTopicsStatuses[2], scored: new Uint8Array(noteCount).fill(1) },
    gaussian,
    gaussianCoreWithTopics: separate
      ? { ...gaussians[1], scored: rated }
      : { ...gaussian, scored: rated },
    topicModels,
  };
  return runs;
}
