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

/** Panel → the content script that framed it: how tall the panel is. */
export interface PanelReport {
  source: 'bridgenotes-extension';
  type: 'notes';
  height: number;
}
