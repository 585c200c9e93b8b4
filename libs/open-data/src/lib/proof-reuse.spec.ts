import { Group } from '@semaphore-protocol/core';
import { createIdentity } from '@bridgenotes/client';
import {
  MODERATION_GENESIS,
  moderationEntryHash,
  releaseCurve,
  useSingleThreadedCurve,
  type UnhashedEntry,
} from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';

import { community, source } from '../testing/memory-export';
import { provenNote, provenRating, prover } from '../testing/proven-records';
import type { ModerationRecord, NoteRecord, RatingRecord } from './export-format';
import { verifyExport } from './verify-export';

/**
 * Real proofs used twice: a note copied under another id, and a redacted note made of a rating's
 * proof. Two proofs are made once (seconds each), and each export is verified in full.
 */
describe('verifyExport: a proof used for two records', () => {
  const [author, rater] = [createIdentity(), createIdentity()];
  // A third member: the community's second root is of all three.
  const leaves = [author.commitment, rater.commitment, createIdentity().commitment];
  const { manifest, members, roots } = community(leaves);
  const group = new Group(leaves);
  const clientMinute = 29_600_000;
  let written: NoteRecord;
  let rating: RatingRecord;

  afterAll(() => releaseCurve());
  beforeAll(async () => {
    // snarkjs's default curve keeps a worker per core alive: this process would not end.
    await useSingleThreadedCurve();
    const prove = prover(manifest, group);
    written = await provenNote(prove, author, clientMinute);
    rating = await provenRating(prove, rater, written, clientMinute);
  });

  const verify = (notes: NoteRecord[], moderation: ModerationRecord[] = []) =>
    verifyExport(source(manifest, { members, roots, notes, ratings: [rating], moderation }));

  it('verifies the export as written', async () => {
    expect(await verify([written])).toMatchObject({ verdict: 'VERIFIED', discrepancies: [] });
  });

  it('finds a note copied under a fresh id, which the instance stores once (NOTE_DUPLICATE)', async () => {
    const copy = { ...written, cursor: 'n2', id: randomUUID(), changedBatch: '99' };
    const report = await verify([written, copy]);
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'NOTE_DUPLICATE', subject: `note ${copy.id}` }),
    ]);
  });

  it("finds a redacted note made of a member's rating proof (PROOF_REUSED)", async () => {
    const forged: NoteRecord = {
      ...written,
      cursor: 'n2',
      id: randomUUID(),
      authorPseudonym: rating.raterPseudonym,
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      text: '',
      sources: [],
      proof: rating.proof,
      redacted: true,
    };
    const entry: UnhashedEntry = {
      seq: 1,
      action: 'REDACT',
      target: `note:${forged.id}`,
      reasonCode: 'PERSONAL_DATA',
      moderatorKeyId: 'operator',
      day: '2026-04-10',
      message: rating.proof.message,
      previousHash: MODERATION_GENESIS,
    };
    const logged = {
      ...entry,
      cursor: '1',
      hash: moderationEntryHash(manifest.community.id, entry),
    };
    const report = await verify([written, forged], [logged]);
    expect(report.verdict).toBe('DISCREPANCIES');
    expect(report.discrepancies).toEqual([
      expect.objectContaining({ code: 'PROOF_REUSED', subject: `note ${forged.id}` }),
    ]);
  });
});
