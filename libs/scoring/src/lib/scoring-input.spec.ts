import { HelpfulnessLevel, ScoringInputBuilder } from './scoring-input';

describe('ScoringInputBuilder', () => {
  it('sorts notes, participants and ratings canonically and keeps one rating per pair', () => {
    const builder = new ScoringInputBuilder();
    const b = builder.addNote('b', { createdAtMs: 1, misleading: true, authorId: 'zed' });
    builder.addNote('a', { createdAtMs: 2, misleading: false });
    builder.addRating(b, 'y', HelpfulnessLevel.Helpful, 10);
    builder.addRating('a', 'y', HelpfulnessLevel.NotHelpful, 11);
    builder.addRating(b, 'x', HelpfulnessLevel.SomewhatHelpful, 12);
    // A later duplicate replaces the earlier rating, whatever order they arrive in.
    builder.addRating(b, 'y', HelpfulnessLevel.NotHelpful, 9);
    const input = builder.build();
    expect(input.noteIds).toEqual(['a', 'b']);
    expect(input.participantIds).toEqual(['x', 'y', 'zed']);
    expect(Array.from(input.noteAuthor)).toEqual([-1, 2]);
    expect(Array.from(input.noteMisleading)).toEqual([0, 1]);
    expect(Array.from(input.ratingNote)).toEqual([0, 1, 1]);
    expect(Array.from(input.ratingRater)).toEqual([1, 0, 1]);
    expect(Array.from(input.ratingLevel)).toEqual([0, 1, 2]);
    expect(Array.from(input.ratingCreatedAtMs)).toEqual([11, 12, 10]);
  });

  it('grows past its initial capacity', () => {
    const builder = new ScoringInputBuilder();
    const note = builder.addNote('n', { createdAtMs: 0, misleading: true });
    for (let u = 0; u < 5000; u++) builder.addRating(note, `r${u}`, HelpfulnessLevel.Helpful, u);
    expect(builder.build().ratingNote.length).toBe(5000);
  });

  it('rejects ratings on unknown notes and duplicate notes', () => {
    const builder = new ScoringInputBuilder();
    builder.addNote('n', { createdAtMs: 0, misleading: true });
    expect(() => builder.addRating('m', 'r', HelpfulnessLevel.Helpful, 0)).toThrow();
    expect(() => builder.addNote('n', { createdAtMs: 0, misleading: true })).toThrow();
  });
});
