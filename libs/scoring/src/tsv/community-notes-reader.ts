import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { ratingFiles, readTsv } from './tsv-lines';
import { CORE_MODELING_GROUPS, NOT_MISLEADING, NOT_MISLEADING_CUTOFF_MS } from './tsv-schema';

export interface CommunityNotesPaths {
  readonly notes: string;
  /** One ratings file or a folder of `*.tsv` files. */
  readonly ratings: string;
  readonly status?: string;
  readonly enrollment?: string;
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

interface HistoryRow {
  author: string;
  createdAtMs: number;
  latestNonNmrStatusMs: number;
  previouslyHelpful: boolean;
}

/**
 * Reads Community Notes' public files (§2) into a `ScoringInput`, applying the preprocessing of
 * §3 that needs only these files: the helpfulness mapping, removal of ratings on NOT_MISLEADING
 * notes created before 2022-10-03 and on notes absent from both the notes file and the status
 * history, and the Core scorer's slice (§8.1: raters in core modeling groups or in none).
 * Ratings are streamed line by line into the builder's typed arrays.
 */
export async function readCommunityNotes(paths: CommunityNotesPaths): Promise<CommunityNotesData> {
  const nonCoreRaters = new Set<string>();
  if (paths.enrollment !== undefined) {
    await readTsv(paths.enrollment, ['participantId', 'modelingGroup'], ([id, group]) => {
      if (group !== '' && !CORE_MODELING_GROUPS.has(Math.trunc(Number(group)))) {
        nonCoreRaters.add(id);
      }
    });
  }

  const history = new Map<string, HistoryRow>();
  if (paths.status !== undefined) {
    const columns = [
      'noteId',
      'noteAuthorParticipantId',
      'createdAtMillis',
      'timestampMillisOfLatestNonNMRStatus',
      'currentStatus',
    ];
    await readTsv(paths.status, columns, ([id, author, created, latest, current]) => {
      history.set(id, {
        author,
        createdAtMs: Number(created),
        latestNonNmrStatusMs: latest === '' || Number(latest) < 0 ? NaN : Number(latest),
        previouslyHelpful: current === 'CURRENTLY_RATED_HELPFUL',
      });
    });
  }

  const builder = new ScoringInputBuilder();
  const classificationById = new Map<string, string>();
  // §3 step 5, by builder index: NOT_MISLEADING notes from before 2022-10-03 lose their ratings.
  const droppedNotes: boolean[] = [];
  const noteColumns = ['noteId', 'noteAuthorParticipantId', 'createdAtMillis', 'classification'];
  await readTsv(paths.notes, noteColumns, ([id, author, created, classification]) => {
    if (builder.noteIndexOf(id) !== undefined) return;
    const previous = history.get(id);
    classificationById.set(id, classification);
    const createdAtMs = Number(created);
    droppedNotes.push(classification === NOT_MISLEADING && createdAtMs < NOT_MISLEADING_CUTOFF_MS);
    builder.addNote(id, {
      authorId: author === '' ? undefined : author,
      createdAtMs,
      misleading: classification !== NOT_MISLEADING,
      latestNonNmrStatusMs: previous?.latestNonNmrStatusMs,
      previouslyHelpful: previous?.previouslyHelpful,
    });
  });
  // §2.3: notes only in the status history are deleted notes; they still count as misleading.
  for (const [id, row] of history) {
    if (builder.noteIndexOf(id) !== undefined) continue;
    classificationById.set(id, '');
    droppedNotes.push(false);
    builder.addNote(id, {
      authorId: row.author === '' ? undefined : row.author,
      createdAtMs: row.createdAtMs,
      misleading: true,
      latestNonNmrStatusMs: row.latestNonNmrStatusMs,
      previouslyHelpful: row.previouslyHelpful,
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
  ];
  for (const file of ratingFiles(paths.ratings)) {
    await readTsv(file, ratingColumns, ([noteId, rater, created, level, helpful, notHelpful]) => {
      ratingRows++;
      const note = builder.noteIndexOf(noteId);
      if (note === undefined || droppedNotes[note]) return;
      const value = helpfulnessLevel(level, helpful, notHelpful);
      if (value === undefined) return;
      allRatings[note]++;
      if (nonCoreRaters.has(rater)) return;
      coreRatings[note]++;
      builder.addRating(note, rater, value, Number(created));
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
