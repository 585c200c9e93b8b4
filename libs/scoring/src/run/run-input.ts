import { createHash, type Hash } from 'node:crypto';

import { NoteStatus, publicStatus } from '../lib/note-status';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';

/**
 * Names the algorithm in every run record; bump it whenever statuses could change. A verifier
 * recomputes a run only with the version that made it.
 */
export const ALGORITHM_VERSION = 'core/1';

/** The three statuses readers see; the finer core statuses stay in a note's explanation. */
export type ShownStatus =
  'NEEDS_MORE_RATINGS' | 'CURRENTLY_RATED_HELPFUL' | 'CURRENTLY_RATED_NOT_HELPFUL';

export const SHOWN_STATUSES: readonly ShownStatus[] = [
  'NEEDS_MORE_RATINGS',
  'CURRENTLY_RATED_HELPFUL',
  'CURRENTLY_RATED_NOT_HELPFUL',
];

export function shownStatus(status: NoteStatus): ShownStatus {
  switch (publicStatus(status)) {
    case NoteStatus.CurrentlyRatedHelpful:
      return 'CURRENTLY_RATED_HELPFUL';
    case NoteStatus.CurrentlyRatedNotHelpful:
      return 'CURRENTLY_RATED_NOT_HELPFUL';
    default:
      return 'NEEDS_MORE_RATINGS';
  }
}

export type RatingHelpfulness = 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL';

const LEVELS: Record<RatingHelpfulness, HelpfulnessLevel> = {
  HELPFUL: HelpfulnessLevel.Helpful,
  SOMEWHAT_HELPFUL: HelpfulnessLevel.SomewhatHelpful,
  NOT_HELPFUL: HelpfulnessLevel.NotHelpful,
};

export interface RunNote {
  id: string;
  authorPseudonym: string;
  classification: string;
  createdAtMs: number;
  /** The note's shown status before this run was CURRENTLY_RATED_HELPFUL (§5.3 rule 7). */
  previouslyHelpful: boolean;
}

export interface RunRating {
  noteId: string;
  raterPseudonym: string;
  helpfulness: RatingHelpfulness;
  clientMinute: number;
}

export interface RunInput {
  input: ScoringInput;
  noteCount: number;
  ratingCount: number;
  /** SHA-256 (hex) over one canonical line per note, then per rating, each in id order. */
  inputHash: string;
}

/**
 * A Bridgenotes community's scoring input, built the one way both the worker and any verifier
 * build it: notes first, then ratings, each in id order, hashed line by line as they come, so
 * that a run's published input hash can be recomputed from the open data.
 */
export class RunInputBuilder {
  private readonly builder = new ScoringInputBuilder();
  private readonly hash: Hash = createHash('sha256');
  private noteCount = 0;
  private ratingCount = 0;

  addNote(note: RunNote): void {
    this.builder.addNote(note.id, {
      authorId: note.authorPseudonym,
      createdAtMs: note.createdAtMs,
      misleading: note.classification === 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      previouslyHelpful: note.previouslyHelpful,
    });
    this.hash.update(
      `n\t${note.id}\t${note.authorPseudonym}\t${note.classification}\t${new Date(note.createdAtMs).toISOString()}\n`,
    );
    this.noteCount += 1;
  }

  /** Adds a rating of a note added before; a rating of any other note is skipped (false). */
  addRating(rating: RunRating): boolean {
    if (this.builder.noteIndexOf(rating.noteId) === undefined) return false;
    this.builder.addRating(
      rating.noteId,
      rating.raterPseudonym,
      LEVELS[rating.helpfulness],
      rating.clientMinute * 60_000,
    );
    this.hash.update(
      `r\t${rating.noteId}\t${rating.raterPseudonym}\t${rating.helpfulness}\t${rating.clientMinute}\n`,
    );
    this.ratingCount += 1;
    return true;
  }

  build(): RunInput {
    return {
      input: this.builder.build(),
      noteCount: this.noteCount,
      ratingCount: this.ratingCount,
      inputHash: this.hash.digest('hex'),
    };
  }
}
