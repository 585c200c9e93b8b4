import {
  META_RULE_NAMES,
  MetaRule,
  NOTE_STATUS_NAMES,
  NoteStatus,
  activeRuleNames,
} from '../lib/note-status';
import { TAG_NAMES } from '../lib/rating-tags';
import type { ScoringResult } from '../lib/scorer';
import type { ScorerStatuses } from '../lib/scorer-models';
import type { NoteStatusHistory } from '../lib/status-history';
import { CORE_CAPTURE_THRESHOLD, STATUS_HISTORY_COLUMNS } from './tsv-schema';
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
  'firstTag',
  'secondTag',
  'coreNoteInterceptNoHighVol',
  'coreNoteInterceptNoCorrelated',
  'activeFilterTags',
  'timestampMillisOfNmrDueToMinStableCrhTime',
  'gaussianNoteIntercept',
  'gaussianNoteFactor1',
  'gaussianRatingStatus',
  'gaussianActiveRules',
  'gaussianNoteInterceptNoHighVol',
  'gaussianNoteInterceptNoCorrelated',
  'coreWithTopicsNoteIntercept',
  'coreWithTopicsNoteFactor1',
  'coreWithTopicsRatingStatus',
  'coreWithTopicsActiveRules',
  'coreWithTopicsNoteInterceptMin',
  'coreWithTopicsNoteInterceptMax',
  'expansionNoteIntercept',
  'expansionNoteFactor1',
  'expansionRatingStatus',
  'expansionActiveRules',
  'expansionPlusNoteIntercept',
  'expansionPlusNoteFactor1',
  'expansionPlusRatingStatus',
  'expansionPlusActiveRules',
  'gaussianCoreWithTopicsNoteIntercept',
  'gaussianCoreWithTopicsNoteFactor1',
  'gaussianCoreWithTopicsRatingStatus',
  'gaussianCoreWithTopicsActiveRules',
  'topicNoteIntercept',
  'topicNoteFactor1',
  'topicNoteConfident',
  'topicNumFinalRoundRatings',
  'noteTopic',
] as const;

/**
 * A meta rule's name in `decidedBy`; a topic model's veto is numbered by its topic as the
 * reference's are (TopicModel01 for the first topic, …).
 */
export function metaRuleName(rule: number, topic: number): string {
  return rule === MetaRule.TopicModel
    ? `TopicModel${String(topic + 1).padStart(2, '0')}`
    : META_RULE_NAMES[rule as MetaRule];
}

