import type { ExcludedRaters, FinalScoringResult } from '../lib/final-scoring';
import { gaussianScores, type GaussianScores } from '../lib/gaussian-scorer';
import type { FitOptions } from '../lib/matrix-factorization';
import {
  postSelectionSimilarity,
  type PostSelectionSimilarity,
} from '../lib/post-selection-similarity';
import { quasiCliqueMembers } from '../lib/quasi-cliques';
import { prescore, type PrescoringResult } from '../lib/prescoring';
import { noteSafeguards, type NoteSafeguards } from '../lib/scorer-models';
import type { ScoringInput } from '../lib/scoring-input';

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
      readonly kind: 'prescoring';
      readonly label: string;
      /** The scorer's name, which prefixes its step names. */
      readonly name: string;
      readonly input: ScoringInput;
      readonly numRatings: Int32Array;
      readonly seed: number;
      readonly fit: FitOptions | undefined;
    }
  | {
      readonly kind: 'note-safeguards';
      readonly label: string;
      readonly input: ScoringInput;
      readonly prescoring: PrescoringResult;
      readonly final: FinalScoringResult;
    }
  | {
      readonly kind: 'gaussian';
      readonly label: string;
      readonly input: ScoringInput;
      readonly selection: Int32Array;
      readonly raterFactor: Float64Array;
      readonly excluded: ExcludedRaters;
    };

/** What each kind of task returns. */
export interface ScoringTaskResults {
  'post-selection-similarity': PostSelectionSimilarity;
  'quasi-cliques': Uint8Array;
  prescoring: PrescoringResult;
  'note-safeguards': NoteSafeguards | undefined;
  gaussian: GaussianScores;
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
    case 'prescoring':
      return prescore(task.input, task.numRatings, {
        seed: task.seed,
        fit: task.fit,
        onStepDone: (step) => onStepDone?.(`${task.name} prescoring: ${step}`),
      });
    case 'note-safeguards':
      return noteSafeguards(task.input, task.prescoring, task.final);
    case 'gaussian':
      return gaussianScores(task.input, task.selection, task.raterFactor, task.excluded);
  }
}

/** Drives `steps` in this thread, one task after the other (prescoring reports its own steps). */
export function runStepsHere<T>(steps: ScoringSteps<T>, onStepDone?: (step: string) => void): T {
  let next = steps.next([]);
  while (!next.done) {
    const results = next.value.tasks.map((task) => {
      const result = runScoringTask(task, onStepDone);
      if (task.kind !== 'prescoring') onStepDone?.(task.label);
      return result;
    });
    next = steps.next(results);
  }
  return next.value;
}
