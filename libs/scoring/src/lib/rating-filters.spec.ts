import { syntheticScoringInput } from '../synthetic/synthetic-data';
import {
  filterRatingsForTraining,
  othersThan,
  ratingsKept,
  refineSelection,
  selectRatings,
} from './rating-filters';
import { validRatingMask } from './rater-helpfulness';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from './scoring-input';

const HOUR = 3_600_000;

/** `raters[n]` lists the raters of note n; every rating is HELPFUL, made an hour after creation. */
function community(raters: string[][], createdAtMs = Date.UTC(2026, 0, 1)): ScoringInput {
  const builder = new ScoringInputBuilder();
  raters.forEach((ids, n) => {
    const note = builder.addNote(`note${n}`, { createdAtMs, misleading: true });
    ids.forEach((id, k) =>
      builder.addRating(note, id, HelpfulnessLevel.Helpful, createdAtMs + (k + 1) * HOUR),
    );
  });
  return builder.build();
}

const ids = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('filterRatingsForTraining', () => {
  it('drops small notes, then light raters, then notes left small, in one pass', () => {
    const regulars = ids('a', 5);
    const notes = [
      ...Array.from({ length: 10 }, () => regulars),
      // Four ratings: dropped before raters are counted.
      ids('a', 4),
      // Five ratings, but two from raters with a single rating: dropped on the way back.
      [...ids('a', 3), 'once1', 'once2'],
    ];
    const input = community(notes);
    const kept = filterRatingsForTraining(input);
    const keptNotes = new Set(Array.from(kept, (i) => input.noteIds[input.ratingNote[i]]));
    expect(keptNotes.size).toBe(10);
    expect(keptNotes.has('note10')).toBe(false);
    expect(keptNotes.has('note11')).toBe(false);
    expect(kept.length).toBe(50);
  });
});

describe('ratingsKept', () => {
  it('keeps the ratings whose note and rater both pass their masks, in order', () => {
    const { input } = syntheticScoringInput({ seed: 4, raters: 200, notes: 100, ratings: 3_000 });
    const notes = Uint8Array.from(input.noteIds, (_, n) => (n % 3 === 0 ? 0 : 1));
    const raters = Uint8Array.from(input.participantIds, (_, u) => (u % 5 === 0 ? 1 : 0));
    const { ratingNote, ratingRater } = input;
    const byNote = selectRatings(input, (i) => notes[ratingNote[i]] === 1);
    expect(ratingsKept(input, notes, undefined)).toEqual(byNote);
    expect(ratingsKept(input, undefined, othersThan(raters), byNote)).toEqual(
      refineSelection(byNote, (i) => raters[ratingRater[i]] === 0),
    );
    expect(ratingsKept(input, notes, raters)).toEqual(
      selectRatings(input, (i) => notes[ratingNote[i]] === 1 && raters[ratingRater[i]] === 1),
    );
  });
});

describe('validRatingMask', () => {
  it('counts ratings made within 48 hours of the note and before its latest non-NMR status', () => {
    const builder = new ScoringInputBuilder();
    const created = Date.UTC(2026, 0, 1);
    const note = builder.addNote('n', {
      createdAtMs: created,
      misleading: true,
      latestNonNmrStatusMs: created + 30 * HOUR,
    });
    builder.addRating(note, 'early', HelpfulnessLevel.Helpful, created + HOUR);
    builder.addRating(note, 'after-status', HelpfulnessLevel.Helpful, created + 31 * HOUR);
    const other = builder.addNote('m', { createdAtMs: created, misleading: true });
    builder.addRating(other, 'late', HelpfulnessLevel.Helpful, created + 49 * HOUR);
    builder.addRating(other, 'in-window', HelpfulnessLevel.Helpful, created + 47 * HOUR);
    const input = builder.build();
    const all = Int32Array.from(input.ratingNote.keys());
    const valid = validRatingMask(input, all);
    const validRaters = Array.from(all)
      .filter((_, k) => valid[k])
      .map((i) => input.participantIds[input.ratingRater[i]]);
    expect(validRaters.sort()).toEqual(['early', 'in-window']);
  });

  it('counts only the first five ratings of notes created before 2022-05-19', () => {
    const raters = ids('r', 8).reverse();
    const legacy = community([raters], Date.UTC(2022, 0, 1));
    const valid = validRatingMask(legacy, Int32Array.from(legacy.ratingNote.keys()));
    const firstFive = new Set(raters.slice(0, 5));
    legacy.ratingRater.forEach((u, k) => {
      expect(valid[k]).toBe(firstFive.has(legacy.participantIds[u]) ? 1 : 0);
    });
    const recent = community([raters]);
    expect(
      validRatingMask(recent, Int32Array.from(recent.ratingNote.keys())).every((v) => v === 1),
    ).toBe(true);
  });
});
