import type { Action, JsonValue } from '@bridgenotes/protocol';

import type { RedactedAction } from './action-check';
import type { NoteRecord, RatingRecord, RequestRecord } from './export-format';

/**
 * The actions a record's proofs were made for, rebuilt from the record's own fields exactly as
 * the instance built them when it accepted the write (docs/protocol.md, "The actions of the
 * API"). A record whose fields were edited afterwards no longer hashes to its proof's message.
 */
export function noteCreateAction(community: string, note: NoteRecord): Action | undefined {
  if (note.postRef === null || note.clientMinute === null) return undefined;
  return {
    kind: 'note.create',
    community,
    target: '',
    payload: {
      post: note.postRef as unknown as JsonValue,
      classification: note.classification,
      reasons: note.reasons,
      text: note.text,
      sources: note.sources,
    },
    clientMinute: note.clientMinute,
  };
}

/** A redacted note's creation, with the message its REDACT log entry recorded. */
export function redactedNoteAction(note: NoteRecord, message: string): RedactedAction | undefined {
  if (note.clientMinute === null || !/^[0-9]{1,78}$/.test(message)) return undefined;
  return {
    kind: 'note.create',
    redacted: true,
    clientMinute: note.clientMinute,
    message: BigInt(message),
  };
}

/** The deletion's minute is the stored deletion time, which the instance sets from it. */
export function noteDeleteAction(community: string, note: NoteRecord): Action | undefined {
  if (note.deletedAt === null) return undefined;
  return {
    kind: 'note.delete',
    community,
    target: `note:${note.id}`,
    payload: {},
    clientMinute: Math.floor(Date.parse(note.deletedAt) / 60_000),
  };
}

export function ratingAction(community: string, rating: RatingRecord): Action {
  return {
    kind: 'rating.put',
    community,
    target: `note:${rating.noteId}`,
    payload: { helpfulness: rating.helpfulness, tags: rating.tags },
    clientMinute: rating.clientMinute,
  };
}

export function noteRequestAction(community: string, request: RequestRecord): Action {
  return {
    kind: 'note.request',
    community,
    target: '',
    payload: { post: request.postRef as unknown as JsonValue },
    clientMinute: request.clientMinute,
  };
}
