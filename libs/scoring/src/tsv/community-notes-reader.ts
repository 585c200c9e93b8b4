import { CLIENT_MINUTE_SLACK_MS } from '../lib/constants';
import { TAG_NAMES } from '../lib/rating-tags';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import type { NoteStatusHistory } from '../lib/status-history';
import { ratingFiles, readTsv } from './tsv-lines';
import {
  CORE_MODELING_GROUPS,
  NOT_MISLEADING,
  NOT_MISLEADING_CUTOFF_MS,
  STATUS_HISTORY_COLUMNS,
} from './tsv-schema';

export interface CommunityNotesPaths {
  readonly notes: string;
  /** One ratings file or a folder of `*.tsv` files. */
  readonly ratings: string;
  readonly status?: string;
  readonly enrollment?: string;
}

export interface CommunityNotesReadOptions {
  /**
   * The files' times are members' own minutes, as in a Bridgenotes export's TSV files, not
   * Community Notes' server times: ratings are compared with decisions as the instance compares
   * them (`CLIENT_MINUTE_SLACK_MS`), and as decided from the start of a stabilisation hold (the
   * instance publishes the pre-stabilisation status, `preStabilizationPublic`), so its runs are
   * recomputed exactly.
   */
  readonly memberMinutes?: boolean;
}

/** The Core scorer's input plus what the output files need per note, in the input's order. */
export interface CommunityNotesData {
  readonly input: ScoringInput;
  /** The notes file's `classification`; '' for deleted notes known only from status history. */
  readonly classification: readonly string[];
  /** Share of the note's ratings made by raters the Core scorer sees (§8.1); NaN if unrated. */
  readonly coreShare: Float64Array;
  /** Rating rows read and kept. */
  readonly ratingRows: number;
  readonly keptRatings: number;
}

/**
 * Reads Community Notes' public files (§2) into a `ScoringInput`, applying the preprocessing of
 * §3 that needs only these files: the helpfulness mapping, removal of ratings on NOT_MISLEADING
 * notes created before 2022-10-03 and on notes absent from both the notes file and the status
 * history, and the Core scorer's slice (§8.1: raters in core modeling groups or in none).
 * Ratings are streamed line by line into the builder's typed arrays.
 */
export async function readCommunityNotes(
  paths: CommunityNotesPaths,
  { memberMinutes = false }: CommunityNotesReadOptions = {},
): Promise<CommunityNotesData> {
  const nonCoreRaters = new Set<string>();
  if (paths.enrollment !== undefined) {
    await readTsv(paths.enrollment, ['participantId', 'modelingGroup'], ([id, group]) => {
      if (group !== '' && !CORE_MODELING_GROUPS.has(Math.trunc(Number(group)))) {
        nonCoreRaters.add(id);
      }
    });
  }

  const history = new Map<string, NoteStatusHistory>();
  if (paths.status !== undefined) {
    await readTsv(paths.status, STATUS_HISTORY_COLUMNS, (fields) => {
      const row = parseStatusHistoryRow(fields);
      history.set(row.noteId, row);
    });
  }

  const builder = new ScoringInputBuilder({
    ratingTimeSlackMs: memberMinutes ? CLIENT_MINUTE_SLACK_MS : 0,
    preStabilizationPublic: memberMinutes,
  });
  const classificationById = new Map<string, string>();
  // §3 step 5, by builder index: NOT_MISLEADING notes from before 2022-10-03 lose their ratings.
  const droppedNotes: boolean[] = [];
  const noteColumns = [
    'noteId',
    'noteAuthorParticipantId',
    'createdAtMillis',
    'classification',
    'tweetId',
    'summary',
  ];
  await readTsv(
    paths.notes,
    noteColumns,
    ([id, author, created, classification, tweetId, text]) => {
      if (builder.noteIndexOf(id) !== undefined) return;
      const previous = history.get(id);
      classificationById.set(id, classification);
      const createdAtMs = Number(created);
      droppedNotes.push(
        classification === NOT_MISLEADING && createdAtMs < NOT_MISLEADING_CUTOFF_MS,
      );
      builder.addNote(id, {
        authorId: author === '' ? undefined : author,
        createdAtMs,
        misleading: classification !== NOT_MISLEADING,
        // The reference leaves notes with tweetId −1 out of post-selection similarity's co-rating.
        postId: tweetId === '' || tweetId === '-1' ? undefined : tweetId,
        history: previous,
        text,
      });
    },
  );
  // §2.3: notes only in the status history are deleted notes; they still count as misleading.
  for (const [id, row] of history) {
    if (builder.noteIndexOf(id) !== undefined) continue;
    classificationById.set(id, '');
    droppedNotes.push(false);
    builder.addNote(id, {
      authorId: row.noteAuthorParticipantId === '' ? undefined : row.noteAuthorParticipantId,
      createdAtMs: row.createdAtMillis,
      misleading: true,
      history: row,
    });
  }

  const allRatings = new Int32Array(builder.noteCount);
  const coreRatings = new Int32Array(builder.noteCount);
  let ratingRows = 0;
  const ratingColumns = [
    'noteId',
    'raterParticipantId',
    'createdAtMillis',
    'helpfulnessLevel',
    'helpful',
    'notHelpful',
    ...TAG_NAMES,
  ];
  for (const file of ratingFiles(paths.ratings)) {
    await readTsv(file, ratingColumns, (fields) => {
      const [noteId, rater, created, level, helpful, notHelpful] = fields;
      ratingRows++;
      const note = builder.noteIndexOf(noteId);
      if (note === undefined || droppedNotes[note]) return;
      const value = helpfulnessLevel(level, helpful, notHelpful);
      if (value === undefined) return;
      allRatings[note]++;
      if (nonCoreRaters.has(rater)) return;
      coreRatings[note]++;
      // Files without tag columns read '' there: tags unknown, not "no tags".
      let tags: number | undefined;
      for (let t = 0; t < TAG_NAMES.length; t++) {
        const cell = fields[6 + t];
        if (cell === '') continue;
        tags = (tags ?? 0) | (cell === '1' ? 1 << t : 0);
      }
      builder.addRating(note, rater, value, Number(created), tags);
    });
  }

  const keptRatings = builder.size;
  const input = builder.build();
  const coreShare = new Float64Array(input.noteIds.length);
  input.noteIds.forEach((id, n) => {
    const note = builder.noteIndexOf(id) ?? -1;
    coreShare[n] = allRatings[note] > 0 ? coreRatings[note] / allRatings[note] : NaN;
  });
  return {
    input,
    classification: input.noteIds.map((id) => classificationById.get(id) ?? ''),
    coreShare,
    ratingRows,
    keptRatings,
  };
}

