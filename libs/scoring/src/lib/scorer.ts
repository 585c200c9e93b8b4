import { finalScore, type FinalScoringResult } from './final-scoring';
import type { FitOptions } from './matrix-factorization';
import {
  activeRuleNames,
  NOTE_STATUS_NAMES,
  NoteStatus,
  publicStatus,
  RULE_NAMES,
  RuleId,
} from './note-status';
import { prescore, type PrescoringResult } from './prescoring';
import { countRatingsPerNote } from './rating-filters';
import type { ScoringInput } from './scoring-input';
import { sideCountsOf, type SideTally } from './side-counts';
import { finalStatus } from './status-rules';

export interface ScoringOptions {
  /** Seeds the first round's initial factors; the same seed and input give identical output. */
  readonly seed?: number;
  readonly fit?: FitOptions;
}

export const DEFAULT_SEED = 42;

/** The Core scorer's verdict per note (§5.3), as typed-array columns indexed like the input. */
export interface NoteStatuses {
  /** A `NoteStatus` per note, FIRM_REJECT included (the reference's `coreRatingStatus`). */
  readonly status: Uint8Array;
  /** The `RuleId` that set the status. */
  readonly decidedBy: Uint8Array;
  /** Bit `1 << RuleId` for every rule whose condition held. */
  readonly activeRules: Uint16Array;
}

export interface ScoringResult extends NoteStatuses {
  readonly input: ScoringInput;
  /** All ratings per note, the `numRatings` of the ≥ 5 rules. */
  readonly numRatings: Int32Array;
  readonly prescoring: PrescoringResult;
  readonly final: FinalScoringResult;
}

/** Runs the whole pipeline of §5: prescoring, final scoring and the status rules. */
export function scoreNotes(input: ScoringInput, options: ScoringOptions = {}): ScoringResult {
  const numRatings = countRatingsPerNote(input);
  const prescoring = prescore(input, numRatings, {
    seed: options.seed ?? DEFAULT_SEED,
    fit: options.fit,
  });
  const final = finalScore(input, numRatings, prescoring);
  return { input, numRatings, prescoring, final, ...applyStatusRules(input, numRatings, final) };
}

/** §5.3 for every note. */
export function applyStatusRules(
  input: ScoringInput,
  numRatings: Int32Array,
  final: FinalScoringResult,
): NoteStatuses {
  const noteCount = input.noteIds.length;
  const status = new Uint8Array(noteCount);
  const decidedBy = new Uint8Array(noteCount);
  const activeRules = new Uint16Array(noteCount);
  for (let n = 0; n < noteCount; n++) {
    const outcome = finalStatus(
      {
        numRatings: numRatings[n],
        misleading: input.noteMisleading[n] === 1,
        intercept: final.intercept[n],
        factor: final.factor[n],
        interceptMax: final.interceptMax[n],
        previouslyHelpful: input.notePreviouslyHelpful[n] === 1,
      },
      sideCountsOf(final.sides, n),
    );
    status[n] = outcome.status;
    decidedBy[n] = outcome.decidedBy;
    activeRules[n] = outcome.activeRules;
  }
  return { status, decidedBy, activeRules };
}

/** Numbers an API or widget can show to explain a note's status; null where not computed. */
export interface NoteExplanation {
  readonly noteId: string;
  /** The status to show (FIRM_REJECT shown as NEEDS_MORE_RATINGS). */
  readonly status: string;
  /** The Core scorer's internal status, FIRM_REJECT included. */
  readonly coreStatus: string;
  /** The rule that decided the status, and every rule whose condition held. */
  readonly decidedBy: string;
  readonly activeRules: readonly string[];
  readonly intercept: number | null;
  readonly factor: number | null;
  /** Pseudo-rater bounds of the intercept (§6). */
  readonly interceptMin: number | null;
  readonly interceptMax: number | null;
  readonly firstRoundIntercept: number | null;
  readonly firstRoundFactor: number | null;
  /** All ratings of the note, and those from helpful raters the final fit used. */
  readonly numRatings: number;
  readonly finalRoundRatings: number;
  /** Final-fit ratings by viewpoint side: raters with negative and with non-negative factors. */
  readonly negativeFactorRaters: SideTally;
  readonly positiveFactorRaters: SideTally;
  readonly netMinHelpful: number;
  readonly netMinHelpfulRatio: number;
}

export interface RaterExplanation {
  readonly participantId: string;
  /** Final-round parameters; null when the rater was not in the final round. */
  readonly intercept: number | null;
  readonly factor: number | null;
  readonly firstRoundIntercept: number | null;
  readonly firstRoundFactor: number | null;
  readonly validRatings: number;
  readonly agreeingRatings: number;
  readonly agreeRatio: number | null;
  readonly crhCrnhRatioDifference: number | null;
  readonly meanNoteScore: number | null;
  readonly aboveHelpfulnessThreshold: boolean;
}

function orNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export function explainNote(result: ScoringResult, note: number): NoteExplanation {
  const { final, prescoring } = result;
  const sides = sideCountsOf(final.sides, note);
  const status = result.status[note] as NoteStatus;
  return {
    noteId: result.input.noteIds[note],
    status: NOTE_STATUS_NAMES[publicStatus(status)],
    coreStatus: NOTE_STATUS_NAMES[status],
    decidedBy: RULE_NAMES[result.decidedBy[note] as RuleId],
    activeRules: activeRuleNames(result.activeRules[note]),
    intercept: orNull(final.intercept[note]),
    factor: orNull(final.factor[note]),
    interceptMin: orNull(final.interceptMin[note]),
    interceptMax: orNull(final.interceptMax[note]),
    firstRoundIntercept: orNull(prescoring.firstRound.noteIntercept[note]),
    firstRoundFactor: orNull(prescoring.firstRound.noteFactor[note]),
    numRatings: result.numRatings[note],
    finalRoundRatings: final.finalRatings[note],
    negativeFactorRaters: sides.negative,
    positiveFactorRaters: sides.positive,
    netMinHelpful: sides.netMinHelpful,
    netMinHelpfulRatio: sides.netMinHelpfulRatio,
  };
}

export function explainRater(result: ScoringResult, participant: number): RaterExplanation {
  const { finalRound, firstRound, helpfulness } = result.prescoring;
  return {
    participantId: result.input.participantIds[participant],
    intercept: orNull(finalRound.raterIntercept[participant]),
    factor: orNull(finalRound.raterFactor[participant]),
    firstRoundIntercept: orNull(firstRound.raterIntercept[participant]),
    firstRoundFactor: orNull(firstRound.raterFactor[participant]),
    validRatings: helpfulness.validRatings[participant],
    agreeingRatings: helpfulness.agreeingRatings[participant],
    agreeRatio: orNull(helpfulness.agreeRatio[participant]),
    crhCrnhRatioDifference: orNull(helpfulness.crhCrnhRatioDifference[participant]),
    meanNoteScore: orNull(helpfulness.meanNoteScore[participant]),
    aboveHelpfulnessThreshold: helpfulness.aboveHelpfulnessThreshold[participant] === 1,
  };
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
