// The checks the API makes on a note (libs/protocol's content rules, which it applies too), in
// the panel's words: made first, so that no proof is spent on a note the API would refuse.
import { type ContentRule, type NoteContent, noteContentProblems } from '@bridgenotes/protocol';

import { type StringKey, t } from '../shared/strings';

/** The rules of a note (a rating's and a post's are the others). */
type NoteRule = Exclude<ContentRule, 'helpfulness-invalid' | 'tags-invalid' | 'post-url-invalid'>;

/** The panel's words for each rule of a note (a form offers only the reasons there are). */
const NOTE_KEYS: Record<NoteRule, StringKey> = {
  'classification-invalid': 'pickClassification',
  'reasons-missing': 'pickReason',
  'reasons-invalid': 'pickReason',
  'text-missing': 'textMissing',
  'text-too-long': 'tooLong',
  'source-invalid': 'badSource',
  'sources-too-many': 'tooManySources',
  'sources-missing': 'needSource',
};

/** The first problem of a note, in the order of its fields, said under that field; else null. */
export function noteProblem(
  note: NoteContent,
): { field: 'classification' | 'reasons' | 'text' | 'sources'; message: string } | null {
  const [problem] = noteContentProblems(note);
  if (!problem) return null;
  const values = problem.values ?? {};
  return {
    field: problem.field as 'classification' | 'reasons' | 'text' | 'sources',
    message: t(
      NOTE_KEYS[problem.rule as NoteRule],
      // The panel's words name a text's length `length`.
      problem.rule === 'text-too-long' ? { length: values['count'] ?? '', ...values } : values,
    ),
  };
}
