import {
  ENROLLMENT_COLUMNS,
  NOTE_COLUMNS,
  RATING_COLUMNS,
  ratingTagOf,
  STATUS_HISTORY_COLUMNS,
  TAG_NAMES,
  type NoteStatusHistory,
} from '@bridgenotes/scoring';

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
export const ENROLLMENT_TSV_HEADER = tsvHeader(ENROLLMENT_COLUMNS);

/**
 * One participant's `userEnrollment` row. Bridgenotes has no enrollment levels: every member
 * counts, so every participant is earned in and in modeling group 13, the Core population the
 * reference's stable initialisation needs (its §4.4); the reference then scores them all.
 */
export function enrollmentTsvLine(participantId: string): string {
  return line(ENROLLMENT_COLUMNS, {
    participantId,
    enrollmentState: 'earnedIn',
    successfulRatingNeededToEarnIn: 5,
    timestampOfLastStateChange: 0,
    timestampOfLastEarnOut: 1,
    modelingPopulation: 'CORE',
    modelingGroup: 13,
    numberOfTimesEarnedOut: 0,
  });
}

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
  for (const column of TAG_NAMES) row[column] = 0;
  for (const tag of rating.tags) {
    const scorerTag = ratingTagOf(rating.helpfulness, tag);
    if (scorerTag !== undefined) row[TAG_NAMES[scorerTag] as string] = 1;
  }
  return line(RATING_COLUMNS, row);
}

const NMR = 'NEEDS_MORE_RATINGS';

/** A stored history row, the scorer's state between runs, as a `noteStatusHistory` line. */
export function storedStatusHistoryTsvLine(history: NoteStatusHistory): string {
  const row: Row = {};
  for (const column of STATUS_HISTORY_COLUMNS) {
    const value = history[column];
    // The reference writes absent times as −1.
    row[column] = typeof value === 'number' ? (Number.isFinite(value) ? value : -1) : cell(value);
  }
  return line(STATUS_HISTORY_COLUMNS, row);
}

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
