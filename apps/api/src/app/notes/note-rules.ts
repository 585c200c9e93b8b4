import { HttpStatus } from '@nestjs/common';
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

const invalid = (code: string, message: string) =>
  new ApiError(HttpStatus.BAD_REQUEST, code, message);

function onlyFrom(values: string[], allowed: readonly string[], field: string, side: string): void {
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length > 0) {
    throw invalid(
      `${field.toUpperCase()}_INVALID`,
      `${field} ${unknown.join(', ')} do not belong to ${side}; allowed: ${allowed.join(', ')}`,
    );
  }
  if (new Set(values).size !== values.length) {
    throw invalid(`${field.toUpperCase()}_INVALID`, `${field} must not repeat`);
  }
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
    throw invalid('REASONS_INVALID', 'reasons must hold at least one reason');
  onlyFrom(
    note.reasons,
    misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
    'reasons',
    misleading ? 'a misleading note' : 'a not-misleading note',
  );
  if (!hasVisibleCharacter(note.text)) {
    throw invalid(
      'TEXT_INVALID',
      'text has no visible character (spaces, zero-width and other invisible characters alone do not count)',
    );
  }
  const length = noteTextLength(note.text);
  if (length > NOTE_TEXT_LIMIT) {
    throw invalid(
      'TEXT_INVALID',
      `text must be 1 to ${NOTE_TEXT_LIMIT} characters, each URL counting as one (it has ${length})`,
    );
  }
  const bad = note.sources.filter((source) => source.length > 2048 || !isHttpUrl(source));
  if (bad.length > 0)
    throw invalid('SOURCES_INVALID', `sources must be http or https links: ${bad.join(', ')}`);
  if (misleading && note.sources.length === 0) {
    throw invalid('SOURCES_REQUIRED', 'A misleading note needs at least one source link');
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
