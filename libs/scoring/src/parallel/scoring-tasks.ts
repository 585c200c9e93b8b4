import { finalScore, type ExcludedRaters, type FinalScoringResult } from '../lib/final-scoring';
import { gaussianScores, type GaussianScores } from '../lib/gaussian-scorer';
import type { FitOptions } from '../lib/matrix-factorization';
import {
  postSelectionSimilarity,
  type PostSelectionSimilarity,
} from '../lib/post-selection-similarity';
import { quasiCliqueMembers } from '../lib/quasi-cliques';
import { prescore, type PrescoringResult } from '../lib/prescoring';
import {
  applyStatusRules,
  noteSafeguards,
  type NoteSafeguards,
  type NoteStatuses,
} from '../lib/scorer-models';
import type { ScorerRules } from '../lib/status-rules';
import type { ScoringInput } from '../lib/scoring-input';
import { topicModelScores, type TopicModelScores } from '../lib/topic-models';
import { assignTopics, type TopicAssignment, type TopicSeed } from '../lib/topics';

/**
 * The independent pieces of a scoring run: pure functions of their arguments, so a piece gives
 * the same bytes in this thread or in a worker thread (structured clone copies typed arrays bit
 * for bit). Each carries a label for the benchmark's stage table.
 */
export type ScoringTask =
  | {
      readonly kind: 'post-selection-similarity';
      readonly label: string;
      readonly input: ScoringInput;
    }
  | { readonly kind: 'quasi-cliques'; readonly label: string; readonly input: ScoringInput }
  | {
      /** §8.6 (`assignTopics`): reads only the notes, so it runs beside the rater safeguards. */
      readonly kind: 'topic-assignment';
      readonly label: string;
      readonly input: ScoringInput;
      readonly seeds: readonly TopicSeed[] | undefined;
    }
  | {
      /** One matrix-factorisation scorer from prescoring to its note safeguards (`fitScorer`). */
      readonly kind: 'scorer-fit';
      readonly label: string;
      /** The scorer's name, which prefixes its step names. */
      readonly name: string;
      readonly input: ScoringInput;
      readonly numRatings: Int32Array;
      readonly finalInput: ScoringInput;
      readonly finalNumRatings: Int32Array;
      readonly excluded: ExcludedRaters;
      readonly seed: number;
      readonly lowDiligenceInitSeed: number | undefined;
      readonly lowDiligenceTorchSeed: number | undefined;
      readonly fit: FitOptions | undefined;
      /** The scorers whose §5.3 statuses this fit decides, each with its rules. */
      readonly statusRules: readonly StatusRules[];
    }
  | {
      readonly kind: 'gaussian';
      readonly label: string;
      readonly input: ScoringInput;
      readonly selection: Int32Array;
      readonly raterFactor: Float64Array;
      readonly excluded: ExcludedRaters;
      /** What the Gaussian rules read besides the scores: the MF scorer's fit it rides on. */
      readonly rulesInput: GaussianRulesInput;
    }
  | {
      /** §8.6: every topic's model (`topicModelScores`). */
      readonly kind: 'topic-models';
      readonly label: string;
      readonly input: ScoringInput;
      readonly finalInput: ScoringInput;
      readonly noteTopic: Int16Array;
      readonly topicCount: number;
      readonly seed: number;
      readonly fit: FitOptions | undefined;
    };

/** A scorer's rules, and whether its scores carry the pseudo-rater bound (rule 4). */
export interface StatusRules {
  readonly rules: ScorerRules;
  readonly pseudoRaters: boolean;
}

/** The Gaussian scorer's rules read the final fit's factor and side counts and its safeguards. */
export interface GaussianRulesInput {
  readonly rules: ScorerRules;
  readonly numRatings: Int32Array;
  readonly final: Pick<FinalScoringResult, 'factor' | 'sides'>;
  readonly safeguards: NoteSafeguards | undefined;
}

/** What each kind of task returns. */
export interface ScoringTaskResults {
  'post-selection-similarity': PostSelectionSimilarity;
  'quasi-cliques': Uint8Array;
  'topic-assignment': TopicAssignment;
  'scorer-fit': ScorerFit;
  gaussian: GaussianScores & NoteStatuses;
  'topic-models': TopicModelScores;
}

/** Tasks that do not depend on each other, under a name for the benchmark's stage table. */
export interface ScoringBatch {
  readonly name: string;
  readonly tasks: readonly ScoringTask[];
}

