// The API's content rules (libs/protocol's content-rules.ts, which the API applies too), checked
// before proving: a proof takes seconds, and a refusal after it would waste them.
import {
  type ContentProblem,
  type ContentRule,
  noteContentProblems,
  noteTextProblem,
  ratingContentProblems,
} from '@bridgenotes/protocol';

import type { StringKey } from './i18n/en';

export interface FieldError {
  /** The name of the control the error is about. */
  field: 'helpfulness' | 'tags' | 'classification' | 'reasons' | 'text' | 'sources';
  key: StringKey;
  values?: Record<string, string | number>;
}

export interface NoteDraft {
  classification: string | undefined;
  reasons: string[];
  text: string;
  sources: string[];
}

/**
 * The form's words for each rule. Some cannot be broken from the form (it offers only the
 * classifications, reasons and tags there are, each once), so share the nearest choice's words.
 */
const KEYS: Record<Exclude<ContentRule, 'post-url-invalid'>, StringKey> = {
  'classification-invalid': 'chooseClassification',
  'reasons-missing': 'chooseReason',
  'reasons-invalid': 'chooseReason',
  'text-missing': 'textMissing',
  'text-too-long': 'textTooLong',
  'text-too-long-sent': 'textTooLongSent',
  'source-invalid': 'sourceInvalid',
  'source-too-long': 'sourceTooLong',
  'sources-too-many': 'tooManySources',
  'sources-missing': 'sourcesMissing',
  'helpfulness-invalid': 'chooseHelpfulness',
  'tags-invalid': 'chooseTag',
};

/** A note's or a rating's problem (a post's URL is the page's, checked by postUrlProblems). */
const fieldError = (problem: ContentProblem): FieldError => ({
  field: problem.field as FieldError['field'],
  key: KEYS[problem.rule as keyof typeof KEYS],
  ...(problem.values ? { values: problem.values } : {}),
});

/** What is wrong with a note before it is proven, in the order the form shows its fields. */
export function noteErrors(draft: NoteDraft): FieldError[] {
  return noteContentProblems(draft).map(fieldError);
}

/**
 * The note's text too long, by either limit (as readers count it, or as sent with its links in
 * full), said as the member types; undefined within both.
 */
export function noteTextLengthError(text: string): FieldError | undefined {
  const problem = noteTextProblem(text);
  return problem?.rule === 'text-too-long' || problem?.rule === 'text-too-long-sent'
    ? fieldError(problem)
    : undefined;
}

/** The ratings a note's status needs tags from (docs/small-community-scoring.md, "Tags"). */
export const TAGS_REQUIRED: ReadonlySet<string> = new Set(['HELPFUL', 'NOT_HELPFUL']);

/**
 * What is wrong with a rating before it is proven. A Helpful or Not helpful rating names at
 * least one tag: a note is shown (or rated not helpful) only when two tags are each chosen by
 * two of its raters, so untagged ratings can never settle it.
 */
export function ratingErrors(helpfulness: string | undefined, tags: string[] = []): FieldError[] {
  const problems = ratingContentProblems({ helpfulness, tags });
  if (problems.length > 0) return problems.map(fieldError);
  if (TAGS_REQUIRED.has(helpfulness as string) && tags.length === 0) {
    return [{ field: 'tags', key: 'chooseTag' }];
  }
  return [];
}
