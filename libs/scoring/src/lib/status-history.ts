/**
 * §2.3: one row of the reference's note status history, the scorer's state between runs. It is
 * both an input (CRH inertia, the valid-rating window, stabilisation, locking) and an output.
 * Field names and meaning follow the reference column for column; timestamps are epoch
 * milliseconds, NaN when absent; statuses are the reference's names, '' when absent.
 */
export interface NoteStatusHistory {
  noteId: string;
  noteAuthorParticipantId: string;
  createdAtMillis: number;
  timestampMillisOfFirstNonNMRStatus: number;
  firstNonNMRStatus: string;
  timestampMillisOfCurrentStatus: number;
  currentStatus: string;
  timestampMillisOfLatestNonNMRStatus: number;
  mostRecentNonNMRStatus: string;
  timestampMillisOfStatusLock: number;
  lockedStatus: string;
  timestampMillisOfRetroLock: number;
  currentCoreStatus: string;
  currentExpansionStatus: string;
  currentGroupStatus: string;
  currentDecidedBy: string;
  currentModelingGroup: number;
  timestampMillisOfMostRecentStatusChange: number;
  timestampMillisOfNmrDueToMinStableCrhTime: number;
  currentMultiGroupStatus: string;
  currentModelingMultiGroup: number;
  timestampMinuteOfFinalScoringOutput: number;
  timestampMillisOfFirstNmrDueToMinStableCrhTime: number;
  abovePcrhThresholdTime: number;
}

/** A history row for a note never scored before (§2.3: "rows with only id, author, time"). */
export function emptyStatusHistory(
  noteId: string,
  author: string,
  createdAtMillis: number,
): NoteStatusHistory {
  return {
    noteId,
    noteAuthorParticipantId: author,
    createdAtMillis,
    timestampMillisOfFirstNonNMRStatus: NaN,
    firstNonNMRStatus: '',
    timestampMillisOfCurrentStatus: NaN,
    currentStatus: '',
    timestampMillisOfLatestNonNMRStatus: NaN,
    mostRecentNonNMRStatus: '',
    timestampMillisOfStatusLock: NaN,
    lockedStatus: '',
    timestampMillisOfRetroLock: NaN,
    currentCoreStatus: '',
    currentExpansionStatus: '',
    currentGroupStatus: '',
    currentDecidedBy: '',
    currentModelingGroup: NaN,
    timestampMillisOfMostRecentStatusChange: NaN,
    timestampMillisOfNmrDueToMinStableCrhTime: NaN,
    currentMultiGroupStatus: '',
    currentModelingMultiGroup: NaN,
    timestampMinuteOfFinalScoringOutput: NaN,
    timestampMillisOfFirstNmrDueToMinStableCrhTime: NaN,
    abovePcrhThresholdTime: NaN,
  };
}
