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

/** The 24 fields of a history row in the reference's column order (§2.3). */
export const STATUS_HISTORY_FIELDS = [
  'noteId',
  'noteAuthorParticipantId',
  'createdAtMillis',
  'timestampMillisOfFirstNonNMRStatus',
  'firstNonNMRStatus',
  'timestampMillisOfCurrentStatus',
  'currentStatus',
  'timestampMillisOfLatestNonNMRStatus',
  'mostRecentNonNMRStatus',
  'timestampMillisOfStatusLock',
  'lockedStatus',
  'timestampMillisOfRetroLock',
  'currentCoreStatus',
  'currentExpansionStatus',
  'currentGroupStatus',
  'currentDecidedBy',
  'currentModelingGroup',
  'timestampMillisOfMostRecentStatusChange',
  'timestampMillisOfNmrDueToMinStableCrhTime',
  'currentMultiGroupStatus',
  'currentModelingMultiGroup',
  'timestampMinuteOfFinalScoringOutput',
  'timestampMillisOfFirstNmrDueToMinStableCrhTime',
  'abovePcrhThresholdTime',
] as const satisfies readonly (keyof NoteStatusHistory)[];

/** A history row as JSON (stored, exported): absent numbers are null instead of NaN. */
export type StatusHistoryJson = {
  [K in keyof NoteStatusHistory]: NoteStatusHistory[K] extends number ? number | null : string;
};

const NUMERIC_FIELDS = new Set(
  STATUS_HISTORY_FIELDS.filter((field) => typeof emptyStatusHistory('', '', 0)[field] === 'number'),
);

export function statusHistoryToJson(row: NoteStatusHistory): StatusHistoryJson {
  const json: Record<string, string | number | null> = {};
  for (const field of STATUS_HISTORY_FIELDS) {
    const value = row[field];
    json[field] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return json as StatusHistoryJson;
}

/**
 * A history row from JSON that may come from anywhere (the database, an export): missing or
 * malformed numbers read as absent (NaN), missing or malformed text as ''. Undefined when the
 * value is not an object at all.
 */
export function statusHistoryFromJson(value: unknown): NoteStatusHistory | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const source = value as Record<string, unknown>;
  const row: Record<string, string | number> = {};
  for (const field of STATUS_HISTORY_FIELDS) {
    const cell = source[field];
    row[field] = NUMERIC_FIELDS.has(field)
      ? typeof cell === 'number' && Number.isFinite(cell)
        ? cell
        : NaN
      : typeof cell === 'string'
        ? cell
        : '';
  }
  return row as unknown as NoteStatusHistory;
}

/**
 * One line that stands for a history row whatever the order of its JSON keys (PostgreSQL's jsonb
 * does not keep them): the 24 values in column order, as a JSON array.
 */
export function canonicalStatusHistory(row: NoteStatusHistory): string {
  const json = statusHistoryToJson(row);
  return JSON.stringify(STATUS_HISTORY_FIELDS.map((field) => json[field]));
}
