import { NoteStatus, Prisma, PrismaClient } from '@bridgenotes/database';
import {
  ALGORITHM_VERSION,
  DEFAULT_SEED,
  explainNote,
  NoteStatus as CoreStatus,
  RunInputBuilder,
  scoreNotes,
  SHOWN_STATUSES,
  shownStatus,
} from '@bridgenotes/scoring';

/**
 * Scores a community and publishes the run as the worker does (same input builder, scorer and
 * seed; statuses, explanations, status changes and the run record), for API tests, which cannot
 * boot the worker app.
 */
export async function publishScoringRun(
  prisma: PrismaClient,
  communityId: string,
): Promise<string> {
  const startedAt = new Date();
  const builder = new RunInputBuilder();
  const notes = await prisma.note.findMany({ where: { communityId }, orderBy: { id: 'asc' } });
  for (const note of notes) {
    builder.addNote({
      id: note.id,
      authorPseudonym: note.authorPseudonym,
      classification: note.classification,
      createdAtMs: note.createdAt.getTime(),
      previouslyHelpful: note.status === NoteStatus.CURRENTLY_RATED_HELPFUL,
    });
  }
  const ratings = await prisma.rating.findMany({ where: { communityId }, orderBy: { id: 'asc' } });
  for (const rating of ratings) builder.addRating(rating);
  const built = builder.build();
  const result = scoreNotes(built.input, { seed: DEFAULT_SEED });
  const counts = Object.fromEntries(SHOWN_STATUSES.map((status) => [status, 0]));
  const run = await prisma.scoringRun.create({
    data: { communityId, status: 'RUNNING', startedAt, attempts: 1 },
  });
  await prisma.$transaction(async (tx) => {
    for (const [index, noteId] of built.input.noteIds.entries()) {
      const status = shownStatus(result.status[index] as CoreStatus);
      counts[status] = (counts[status] ?? 0) + 1;
      const previous = notes.find((note) => note.id === noteId)?.status;
      await tx.note.update({
        where: { id: noteId },
        data: {
          status,
          scoredRunId: run.id,
          score: explainNote(result, index) as unknown as Prisma.InputJsonObject,
        },
      });
      if (previous && previous !== status) {
        await tx.noteStatusChange.create({
          data: { noteId, runId: run.id, previous, next: status },
        });
      }
    }
    await tx.scoringRun.update({
      where: { id: run.id },
      data: {
        status: 'SUCCEEDED',
        finishedAt: new Date(),
        noteCount: built.noteCount,
        ratingCount: built.ratingCount,
        inputHash: built.inputHash,
        algorithmVersion: ALGORITHM_VERSION,
        seed: DEFAULT_SEED,
        statusCounts: counts,
      },
    });
  });
  return run.id;
}
