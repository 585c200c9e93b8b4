import type { Group } from '@semaphore-protocol/core';
import { nodeArtifacts, proveAction } from '@bridgenotes/client';
import { randomUUID } from 'node:crypto';

import type { ExportManifest, NoteRecord, RatingRecord } from '../lib/export-format';
import { note } from './memory-export';

type Prover = Parameters<typeof proveAction>[0];
type Proof = Awaited<ReturnType<typeof proveAction>>['proof'];

/** Proves an action of the manifest's community over `group` (seconds each: real Groth16). */
export const prover =
  (manifest: ExportManifest, group: Group) =>
  async (
    by: Prover,
    kind: string,
    target: string,
    payload: object,
    clientMinute: number,
  ): Promise<Proof> =>
    (
      await proveAction(
        by,
        group,
        {
          kind,
          community: { id: manifest.community.id, scope: manifest.community.scope },
          target,
          payload: payload as never,
          clientMinute,
        },
        nodeArtifacts(),
      )
    ).proof;

/** The memory export's note, written and proven by `by` at `clientMinute`. */
export async function provenNote(
  prove: ReturnType<typeof prover>,
  by: Prover,
  clientMinute: number,
): Promise<NoteRecord> {
  const base = note(null);
  const postRef = { url: 'https://example.com/a' };
  const fields = { classification: base.classification, reasons: base.reasons };
  const created = { post: postRef, ...fields, text: base.text, sources: base.sources };
  const proof = await prove(by, 'note.create', '', created, clientMinute);
  return {
    ...base,
    authorPseudonym: proof.nullifier,
    postRef,
    clientMinute,
    createdAt: new Date(clientMinute * 60_000).toISOString(),
    proof,
    changedBatch: '3',
  };
}

/** A HELPFUL rating of `rated`, proven by `by` at `clientMinute`. */
export async function provenRating(
  prove: ReturnType<typeof prover>,
  by: Prover,
  rated: NoteRecord,
  clientMinute: number,
): Promise<RatingRecord> {
  const payload = { helpfulness: 'HELPFUL', tags: [] };
  const proof = await prove(by, 'rating.put', `note:${rated.id}`, payload, clientMinute);
  return {
    cursor: 'r1',
    id: randomUUID(),
    noteId: rated.id,
    raterPseudonym: proof.nullifier,
    helpfulness: 'HELPFUL',
    tags: [],
    clientMinute,
    proof,
    changedBatch: '4',
  };
}
