// The API's content rules, checked before proving: a proof takes seconds, and a refusal after
// it would waste them. The server checks the same rules again (apps/api's note-rules).
import { NOTE_TEXT_LIMIT, noteTextLength } from '@bridgenotes/protocol';

import type { StringKey } from './i18n/en';

export interface FieldError {
  /** The name of the control the error is about. */
  field: 'helpfulness' | 'classification' | 'reasons' | 'text' | 'sources';
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

/** What is wrong with a rating before it is proven. */
export function ratingErrors(helpfulness: string | undefined): FieldError[] {
  return helpfulness ? [] : [{ field: 'helpfulness', key: 'chooseHelpfulness' }];
}