/** Columns of `aux_note_info.tsv` this library computes (§12). */
export const AUX_NOTE_COLUMNS = [
  'noteId',
  'lowDiligenceIntercept',
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
 * Writes one row per note, every implemented scorer's columns (§8) and the meta-scoring's
 * outcome (§9): a note whose share of Core-slice ratings is below the capture threshold (§8.1)
 * gets empty scorer columns and NEEDS_MORE_RATINGS; a topic note (§8.6) empty Core and Gaussian
 * columns, as the reference leaves them. Without a run time (`--epoch-millis`) stabilisation is skipped, so
 * `finalRatingStatus` is the status the note settles to, with NEEDS_YOUR_HELP shown as
 * NEEDS_MORE_RATINGS (§16.9); with one it is the reference's `finalRatingStatus`.
 */
export function writeScoredNotes(
  path: string,
  result: ScoringResult,
  classification: readonly string[],
  coreShare: Float64Array,
  timed: boolean,
): void {
  const writer = new TsvFileWriter(path, SCORED_NOTE_COLUMNS);
  const { input, final, scorers } = result;
  const { coreWithTopics: cwt, gaussianCoreWithTopics: gcwt } = scorers;
  const nmr = NOTE_STATUS_NAMES[NoteStatus.NeedsMoreRatings];
  const tagName = (tag: number): string => (tag >= 0 ? TAG_NAMES[tag] : '');
  for (let n = 0; n < input.noteIds.length; n++) {
    // The reference's Core leaves unrated notes out (coreShare NaN), as well as notes mostly rated
    // by raters outside its slice.
    const captured = coreShare[n] >= CORE_CAPTURE_THRESHOLD;
    const core = captured && scorers.core.scored[n] === 1;
    const status = result.status[n] as NoteStatus;
    const shown = result.finalStatus[n] as NoteStatus;
    const settled =
      !timed && shown === NoteStatus.NeedsYourHelp ? NoteStatus.NeedsMoreRatings : shown;
    const history = result.history?.[n];
    const topic = scorers.topics.noteTopic[n];
    const topicModel = scorers.topicModels?.scored[n] === 1 ? scorers.topicModels : undefined;
    /** A scorer's intercept, factor, status and rules where it reports the note, else empty. */
    const columns = (
      reported: boolean,
      intercept: Float64Array,
      factor: Float64Array,
      scorer: ScorerStatuses,
    ): string[] =>
      reported && scorer.scored[n] === 1
        ? [
            formatNumber(intercept[n]),
            formatNumber(factor[n]),
            NOTE_STATUS_NAMES[scorer.status[n] as NoteStatus],
            activeRuleNames(scorer.activeRules[n]).join(','),
          ]
        : ['', '', '', ''];
    writer.row([
      input.noteIds[n],
      captured ? NOTE_STATUS_NAMES[settled] : nmr,
      core ? formatNumber(final.intercept[n]) : '',
      core ? formatNumber(final.factor[n]) : '',
      core ? activeRuleNames(result.activeRules[n]).join(',') : '',
      classification[n],
      String(input.noteCreatedAtMs[n]),
      core ? NOTE_STATUS_NAMES[status] : '',
      // ExpansionPlus reports every note (no capture threshold), so it decides the others.
      metaRuleName(captured ? result.metaDecidedBy[n] : MetaRule.ExpansionPlusModel, topic),
      core ? formatNumber(final.interceptMin[n]) : '',
      core ? formatNumber(final.interceptMax[n]) : '',
      String(result.numRatings[n]),
      captured ? NOTE_STATUS_NAMES[result.preStabilizationStatus[n] as NoteStatus] : nmr,
      captured && shown === settled ? tagName(result.firstTag[n]) : '',
      captured && shown === settled ? tagName(result.secondTag[n]) : '',
      core ? formatNumber(final.interceptNoHighVol[n]) : '',
      core ? formatNumber(final.interceptNoCorrelated[n]) : '',
      captured ? tagName(result.safeguards?.tagOutlier[n] ?? -1) : '',
      history ? formatTimestamp(history.timestampMillisOfNmrDueToMinStableCrhTime) : '',
      core ? formatNumber(result.gaussian.intercept[n]) : '',
      core ? formatNumber(final.factor[n]) : '',
      core ? NOTE_STATUS_NAMES[result.gaussian.status[n] as NoteStatus] : '',
      core ? activeRuleNames(result.gaussian.activeRules[n]).join(',') : '',
      core ? formatNumber(result.gaussian.interceptNoHighVol[n]) : '',
      core ? formatNumber(result.gaussian.interceptNoCorrelated[n]) : '',
      ...columns(captured, cwt.final.intercept, cwt.final.factor, cwt),
      captured ? formatNumber(cwt.final.interceptMin[n]) : '',
      captured ? formatNumber(cwt.final.interceptMax[n]) : '',
      ...columns(captured, cwt.final.intercept, cwt.final.factor, scorers.expansion),
      // ExpansionPlus has no capture threshold (§8.4): it reports every note.
      ...columns(true, cwt.final.intercept, cwt.final.factor, scorers.expansionPlus),
      ...columns(captured, gcwt.intercept, cwt.final.factor, gcwt),
      // The topic models' columns, as the reference's: only where a topic's model scored the note.
      ...(topicModel
        ? [
            formatNumber(topicModel.intercept[n]),
            formatNumber(topicModel.factor[n]),
            topicModel.confident[n] === 1 ? 'True' : 'False',
            String(topicModel.finalRatings[n]),
            scorers.topics.topics[topic],
          ]
        : ['', '', '', '', '']),
    ]);
  }
  writer.close();
}

/** Writes `aux_note_info.tsv`'s columns this library computes, one row per note. */
export function writeAuxNoteInfo(
  path: string,
  result: ScoringResult,
  coreShare: Float64Array,
): void {
  const writer = new TsvFileWriter(path, AUX_NOTE_COLUMNS);
  for (let n = 0; n < result.input.noteIds.length; n++) {
    // The reference's Core leaves unrated notes out (coreShare NaN), as well as notes mostly rated
    // by raters outside its slice.
    const captured = coreShare[n] >= CORE_CAPTURE_THRESHOLD;
    writer.row([
      result.input.noteIds[n],
      captured ? formatNumber(result.safeguards?.lowDiligenceIntercept[n] ?? NaN) : '',
      NOTE_STATUS_NAMES[
        (captured ? result.preStabilizationStatus[n] : NoteStatus.NeedsMoreRatings) as NoteStatus
      ],
    ]);
  }
  writer.close();
}

function formatTimestamp(value: number): string {
  return Number.isNaN(value) ? '-1' : String(value);
}

/** Writes `note_status_history.tsv` (§2.3), the state to pass as `--status` next run. */
export function writeStatusHistory(path: string, history: readonly NoteStatusHistory[]): void {
  const writer = new TsvFileWriter(path, STATUS_HISTORY_COLUMNS);
  for (const row of history) {
    writer.row(
      STATUS_HISTORY_COLUMNS.map((column) => {
        const value = row[column];
        return typeof value === 'number' ? formatTimestamp(value) : value;
      }),
    );
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
