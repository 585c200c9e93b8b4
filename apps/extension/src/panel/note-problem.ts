// The checks the API makes on a note (libs/protocol's content rules, which it applies too), in
// the panel's words: made first, so that no proof is spent on a note the API would refuse.
import {
  type ContentProblem,
  type ContentRule,
  type NoteContent,
  noteContentProblems,
  NOTE_TEXT_LIMIT,
  noteTextLength,
  noteTextProblem,
} from '@bridgenotes/protocol';

import { type StringKey, t } from '../shared/strings';

/** The rules of a note (a rating's and a post's are the others). */
type NoteRule = Exclude<ContentRule, 'helpfulness-invalid' | 'tags-invalid' | 'post-url-invalid'>;

/** The panel's words for each rule of a note (a form offers only the reasons there are). */
const NOTE_KEYS: Record<NoteRule, StringKey> = {
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
};

/** A note's problem, in the panel's words (the widget's), with the rule's figures. */
const said = (problem: ContentProblem): string =>
  t(NOTE_KEYS[problem.rule as NoteRule], problem.values);

/** The first problem of a note, in the order of its fields, said under that field; else null. */
export function noteProblem(
  note: NoteContent,
): { field: 'classification' | 'reasons' | 'text' | 'sources'; message: string } | null {
  const [problem] = noteContentProblems(note);
  if (!problem) return null;
  return {
    field: problem.field as 'classification' | 'reasons' | 'text' | 'sources',
    message: said(problem),
  };
}

/**
 * The counter under the note's text, and what is wrong with its length, said as the member
 * types: its length as readers count it, and as sent (links in full) when that is over its limit.
 */
export function noteLength(text: string): { counter: string; tooLong: string | null } {
  const counted = `${noteTextLength(text)}/${NOTE_TEXT_LIMIT}`;
  const problem = noteTextProblem(text);
  if (problem?.rule === 'text-too-long-sent') {
    return {
      counter: t('noteCounterSent', { ...problem.values, counted }),
      tooLong: said(problem),
    };
  }
  return { counter: counted, tooLong: problem?.rule === 'text-too-long' ? said(problem) : null };
}
