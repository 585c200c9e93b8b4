import { Helpfulness, NoteClassification } from '@bridgenotes/database';
import {
  HELPFUL_TAGS,
  MISLEADING_REASONS,
  NOT_HELPFUL_TAGS,
  NOT_MISLEADING_REASONS,
  hasVisibleCharacter,
  NOTE_TEXT_LIMIT,
  noteTextLength,
} from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';

function onlyFrom(
  values: string[],
  allowed: readonly string[],
  field: 'reasons' | 'tags',
  side: string,
): void {
  const code = field === 'reasons' ? 'REASONS_INVALID' : 'TAGS_INVALID';
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    throw ApiError.of(
      code,
      `${unknown.join(', ')} do not belong to ${side}; allowed: ${allowed.join(', ')}`,
    );
  }
  if (new Set(values).size !== values.length) throw ApiError.of(code, 'must not repeat');
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Community Notes' rules for a note's content, beyond the field types the DTO checks. */
export function checkNoteContent(note: {
  classification: NoteClassification;
  reasons: string[];
  text: string;
  sources: string[];
}): void {
  const misleading =
    note.classification === NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING;
  if (note.reasons.length === 0)
    throw ApiError.of('REASONS_INVALID', 'must hold at least one reason');
  onlyFrom(
    note.reasons,
    misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
    'reasons',
    misleading ? 'a misleading note' : 'a not-misleading note',
  );
  if (!hasVisibleCharacter(note.text)) {
    throw new ApiError(
      'TEXT_INVALID',
      'text has no visible character (spaces, zero-width and other invisible characters alone do not count)',
    );
  }
  const length = noteTextLength(note.text);
  if (length > NOTE_TEXT_LIMIT) {
    throw ApiError.of('TEXT_INVALID', NOTE_TEXT_LIMIT, length);
  }
  const bad = note.sources.filter((source) => source.length > 2048 || !isHttpUrl(source));
  if (bad.length > 0) throw ApiError.of('SOURCES_INVALID', bad.join(', '));
  if (misleading && note.sources.length === 0) {
    throw ApiError.of('SOURCES_REQUIRED');
  }
}

/** A rating's tags must come from its side: helpful, not helpful, or either for "somewhat". */
export function checkRatingTags(helpfulness: Helpfulness, tags: string[]): void {
  const allowed =
    helpfulness === Helpfulness.HELPFUL
      ? HELPFUL_TAGS
      : helpfulness === Helpfulness.NOT_HELPFUL
        ? NOT_HELPFUL_TAGS
        : [...new Set([...HELPFUL_TAGS, ...NOT_HELPFUL_TAGS])];
  onlyFrom(tags, allowed, 'tags', `a ${helpfulness} rating`);
}
