import { NOTE_STATUS_NAMES, NoteStatus, activeRuleNames, publicStatus } from '../lib/note-status';
import type { ScoringResult } from '../lib/scorer';
import { CORE_CAPTURE_THRESHOLD } from './tsv-schema';
import { TsvFileWriter, formatNumber } from './tsv-file-writer';

/** Columns of `scored_notes.tsv` this library computes, named as in the reference (§12). */
export const SCORED_NOTE_COLUMNS = [
  'noteId',
  'finalRatingStatus',
  'coreNoteIntercept',
  'coreNoteFactor1',
  'coreActiveRules',
  'classification',
  'createdAtMillis',
  'coreRatingStatus',
  'decidedBy',
  'coreNoteInterceptMin',
  'coreNoteInterceptMax',
  'numRatings',
  'preStabilizationRatingStatus',
] as const;

/** Columns of `helpfulness_scores.tsv` this library computes (§12). */
export const HELPFULNESS_COLUMNS = [
  'raterParticipantId',
  'coreRaterIntercept',
  'coreRaterFactor1',
  'coreFirstRoundRaterIntercept',
  'coreFirstRoundRaterFactor1',
  'raterAgreeRatio',
  'aboveHelpfulnessThreshold',
  'crhCrnhRatioDifference',
  'meanNoteScore',
] as const;

/**
 * Writes one row per note. Only the Core model runs here, so the meta-scoring of §9 reduces to
 * "Core decides the notes it scores": a note whose share of Core-slice ratings is below the
 * capture threshold (§8.1) gets empty Core columns and NEEDS_MORE_RATINGS. Stabilisation (§10)
 * is not modelled, so `finalRatingStatus` is the settled status the reference reaches on its
 * second run: FIRM_REJECT and NEEDS_YOUR_HELP are shown as NEEDS_MORE_RATINGS, while
 * `preStabilizationRatingStatus` keeps NEEDS_YOUR_HELP, as the reference's does.
 */
export function writeScoredNotes(
  path: string,
  result: ScoringResult,
  classification: readonly string[],
  coreShare: Float64Array,
): void {
  const writer = new TsvFileWriter(path, SCORED_NOTE_COLUMNS);
  const { input, final } = result;
  const nmr = NOTE_STATUS_NAMES[NoteStatus.NeedsMoreRatings];
  for (let n = 0; n < input.noteIds.length; n++) {
    const captured = !(coreShare[n] < CORE_CAPTURE_THRESHOLD);
    const status = result.status[n] as NoteStatus;
    const shown = publicStatus(status);
    const settled = shown === NoteStatus.NeedsYourHelp ? NoteStatus.NeedsMoreRatings : shown;
    writer.row([
      input.noteIds[n],
      captured ? NOTE_STATUS_NAMES[settled] : nmr,
      captured ? formatNumber(final.intercept[n]) : '',
      captured ? formatNumber(final.factor[n]) : '',
      captured ? activeRuleNames(result.activeRules[n]).join(',') : '',
      classification[n],
      String(input.noteCreatedAtMs[n]),
      captured ? NOTE_STATUS_NAMES[status] : '',
      captured ? 'CoreModel' : 'MetaInitialNMR',
      captured ? formatNumber(final.interceptMin[n]) : '',
      captured ? formatNumber(final.interceptMax[n]) : '',
      String(result.numRatings[n]),
      captured ? NOTE_STATUS_NAMES[shown] : nmr,
    ]);
  }
  writer.close();
}

/** Writes one row per participant with a first-round fit or an authored, scored note. */
export function writeHelpfulnessScores(path: string, result: ScoringResult): void {
  const writer = new TsvFileWriter(path, HELPFULNESS_COLUMNS);
  const { firstRound, finalRound, helpfulness } = result.prescoring;
  for (let u = 0; u < result.input.participantIds.length; u++) {
    const rated = !Number.isNaN(firstRound.raterFactor[u]);
    const authored = !Number.isNaN(helpfulness.meanNoteScore[u]);
    if (!rated && !authored) continue;
    const assessed = helpfulness.validRatings[u] > 0;
    writer.row([
      result.input.participantIds[u],
      formatNumber(finalRound.raterIntercept[u]),
      formatNumber(finalRound.raterFactor[u]),
      formatNumber(firstRound.raterIntercept[u]),
      formatNumber(firstRound.raterFactor[u]),
      formatNumber(helpfulness.agreeRatio[u]),
      // Raters without a valid rating are left out of the threshold, as in the reference.
      assessed ? (helpfulness.aboveHelpfulnessThreshold[u] ? 'True' : 'False') : '',
      formatNumber(helpfulness.crhCrnhRatioDifference[u]),
      formatNumber(helpfulness.meanNoteScore[u]),
    ]);
  }
  writer.close();
}
