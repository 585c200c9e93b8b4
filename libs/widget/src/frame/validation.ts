// The API's content rules, checked before proving: a proof takes seconds, and a refusal after
// it would waste them. The server checks the same rules again (apps/api's note-rules).
import { NOTE_TEXT_LIMIT, noteTextLength } from '@bridgenotes/protocol';

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

const MAX_SOURCES = 10;

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && text.length <= 2048;
  } catch {
    return false;
  }
}

/** What is wrong with a note before it is proven, in the order the form shows its fields. */
export function noteErrors(draft: NoteDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (!draft.classification) errors.push({ field: 'classification', key: 'chooseClassification' });
  else if (draft.reasons.length === 0) errors.push({ field: 'reasons', key: 'chooseReason' });
  const length = noteTextLength(draft.text);
  if (draft.text.trim().length === 0) errors.push({ field: 'text', key: 'textMissing' });
  else if (length > NOTE_TEXT_LIMIT) {
    errors.push({
      field: 'text',
      key: 'textTooLong',
      values: { count: length, limit: NOTE_TEXT_LIMIT },
    });
  }
  const bad = draft.sources.find((source) => !isHttpUrl(source));
  if (bad !== undefined)
    errors.push({ field: 'sources', key: 'sourceInvalid', values: { source: bad } });
  else if (draft.sources.length > MAX_SOURCES) {
    errors.push({ field: 'sources', key: 'tooManySources', values: { limit: MAX_SOURCES } });
  } else if (
    draft.classification === 'MISINFORMED_OR_POTENTIALLY_MISLEADING' &&
    draft.sources.length === 0
  ) {
    errors.push({ field: 'sources', key: 'sourcesMissing' });
  }
  return errors;
}

/** The ratings a note's status needs tags from (docs/small-community-scoring.md, "Tags"). */
export const TAGS_REQUIRED: ReadonlySet<string> = new Set(['HELPFUL', 'NOT_HELPFUL']);

/**
 * What is wrong with a rating before it is proven. A Helpful or Not helpful rating names at
 * least one tag: a note is shown (or rated not helpful) only when two tags are each chosen by
 * two of its raters, so untagged ratings can never settle it.
 */
export function ratingErrors(helpfulness: string | undefined, tags: string[] = []): FieldError[] {
  if (!helpfulness) return [{ field: 'helpfulness', key: 'chooseHelpfulness' }];
  if (TAGS_REQUIRED.has(helpfulness) && tags.length === 0) {
    return [{ field: 'tags', key: 'chooseTag' }];
  }
  return [];
}
