import type { PublishedGroup } from '@bridgenotes/client';
import type { JoinWorkRequest } from '@bridgenotes/widget/prover';

/**
 * Panel → prover worker. The panel fetches the group and the circuit files (with the
 * extension's access to the instance) and hands them over; the worker only computes.
 */
export type ProverRequest =
  | { id: number; type: 'create' }
  /** `strict`: a pasted backup to restore, refused unless it is exactly an identity export. */
  | { id: number; type: 'commitment'; backup: string; strict?: boolean }
  | { id: number; type: 'pseudonym'; backup: string; scope: string }
  | JoinWorkRequest
  | {
      id: number;
      type: 'prove';
      backup: string;
      group: PublishedGroup;
      wasm: ArrayBuffer;
      zkey: ArrayBuffer;
      community: { id: string; scope: string };
      kind: string;
      target: string;
      payload: { [key: string]: unknown };
      /** A changed rating's minute (`nextRatingMinute`); the current minute when absent. */
      clientMinute?: number;
    };

export interface ProvenForApi {
  clientMinute: number;
  proof: Record<string, unknown>;
}

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
  | { id: number; ok: false; error: string };

/**
 * Content script → the panel it framed, once per load of the frame, posted to the extension's
 * own origin: the port the panel reports on, and the panel's token (which the page never sees)
 * so that a port the page posts is refused.
 */
export interface PanelConnect {
  source: 'bridgenotes-extension';
  type: 'connect';
  token: string;
}

/**
 * Panel → content script, on that port only, never through the page's window: a page's scripts
 * hear every window message, and the panel's height, which changes as a member rates, would
 * give them the moment (docs/threat-model.md). `fill`: the member's actions are open, and the
 * panel takes all the height it may have whatever they show, so nothing they do resizes it.
 */
export type PanelReport = { type: 'notes'; height: number; fill: boolean } | { type: 'close' };
