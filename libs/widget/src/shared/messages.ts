import type { ProverErrorDetails } from '../prover/backup';
import type { JoinWorkRequest } from '../prover/prover-core';

/** Every message between the host page's loader and the frame carries this marker. */
export const MESSAGE_SOURCE = 'bridgenotes';

/**
 * Frame → host page: its height, and what the loader turns into DOM events
 * (`bridgenotes:<type>`). Only what is the same for every reader of the post: nothing a member
 * does is told, not even without a note id, since the moment of a write is enough for a page
 * that knows its signed-in user to find the member's pseudonym (docs/threat-model.md, "The page
 * around the widget or the panel").
 */
export type FrameEvent =
  | { type: 'resize'; height: number }
  /** The notes are shown: how many the post has, and how many of them are shown as helpful. */
  | { type: 'ready'; notes: number; helpful: number }
  /** Loading the post's notes failed (an unknown community, an unreachable service). */
  | { type: 'error'; code: string };

/**
 * Frame → loader: a CREDENTIAL community's member wants to join, so the frame asks the host page
 * for a ticket (docs/widget.md, "Joining with a ticket from the host page"). Not a DOM event.
 */
export interface TicketRequest {
  type: 'ticket-request';
  nonce: string;
}

/** Loader → frame: the host's ticket for the pending `nonce`, or why there is none. */
export interface TicketAnswer {
  type: 'ticket';
  nonce: string;
  ticket?: string;
  error?: TicketError;
}

/** `SIGNED_OUT`: the host's endpoint answered 401/403; `UNAVAILABLE`: anything else. */
export type TicketError = 'SIGNED_OUT' | 'UNAVAILABLE';

/** Host page → frame: the host's values of the widget's CSS custom properties. */
export interface StyleMessage {
  type: 'style';
  vars: Record<string, string>;
}

/** The custom properties a host may set on the widget element; the frame reads nothing else. */
export const STYLE_VARS = [
  '--bridgenotes-background',
  '--bridgenotes-text',
  '--bridgenotes-muted',
  '--bridgenotes-accent',
  '--bridgenotes-border',
  '--bridgenotes-font',
] as const;

/** Frame → prover worker. The identity backup travels only between the two, on one origin. */
export type ProverRequest =
  | { id: number; type: 'create' }
  /** `strict`: a Restore's paste, refused (BACKUP_INVALID) unless an export's exact form. */
  | { id: number; type: 'commitment'; backup: string; strict?: boolean }
  /** The member's pseudonym in a community: the nullifier its proofs there will carry. */
  | { id: number; type: 'pseudonym'; backup: string; scope: string }
  | JoinWorkRequest
  | {
      id: number;
      type: 'prove';
      backup: string;
      community: { id: string; slug: string; scope: string };
      kind: string;
      target: string;
      payload: { [key: string]: unknown };
      /** When not the current minute: a changed rating's (nextRatingMinute). */
      clientMinute?: number;
      /**
       * The community's seal wait in hours (libs/protocol `pendingJoinSealHours`), which a
       * refusal before the seal says (prover/not-sealed.ts): null, no time bound; absent, unsaid.
       */
      sealHours?: number | null;
    };

export type ProverResponse =
  | {
      id: number;
      ok: true;
      backup?: string;
      commitment?: string;
      pseudonym?: string;
      proven?: ProvenForApi;
      nonce?: string;
    }
  /** `code`: a ProverError's (BACKUP_INVALID, NOT_SEALED), for the page to translate. */
  | { id: number; ok: false; error: string; code?: string; details?: ProverErrorDetails };

export interface ProvenForApi {
  clientMinute: number;
  proof: Record<string, unknown>;
}