/**
 * The steps of a pipeline: it yields batches and receives each batch's results in the order of
 * its tasks, whichever thread ran them and whenever they finished, so the output never depends
 * on the number of threads.
 */
export type ScoringSteps<T> = Generator<ScoringBatch, T, readonly unknown[]>;

/** Runs one task here; `onStepDone` hears the steps inside a fit (the benchmark's laps). */
export function runScoringTask(
  task: ScoringTask,
  onStepDone?: (step: string) => void,
): ScoringTaskResults[ScoringTask['kind']] {
  switch (task.kind) {
    case 'post-selection-similarity':
      return postSelectionSimilarity(task.input);
    case 'quasi-cliques':
      return quasiCliqueMembers(task.input);
    case 'topic-assignment':
      return assignTopics(task.input, task.seeds);
    case 'scorer-fit':
      return fitScorer(task, onStepDone);
    case 'gaussian':
      return gaussianWithStatuses(task);
    case 'topic-models':
      return topicModelScores(
        task.input,
        task.finalInput,
        task.noteTopic,
        task.topicCount,
        task.seed,
        task.fit,
      );
  }
}

function gaussianWithStatuses(
  task: Extract<ScoringTask, { kind: 'gaussian' }>,
): GaussianScores & NoteStatuses {
  const scores = gaussianScores(task.input, task.selection, task.raterFactor, task.excluded);
  const { rules, numRatings, final, safeguards } = task.rulesInput;
  const ruled = { ...scores, factor: final.factor, interceptMax: undefined };
  const statuses = applyStatusRules(
    task.input,
    numRatings,
    { ...ruled, sides: final.sides },
    safeguards,
    {
      rules,
      scores: ruled,
    },
  );
  return { ...scores, ...statuses };
}

/** Drives `steps` in this thread, one task after the other (a scorer's fit reports its own steps). */
export function runStepsHere<T>(steps: ScoringSteps<T>, onStepDone?: (step: string) => void): T {
  let next = steps.next([]);
  while (!next.done) {
    const results = next.value.tasks.map((task) => runTaskHere(task, onStepDone));
    next = steps.next(results);
  }
  return next.value;
}

/** Runs one task of a batch in this thread and reports it done (a scorer's fit, its own steps). */
export function runTaskHere(task: ScoringTask, onStepDone?: (step: string) => void): unknown {
  const result = runScoringTask(task, onStepDone);
  if (task.kind !== 'scorer-fit') onStepDone?.(task.label);
  return result;
}

/** What a scorer's fit sends back; the caller pairs it with the final-scoring input it sent. */
export interface ScorerFit {
  readonly prescoring: PrescoringResult;
  readonly final: FinalScoringResult;
  readonly safeguards: NoteSafeguards | undefined;
  /** Per entry of the task's `statusRules`, in its order. */
  readonly statuses: readonly NoteStatuses[];
}

/**
 * Prescoring, final scoring, the note safeguards and the status rules of one scorer in one task:
 * each reads only the scorer's own fit, so the second thread works on the other scorer
 * meanwhile instead of waiting for this thread to finish both final scorings in turn.
 */
function fitScorer(
  task: Extract<ScoringTask, { kind: 'scorer-fit' }>,
  onStepDone?: (step: string) => void,
): ScorerFit {
  const prescoring = prescore(task.input, task.numRatings, {
    seed: task.seed,
    lowDiligenceInitSeed: task.lowDiligenceInitSeed,
    lowDiligenceTorchSeed: task.lowDiligenceTorchSeed,
    fit: task.fit,
    onStepDone: (step) => onStepDone?.(`${task.name} prescoring: ${step}`),
  });
  const final = finalScore(task.finalInput, task.finalNumRatings, prescoring, task.excluded);
  onStepDone?.(`${task.name} final scoring + pseudo-raters + baseline passes`);
  const safeguards = noteSafeguards(task.finalInput, prescoring, final);
  onStepDone?.(`${task.name} tag, incorrect and low-diligence filters`);
  // The rules read notes' columns only, which every slice of the input shares.
  const statuses = task.statusRules.map(({ rules, pseudoRaters }) =>
    applyStatusRules(task.finalInput, task.finalNumRatings, final, safeguards, {
      rules,
      scores: pseudoRaters ? final : { ...final, interceptMax: undefined },
    }),
  );
  onStepDone?.(`${task.name} status rules`);
  return { prescoring, final, safeguards, statuses };
}
