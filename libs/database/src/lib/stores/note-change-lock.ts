// Orders what takes a note out of rating (its deletion, a moderator's hide or redaction) against a
// rating being buffered for it: the change takes the note's lock alone, each submission shares it
// while it reads the note again and buffers, so no rating is buffered for a note already taken
// out, and none is being buffered while it is taken out. Advisory, keyed by the note, rather than
// the note row's lock: the scoring publisher updates every scored note of a community in its
// publication, and a rating sharing the row would wait for the whole of it. Its own key space
// (26; the buffer's submissions take 25).
import { Prisma } from '../../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/** In a transaction that deletes, hides or redacts the note. */
export async function lockNoteForChange(tx: Tx, noteId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${noteId}, 26))`;
}

/** In a transaction that buffers a rating of the note, before it reads the note again. */
export async function lockNoteForRating(tx: Tx, noteId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtextextended(${noteId}, 26))`;
}
