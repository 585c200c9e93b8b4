import {
  DEFAULT_SEED,
  NoteStatus,
  parseTopicSeeds,
  RunInputBuilder,
  scoreNotes,
  shownStatus,
  startingStatusHistory,
  statusHistoryToJson,
  type NoteStatusHistory,
  type ShownStatus,
  type StatusHistoryJson,
} from '@bridgenotes/scoring';

import type { ResultRecord } from './export-format';
import type { ExportSource } from './export-source';

export interface RescoredNote {
  noteId: string;
  status: ShownStatus;
  published: ShownStatus | null;
  /** The note's status history after this scoring, the state the run after it would start from. */
  history: StatusHistoryJson;
}

/**
 * Scores an export at `nowMs`, as the instance's next run would at that time: every note and
 * rating, each note starting from the status history its latest published run left.
 */
export async function rescoreExport(
  source: ExportSource,
  options: { seed?: number; nowMs?: number } = {},
): Promise<{
  notes: RescoredNote[];
  inputHash: string;
  dataHash: string;
  ratingCount: number;
  nowMs: number;
}> {
  const published = new Map<string, ResultRecord>();
  for await (const result of source.records('results')) published.set(result.noteId, result);
  const manifest = await source.manifest();
  const topicSeeds = parseTopicSeeds(manifest.community.topicSeeds ?? []);
  if (!topicSeeds) throw new Error('the export names invalid topic seeds');
  const builder = new RunInputBuilder(options.nowMs ?? Date.now(), topicSeeds);
  for await (const note of source.records('notes')) {
    const createdAtMs = Date.parse(note.createdAt);
    const result = published.get(note.id);
    builder.addNote({
      id: note.id,
      authorPseudonym: note.authorPseudonym,
      classification: note.classification,
      createdAtMs,
      postId: note.postId,
      post: note.post,
      history: startingStatusHistory(result?.history, {
        id: note.id,
        authorPseudonym: note.authorPseudonym,
        createdAtMs,
        publishedStatus: result?.status ?? 'NEEDS_MORE_RATINGS',
      }),
      text: note.text,
    });
  }
  for await (const rating of source.records('ratings')) builder.addRating(rating);
  const built = builder.build();
  const result = scoreNotes(built.input, {
    seed: options.seed ?? DEFAULT_SEED,
    nowMs: built.nowMs,
    topicSeeds: built.topicSeeds,
  });
  return {
    notes: built.input.noteIds.map((noteId, index) => ({
      noteId,
      status: shownStatus(result.finalStatus[index] as NoteStatus),
      published: published.get(noteId)?.status ?? null,
      history: statusHistoryToJson(result.history?.[index] as NoteStatusHistory),
    })),
    inputHash: built.inputHash,
    dataHash: built.dataHash,
    ratingCount: built.ratingCount,
    nowMs: built.nowMs,
  };
}
