import { NOTE_COLUMNS, RATING_COLUMNS, STATUS_HISTORY_COLUMNS } from '@bridgenotes/scoring';

import type { NoteRecord, RatingRecord, StatusChangeRecord } from './export-format';

/**
 * Bridgenotes data as Community Notes' public TSV files (notes, ratings, note status history),
 * so that the reference scorer and the tools built for X's data read it unchanged. Pseudonyms
 * stand for participant ids; a post's canonical URL (or `platform:externalId`) for the tweet id.
 */

type Row = Record<string, string | number>;

const line = (columns: readonly string[], row: Row): string =>
  `${columns.map((column) => row[column] ?? '').join('\t')}\n`;

/** TSV has no quoting: tabs and line breaks inside a field become spaces, as in X's files. */
const cell = (text: string): string => text.replace(/[\t\r\n]+/g, ' ');

export const tsvHeader = (columns: readonly string[]): string => `${columns.join('\t')}\n`;
export const NOTES_TSV_HEADER = tsvHeader(NOTE_COLUMNS);
export const RATINGS_TSV_HEADER = tsvHeader(RATING_COLUMNS);
export const STATUS_HISTORY_TSV_HEADER = tsvHeader(STATUS_HISTORY_COLUMNS);

export function postIdOf(post: NoteRecord['post']): string {
  return cell(post.canonicalUrl ?? `${post.platform}:${post.externalId}`);
}

const REASON_COLUMNS: Record<string, Record<string, string>> = {
  MISINFORMED_OR_POTENTIALLY_MISLEADING: {
    OTHER: 'misleadingOther',
    FACTUAL_ERROR: 'misleadingFactualError',
    MANIPULATED_MEDIA: 'misleadingManipulatedMedia',
    OUTDATED_INFORMATION: 'misleadingOutdatedInformation',
    MISSING_IMPORTANT_CONTEXT: 'misleadingMissingImportantContext',
    UNVERIFIED_CLAIM_AS_FACT: 'misleadingUnverifiedClaimAsFact',
    SATIRE: 'misleadingSatire',
  },
  NOT_MISLEADING: {
    OTHER: 'notMisleadingOther',
    FACTUALLY_CORRECT: 'notMisleadingFactuallyCorrect',
    OUTDATED_BUT_NOT_WHEN_WRITTEN: 'notMisleadingOutdatedButNotWhenWritten',
    CLEARLY_SATIRE: 'notMisleadingClearlySatire',
    PERSONAL_OPINION: 'notMisleadingPersonalOpinion',
  },
};

export function noteTsvLine(note: NoteRecord): string {
  const row: Row = {
    noteId: note.id,
    noteAuthorParticipantId: note.authorPseudonym,
    createdAtMillis: Date.parse(note.createdAt),
    tweetId: postIdOf(note.post),
    classification: note.classification,
    trustworthySources: note.sources.length > 0 ? 1 : 0,
    summary: cell(note.text),
    isMediaNote: 0,
    isCollaborativeNote: 0,
  };
  for (const column of Object.values(REASON_COLUMNS[note.classification] ?? {})) row[column] = 0;
  for (const reason of note.reasons) {
    const column = REASON_COLUMNS[note.classification]?.[reason];
    if (column) row[column] = 1;
  }
  return line(NOTE_COLUMNS, row);
}

const HELPFUL_TAG_COLUMNS: Record<string, string> = {
  OTHER: 'helpfulOther',
  INFORMATIVE: 'helpfulInformative',
  CLEAR: 'helpfulClear',
  EMPATHETIC: 'helpfulEmpathetic',
  GOOD_SOURCES: 'helpfulGoodSources',
  UNIQUE_CONTEXT: 'helpfulUniqueContext',
  ADDRESSES_CLAIM: 'helpfulAddressesClaim',
  IMPORTANT_CONTEXT: 'helpfulImportantContext',
  UNBIASED_LANGUAGE: 'helpfulUnbiasedLanguage',
};

