import { gaussianScores } from './gaussian-scorer';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from './scoring-input';

const { Helpful, NotHelpful, SomewhatHelpful } = HelpfulnessLevel;

/** Raters on both sides of the factor axis (three each, so the note gets the factor prior). */
const FACTORS: Record<string, number> = {
  r1: -0.5,
  r2: -0.3,
  r3: -0.2,
  r4: 0.2,
  r5: 0.4,
  r6: 0.6,
  writer: 0.5,
};

function score(
  levels: HelpfulnessLevel[],
  options: { author?: string; writerRates?: HelpfulnessLevel; writerFactor?: number } = {},
): number {
  const builder = new ScoringInputBuilder();
  builder.addNote('n1', { createdAtMs: 0, misleading: true, authorId: options.author });
  levels.forEach((level, k) => builder.addRating('n1', `r${k + 1}`, level, 60_000 * (k + 1)));
  if (options.writerRates !== undefined) builder.addRating('n1', 'writer', options.writerRates, 1);
  // The writer is a participant in every input, so the factor table is the same.
  builder.addNote('n2', { createdAtMs: 0, misleading: true, authorId: 'writer' });
  const input: ScoringInput = builder.build();
  const factor = Float64Array.from(input.participantIds, (id) =>
    id === 'writer' ? (options.writerFactor ?? FACTORS.writer) : FACTORS[id],
  );
  const selection = Int32Array.from(input.ratingNote.keys());
  return gaussianScores(input, selection, factor).intercept[input.noteIds.indexOf('n1')];
}

describe('gaussianScores (§8.9)', () => {
  const liked = [Helpful, SomewhatHelpful, Helpful, Helpful, NotHelpful, Helpful];
  const disliked = [NotHelpful, NotHelpful, SomewhatHelpful, NotHelpful, NotHelpful, NotHelpful];

  it("counts the note's author as one more HELPFUL rating in the helpful pass", () => {
    const alone = score(liked);
    const withAuthor = score(liked, { author: 'writer' });
    expect(alone).toBeGreaterThan(0);
    expect(withAuthor).toBeGreaterThan(alone);
    // The same as the author rating the note HELPFUL (the helpful pass wins in both).
    expect(withAuthor).toBeCloseTo(score(liked, { writerRates: Helpful }), 12);
  });

  it('leaves the author out of the mirrored (not helpful) pass and without a factor', () => {
    const alone = score(disliked);
    expect(alone).toBeLessThan(0);
    expect(score(disliked, { author: 'writer' })).toBe(alone);
    expect(score(disliked, { writerRates: Helpful })).not.toBe(alone);
    expect(score(liked, { author: 'writer', writerFactor: Number.NaN })).toBe(score(liked));
  });
});

describe('gaussianScores baseline passes (§5.2 a, b)', () => {
  const { Helpful, NotHelpful, SomewhatHelpful } = HelpfulnessLevel;
  const levels = [Helpful, NotHelpful, SomewhatHelpful];
  // Three notes; r1 rates the first two only (the second keeps 4 ratings without r1), so the
  // third is left as the full pass scored it.
  const builder = new ScoringInputBuilder();
  for (const note of ['n1', 'n2', 'n3'])
    builder.addNote(note, { createdAtMs: 0, misleading: true });
  ['n1', 'n2', 'n3'].forEach((note, n) => {
    for (let r = n === 2 ? 2 : 1; r <= (n === 1 ? 5 : 7); r++) {
      builder.addRating(note, `r${r}`, levels[(r + n) % 3], 60_000 * r);
    }
  });
  const input = builder.build();
  const factor = Float64Array.from(input.participantIds, (_, u) => -0.6 + 0.2 * u);
  const selection = Int32Array.from(input.ratingNote.keys());

  it('gives every note the score of a pass over the ratings left, NaN under 5 of them', () => {
    const left = Uint8Array.from(input.participantIds, (id) => (id === 'r1' ? 1 : 0));
    const kept = selection.filter((i) => left[input.ratingRater[i]] === 0);
    const alone = gaussianScores(input, kept, factor).intercept;
    const counts = new Int32Array(input.noteIds.length);
    for (const i of kept) counts[input.ratingNote[i]]++;
    const expected = alone.map((score, n) => (counts[n] < 5 ? NaN : score));
    const scores = gaussianScores(input, selection, factor, { highVolume: left });
    expect(scores.interceptNoHighVol).toEqual(expected);
    // Nobody left out: the full scores.
    expect(scores.interceptNoCorrelated).toEqual(scores.intercept);
    expect(scores.intercept[0]).not.toBe(expected[0]);
    expect(expected[1]).toBeNaN();
    expect(expected[2]).toBe(scores.intercept[2]);
  });
});
