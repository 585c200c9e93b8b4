import type { Helpfulness, NoteClassification } from '@bridgenotes/database';
import {
  type ContentProblem,
  noteContentProblems,
  ratingContentProblems,
} from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';

/** The first problem, as the API answers it: the rules and their messages are the clients' too. */
function refuse([problem]: ContentProblem[]): void {
  if (problem) throw new ApiError(problem.code, problem.message);
}

/**
 * Community Notes' rules for a note's content, beyond the field types the DTO checks
 * (`noteContentProblems`, which the widget, the extension and the CLI apply before proving).
 */
export function checkNoteContent(note: {
  classification: NoteClassification;
  reasons: string[];
  text: string;
  sources: string[];
}): void {
  refuse(noteContentProblems(note));
}

/** A rating's tags must come from its side: helpful, not helpful, or either for "somewhat". */
export function checkRatingTags(helpfulness: Helpfulness, tags: string[]): void {
  refuse(ratingContentProblems({ helpfulness, tags }));
}
