import { scoreNotes, type ScoringResult } from '../lib/scorer';
import { ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { builderSink, generateSyntheticCommunity } from '../synthetic/synthetic-data';
import {
  decodeFrozenRaters,
  encodeFrozenRaters,
  freezeRaters,
  type FrozenRaters,
} from './frozen-raters';
import { scoreWithFrozenRaters } from './frozen-scoring';
import { notesSubset } from './note-subset';

/**
 * The documented tolerance of frozen scoring (docs/architecture.md, "Incremental runs"): of the
 * notes it rescored, at most this share may show another status than a full run on the same
 * data would give them. Here 2 of 48 differ; for scale, the full run itself moves 13 of the 352
 * notes that got no new rating at all (3.7 %), as the raters' parameters move.
 */
const TOLERANCE = 0.05;

const OPTIONS = { seed: 11, raters: 600, notes: 400, ratings: 24_000 };

/** The community with only the ratings made before `untilMs` (all of them without it). */
function community(untilMs = Infinity): ScoringInput {
  const builder = new ScoringInputBuilder();
  const sink = builderSink(builder);
  generateSyntheticCommunity(OPTIONS, {
    note: sink.note,
    rating: (noteId, raterId, level, createdAtMs, tags) => {
      if (createdAtMs < untilMs) sink.rating(noteId, raterId, level, createdAtMs, tags);
    },
  });
  return builder.build();
}

function frozenOf(result: ScoringResult): FrozenRaters {
  const frozen = freezeRaters(result);
  if ('unusable' in frozen) throw new Error(frozen.unusable);
  return frozen;
}

describe('final scoring with frozen raters', () => {
  const all = community();
  const times = Float64Array.from(all.ratingCreatedAtMs).sort();
  // The last 5 % of the ratings arrive after the full run.
  const cutMs = times[Math.floor(times.length * 0.95)];
  const before = community(cutMs);
  const full = scoreNotes(all);
  const base = scoreNotes(before);
  const frozen = frozenOf(base);
  const touched = Int32Array.from(
    new Set(Array.from(all.ratingNote).filter((_, i) => all.ratingCreatedAtMs[i] >= cutMs)),
  ).sort();

  it('gives the statuses of a full run on the same data, within the tolerance', () => {
    expect(touched.length).toBeGreaterThan(20);
    const incremental = scoreWithFrozenRaters(notesSubset(all, touched), frozen);
    let differing = 0;
    let helpful = 0;
    touched.forEach((n, k) => {
      expect(incremental.input.noteIds[k]).toBe(all.noteIds[n]);
      if (incremental.finalStatus[k] !== full.finalStatus[n]) differing++;
      if (full.finalStatus[n] !== 0) helpful++;
    });
    // Not a vacuous comparison: the touched notes include decided ones.
    expect(helpful).toBeGreaterThan(0);
    expect(differing / touched.length).toBeLessThanOrEqual(TOLERANCE);
  });

  it('with the raters frozen at the data itself, is exactly the full run', () => {
    // The fit of every note separates once raters are fixed: scoring all notes against the full
    // run's own raters must reproduce its statuses bit for bit.
    const same = scoreWithFrozenRaters(all, frozenOf(full));
    expect(Array.from(same.finalStatus)).toEqual(Array.from(full.finalStatus));
    expect(Array.from(same.final.intercept)).toEqual(Array.from(full.final.intercept));
  });

  it('scores the same from the stored bytes as from the run', () => {
    const decoded = decodeFrozenRaters(encodeFrozenRaters(frozen));
    const subset = notesSubset(all, touched);
    const direct = scoreWithFrozenRaters(subset, frozen);
    const stored = scoreWithFrozenRaters(subset, decoded);
    expect(Array.from(stored.final.intercept)).toEqual(Array.from(direct.final.intercept));
    expect(Array.from(stored.finalStatus)).toEqual(Array.from(direct.finalStatus));
  });

  it('refuses stored bytes whose header parses but whose columns do not fit it', () => {
    const bytes = encodeFrozenRaters(frozen);
    expect(() => decodeFrozenRaters(bytes)).not.toThrow();
    // One rater fewer in the header than in every rater column.
    expect(() =>
      decodeFrozenRaters(
        encodeFrozenRaters({ ...frozen, participantIds: frozen.participantIds.slice(1) }),
      ),
    ).toThrow(/columns missing or of the wrong length/);
    // A state cut short: its last columns are missing.
    expect(() =>
      decodeFrozenRaters(bytes.slice(0, bytes.length - 8 * frozen.noteIds.length)),
    ).toThrow();
  });
});
