import { postKeyOf } from '@bridgenotes/scoring';

import type { ReportDiscrepancy } from './discrepancy';
import type { NoteRecord } from './export-format';

/**
 * The notes' `postId`s against their posts: the scorer groups notes by `postId` (co-rating,
 * §7.7 b), while the data hash and every other instance key a post by its URL or platform id, so
 * the two must name the same posts, one to one. Two ids for one post would split its notes'
 * co-rating groups unseen by the data hash; one id for two posts would join them.
 */
export class PostIds {
  private readonly keyOfId = new Map<string, string>();
  private readonly idOfKey = new Map<string, { postId: string; noteId: string }>();

  constructor(private readonly report: ReportDiscrepancy) {}

  add(note: Pick<NoteRecord, 'id' | 'postId' | 'post'>): void {
    const key = postKeyOf(note.post);
    const known = this.idOfKey.get(key);
    const keyed = this.keyOfId.get(note.postId);
    if (known && known.postId !== note.postId) {
      this.inconsistent(
        note.id,
        `its post ${key} has postId ${note.postId} here, but ${known.postId} on note ${known.noteId}`,
      );
    } else if (keyed !== undefined && keyed !== key) {
      this.inconsistent(
        note.id,
        `its postId ${note.postId} names post ${keyed} on an earlier note, not its post ${key}`,
      );
    }
    if (!known) this.idOfKey.set(key, { postId: note.postId, noteId: note.id });
    if (keyed === undefined) this.keyOfId.set(note.postId, key);
  }

  private inconsistent(noteId: string, problem: string): void {
    this.report(
      'POST_ID_INCONSISTENT',
      `note ${noteId}`,
      `${problem}: notes are grouped by postId when scored, so each post must have one`,
    );
  }
}
