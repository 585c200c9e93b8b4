import type { Note, Post } from '@bridgenotes/database';
import type { NoteRecord } from '@bridgenotes/open-data';
import type { ProofJson } from '@bridgenotes/protocol';

import { afterId, CHANGE_ORDER, changedAfter, changePositioned, iso } from '../export-position';
import type { ChangeStreamReader } from './stream-reader';

function noteRecord(note: Note & { post: Post }): NoteRecord {
  return {
    cursor: note.id,
    id: note.id,
    authorPseudonym: note.authorPseudonym,
    postId: note.postId,
    post: {
      canonicalUrl: note.post.canonicalUrl,
      platform: note.post.platform,
      externalId: note.post.externalId,
    },
    postRef: note.postRef as NoteRecord['postRef'],
    classification: note.classification,
    reasons: note.reasons,
    text: note.text,
    sources: note.sources,
    clientMinute: note.clientMinute,
    createdAt: note.createdAt.toISOString(),
    deletedAt: iso(note.deletedAt),
    proof: note.proof as unknown as ProofJson | null,
    deleteProof: note.deleteProof as unknown as ProofJson | null,
    hidden: note.hidden,
    redacted: note.redacted,
    changedBatch: String(note.changedBatch),
  };
}

/** Notes with their post, in id order or in change order. */
export const notesReader: ChangeStreamReader<'notes'> = {
  async batch(prisma, communityId, after, take) {
    const rows = await prisma.note.findMany({
      where: { communityId, ...afterId(after) },
      orderBy: { id: 'asc' },
      include: { post: true },
      take,
    });
    return rows.map((note) => ({
      position: { kind: 'id', id: note.id },
      record: noteRecord(note),
    }));
  },

  async changes(prisma, communityId, after, take, below) {
    const rows = await prisma.note.findMany({
      where: changedAfter(communityId, after, below),
      orderBy: CHANGE_ORDER,
      include: { post: true },
      take,
    });
    return rows.map((note) => changePositioned(note.changedBatch, note.id, noteRecord(note)));
  },
};