/**
 * §2.2 `helpfulNum`: `helpfulnessLevel` when present, else the legacy v1 `helpful`/`notHelpful`
 * columns; undefined (row dropped) when neither says anything.
 */
export function helpfulnessLevel(
  level: string,
  helpful: string,
  notHelpful: string,
): HelpfulnessLevel | undefined {
  switch (level) {
    case 'HELPFUL':
      return HelpfulnessLevel.Helpful;
    case 'SOMEWHAT_HELPFUL':
      return HelpfulnessLevel.SomewhatHelpful;
    case 'NOT_HELPFUL':
      return HelpfulnessLevel.NotHelpful;
  }
  if (helpful === '1') return HelpfulnessLevel.Helpful;
  if (notHelpful === '1') return HelpfulnessLevel.NotHelpful;
  return undefined;
}

function timestamp(cell: string): number {
  return cell === '' || Number(cell) < 0 ? NaN : Number(cell);
}

/** One row of `noteStatusHistory` (§2.3) in `STATUS_HISTORY_COLUMNS` order. */
export function parseStatusHistoryRow(fields: readonly string[]): NoteStatusHistory {
  const cell = (name: (typeof STATUS_HISTORY_COLUMNS)[number]): string =>
    fields[STATUS_HISTORY_COLUMNS.indexOf(name)] ?? '';
  const time = (name: (typeof STATUS_HISTORY_COLUMNS)[number]): number => timestamp(cell(name));
  return {
    noteId: cell('noteId'),
    noteAuthorParticipantId: cell('noteAuthorParticipantId'),
    createdAtMillis: Number(cell('createdAtMillis')),
    timestampMillisOfFirstNonNMRStatus: time('timestampMillisOfFirstNonNMRStatus'),
    firstNonNMRStatus: cell('firstNonNMRStatus'),
    timestampMillisOfCurrentStatus: time('timestampMillisOfCurrentStatus'),
    currentStatus: cell('currentStatus'),
    timestampMillisOfLatestNonNMRStatus: time('timestampMillisOfLatestNonNMRStatus'),
    mostRecentNonNMRStatus: cell('mostRecentNonNMRStatus'),
    timestampMillisOfStatusLock: time('timestampMillisOfStatusLock'),
    lockedStatus: cell('lockedStatus'),
    timestampMillisOfRetroLock: time('timestampMillisOfRetroLock'),
    currentCoreStatus: cell('currentCoreStatus'),
    currentExpansionStatus: cell('currentExpansionStatus'),
    currentGroupStatus: cell('currentGroupStatus'),
    currentDecidedBy: cell('currentDecidedBy'),
    currentModelingGroup: timestamp(cell('currentModelingGroup')),
    timestampMillisOfMostRecentStatusChange: time('timestampMillisOfMostRecentStatusChange'),
    timestampMillisOfNmrDueToMinStableCrhTime: time('timestampMillisOfNmrDueToMinStableCrhTime'),
    currentMultiGroupStatus: cell('currentMultiGroupStatus'),
    currentModelingMultiGroup: timestamp(cell('currentModelingMultiGroup')),
    timestampMinuteOfFinalScoringOutput: time('timestampMinuteOfFinalScoringOutput'),
    timestampMillisOfFirstNmrDueToMinStableCrhTime: time(
      'timestampMillisOfFirstNmrDueToMinStableCrhTime',
    ),
    abovePcrhThresholdTime: time('abovePcrhThresholdTime'),
  };
}
