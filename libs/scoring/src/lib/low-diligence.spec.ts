import { lowDiligenceModelSha256 } from '../synthetic/model-hash';
import { syntheticScoringInput } from '../synthetic/synthetic-data';
import { buildTagRatings } from './logistic-factorization';
import {
  fitLowDiligence,
  lowDiligenceIntercepts,
  lowDiligenceTorchStart,
  referenceIdOrder,
} from './low-diligence';
import { HelpfulnessLevel, ScoringInputBuilder } from './scoring-input';
import { TorchGenerator } from './torch-random';

/** 20 rated notes with ids 1…20 and 18 raters, of whom one (r99) rated nothing; one unrated note. */
function community() {
  const builder = new ScoringInputBuilder();
  for (let id = 1; id <= 21; id++)
    builder.addNote(String(id), { createdAtMs: 0, misleading: true });
  builder.addNote('100', { createdAtMs: 0, misleading: true, authorId: 'r99' });
  for (let note = 1; note <= 20; note++) {
    for (let r = 0; r < 17; r++) {
      if ((note + r) % 3 === 0) continue;
      builder.addRating(
        String(note),
        `r${String(r).padStart(2, '0')}`,
        HelpfulnessLevel.Helpful,
        1,
      );
    }
  }
  const input = builder.build();
  const selection = Int32Array.from(input.ratingNote.keys());
  const data = buildTagRatings(input, selection, new Uint8Array(selection.length));
  return { input, data };
}

describe('lowDiligenceTorchStart', () => {
  it('orders integer note ids by value, as the reference’s int64 ids sort, other ids by code unit', () => {
    const ids = ['10', '2', '9', 'b', 'a'];
    expect(referenceIdOrder(ids.slice(0, 3), () => true).map((i) => ids[i])).toEqual([
      '2',
      '9',
      '10',
    ]);
    expect(referenceIdOrder(ids, (i) => i !== 1).map((i) => ids[i])).toEqual(['10', '9', 'b', 'a']);
  });

  it('gives the draws of the reference’s embeddings after the final round’s xavier draws', () => {
    const { input, data } = community();
    expect([data.activeNotes, data.activeRaters]).toEqual([20, 17]);
    const start = lowDiligenceTorchStart(input, data, 1);
    if (!start) throw new Error('no start');
    // Torch's order: xavier rater factors (17) and note factors (20) of the final-round MF, then
    // normal_ on note factors (20, kept), rater factors (17), note intercepts (20, kept) and
    // rater intercepts (17, kept).
    const generator = new TorchGenerator(1);
    generator.skipUniform(17);
    generator.skipUniform(20);
    const noteFactor = generator.normal(20);
    generator.skipNormal(17);
    const noteIntercept = generator.normal(20);
    const raterIntercept = generator.normal(17);
    for (let id = 1; id <= 20; id++) {
      const n = input.noteIds.indexOf(String(id));
      expect(start.noteFactor[n]).toBe(noteFactor[id - 1]);
      expect(start.noteIntercept[n]).toBe(noteIntercept[id - 1]);
    }
    for (let r = 0; r < 17; r++) {
      const u = input.participantIds.indexOf(`r${String(r).padStart(2, '0')}`);
      expect(start.raterIntercept[u]).toBe(raterIntercept[r]);
    }
    // Unrated notes and raters are not in the reference's dataset: 0.
    expect(start.noteIntercept[input.noteIds.indexOf('21')]).toBe(0);
    expect(start.noteFactor[input.noteIds.indexOf('100')]).toBe(0);
    expect(start.raterIntercept[input.participantIds.indexOf('r99')]).toBe(0);
  });

  it('gives nothing below 16 notes or raters, where torch draws its normals another way', () => {
    const builder = new ScoringInputBuilder();
    for (let note = 0; note < 15; note++) {
      builder.addNote(String(note), { createdAtMs: 0, misleading: true });
      for (let r = 0; r < 20; r++) builder.addRating(note, `r${r}`, HelpfulnessLevel.Helpful, 1);
    }
    const input = builder.build();
    const selection = Int32Array.from(input.ratingNote.keys());
    const data = buildTagRatings(input, selection, new Uint8Array(selection.length));
    expect(lowDiligenceTorchStart(input, data, 1)).toBeUndefined();
  });
});

describe('fitLowDiligence', () => {
  // Pinned to main's output of 2026-12-06 (2c58833e): a speed-up of the Adam fit (issue 22) must
  // give the same model and the same epochs, bit for bit; a change of its results must say so here.
  it('fits the same model, bit for bit, as before any speed-up of its epoch loop', () => {
    const { input } = syntheticScoringInput({ seed: 7, raters: 120, notes: 75, ratings: 3000 });
    const selection = Int32Array.from(input.ratingNote.keys());
    const raterFactor = Float64Array.from(input.participantIds, (_, u) => Math.sin(u + 1) * 0.5);
    const model = fitLowDiligence(input, selection, raterFactor);
    const intercepts = lowDiligenceIntercepts(input, selection, model);
    expect(model.sweeps).toEqual([301, 100, 80]);
    expect(lowDiligenceModelSha256(model, intercepts)).toBe(
      'bd1b04f1130479b4982e88a3296934275d63c9c470a0a6b09a84fcf9133b7304',
    );
  });
});