const NOT_HELPFUL_TAG_COLUMNS: Record<string, string> = {
  OTHER: 'notHelpfulOther',
  INCORRECT: 'notHelpfulIncorrect',
  SOURCES_MISSING_OR_UNRELIABLE: 'notHelpfulSourcesMissingOrUnreliable',
  OPINION_SPECULATION: 'notHelpfulOpinionSpeculation',
  MISSING_KEY_POINTS: 'notHelpfulMissingKeyPoints',
  OUTDATED: 'notHelpfulOutdated',
  HARD_TO_UNDERSTAND: 'notHelpfulHardToUnderstand',
  ARGUMENTATIVE_OR_BIASED: 'notHelpfulArgumentativeOrBiased',
  OFF_TOPIC: 'notHelpfulOffTopic',
  SPAM_HARASSMENT_OR_ABUSE: 'notHelpfulSpamHarassmentOrAbuse',
  IRRELEVANT_SOURCES: 'notHelpfulIrrelevantSources',
  NOTE_NOT_NEEDED: 'notHelpfulNoteNotNeeded',
};

export function ratingTsvLine(rating: RatingRecord, postId: string): string {
  const row: Row = {
    noteId: rating.noteId,
    raterParticipantId: rating.raterPseudonym,
    createdAtMillis: rating.clientMinute * 60_000,
    version: 2,
    agree: 0,
    disagree: 0,
    helpfulnessLevel: rating.helpfulness,
    ratedOnTweetId: postId,
    ratingSourceBucketed: 'DEFAULT',
  };
  for (const column of [
    ...Object.values(HELPFUL_TAG_COLUMNS),
    ...Object.values(NOT_HELPFUL_TAG_COLUMNS),
  ]) {
    row[column] = 0;
  }
  // OTHER exists on both sides; a NOT_HELPFUL rating's is the not-helpful one.
  const first =
    rating.helpfulness === 'NOT_HELPFUL' ? NOT_HELPFUL_TAG_COLUMNS : HELPFUL_TAG_COLUMNS;
  for (const tag of rating.tags) {
    const column = first[tag] ?? HELPFUL_TAG_COLUMNS[tag] ?? NOT_HELPFUL_TAG_COLUMNS[tag];
    if (column) row[column] = 1;
  }
  return line(RATING_COLUMNS, row);
}

const NMR = 'NEEDS_MORE_RATINGS';

/** One note's row of `noteStatusHistory`, from its status changes in time order. */
export function statusHistoryTsvLine(
  note: Pick<NoteRecord, 'id' | 'authorPseudonym' | 'createdAt'> & { status: string },
  changes: readonly Pick<StatusChangeRecord, 'next' | 'changedAt'>[],
): string {
  const created = Date.parse(note.createdAt);
  const nonNmr = changes.filter((change) => change.next !== NMR);
  const first = nonNmr[0];
  const latest = nonNmr[nonNmr.length - 1];
  const last = changes[changes.length - 1];
  const at = (change?: { changedAt: string }) => (change ? Date.parse(change.changedAt) : -1);
  return line(STATUS_HISTORY_COLUMNS, {
    noteId: note.id,
    noteAuthorParticipantId: note.authorPseudonym,
    createdAtMillis: created,
    timestampMillisOfFirstNonNMRStatus: at(first),
    firstNonNMRStatus: first?.next ?? '',
    timestampMillisOfCurrentStatus: last ? at(last) : created,
    currentStatus: note.status,
    timestampMillisOfLatestNonNMRStatus: at(latest),
    mostRecentNonNMRStatus: latest?.next ?? '',
    timestampMillisOfStatusLock: -1,
    lockedStatus: '',
    timestampMillisOfRetroLock: -1,
    currentCoreStatus: note.status,
    currentDecidedBy: 'CoreModel',
    timestampMillisOfMostRecentStatusChange: at(last),
  });
}
