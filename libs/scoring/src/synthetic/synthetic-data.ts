import { randomUUID } from 'node:crypto';

import { Random } from '../lib/random';
import { FIRST_NOT_HELPFUL_TAG, TAG_COUNT } from '../lib/rating-tags';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';

/**
 * A synthetic community: raters with a latent viewpoint in two camps plus neutrals and a few
 * contrarians, notes with a latent quality and slant, noisy ratings. Used by tests, the
 * benchmark and the TSV generator; the same options and seed always give the same data.
 */
export interface SyntheticOptions {
  readonly seed: number;
  readonly raters: number;
  readonly notes: number;
  /** Target number of ratings; the generated count is close to it. */
  readonly ratings: number;
  /** Share of raters who rate against note quality; the two-round fit should drop them. */
  readonly contrarianShare?: number;
}

export enum RaterKind {
  CampA = 0,
  CampB = 1,
  Neutral = 2,
  Contrarian = 3,
}

/** The latent truth behind the ratings, for tests that check what the scorer recovers. */
export interface SyntheticTruth {
  readonly raterIds: readonly string[];
  readonly raterKind: Uint8Array;
  readonly raterViewpoint: Float64Array;
  readonly noteIds: readonly string[];
  readonly noteQuality: Float64Array;
  readonly noteSlant: Float64Array;
}

/** Receives the generated rows, in generation order; `ScoringInputBuilder` and the TSV writer both fit. */
export interface SyntheticSink {
  note(
    id: string,
    authorId: string,
    createdAtMs: number,
    misleading: boolean,
    postId: string,
  ): void;
  /** `tags` is a `RatingTag` bit mask. */
  rating(
    noteId: string,
    raterId: string,
    level: HelpfulnessLevel,
    createdAtMs: number,
    tags: number,
  ): void;
}

/** Start of the synthetic timeline, a fixed date so that output never depends on the clock. */
export const SYNTHETIC_EPOCH_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

export function syntheticRaterId(index: number): string {
  return `rater${index.toString(16).padStart(8, '0')}`;
}

export function syntheticNoteId(index: number): string {
  return String(1_000_000_000 + index);
}

export function syntheticPostId(index: number): string {
  return String(2_000_000_000 + index);
}

/**
 * A fresh UUID that sorts by `index`, for a synthetic community written to a database (whose
 * ids are UUIDs): the scorer orders notes and posts by id and seeds each note's starting factors
 * by its place in that order, so random ids made every run of the same community start from
 * other values, and a note near a threshold came out otherwise from one test run to the next.
 * The random rest keeps ids unique when several communities are written to one database.
 */
export function orderedId(index: number): string {
  return `${index.toString(16).padStart(8, '0')}${randomUUID().slice(8)}`;
}

export function generateSyntheticCommunity(
  options: SyntheticOptions,
  sink: SyntheticSink,
): SyntheticTruth {
  const random = new Random(options.seed);
  // Tags come from their own stream, so adding them left the ratings themselves unchanged.
  const tagRandom = new Random(options.seed + 0x7a65);
  // Posts too: about three notes in ten share the post of the note before them.
  const postRandom = new Random(options.seed + 0x9057);
  let postCount = 0;
  const contrarianShare = options.contrarianShare ?? 0.04;
  const raters = makeRaters(options.raters, contrarianShare, random);
  const noteCount = options.notes;
  const noteIds = Array.from({ length: noteCount }, (_, n) => syntheticNoteId(n));
  const noteQuality = new Float64Array(noteCount);
  const noteSlant = new Float64Array(noteCount);
  const meanRatings = options.ratings / noteCount;
  // Heavy-tailed ratings per note: lognormal with σ = 0.8, whose mean is e^{σ²/2} = 1.377.
  const ratingsScale = meanRatings / Math.exp(0.32);
  const lastNoteRated = new Int32Array(options.raters).fill(-1);

  for (let n = 0; n < noteCount; n++) {
    noteQuality[n] = -0.1 + 0.55 * random.normal();
    // Most notes lean to one side; about a third are written for everyone.
    const partisan = random.next() < 0.65;
    noteSlant[n] = partisan
      ? (random.next() < 0.5 ? -1 : 1) * (0.6 + 0.3 * random.normal())
      : 0.12 * random.normal();
    const createdAtMs = SYNTHETIC_EPOCH_MS + Math.floor(random.uniform(0, 30 * DAY_MS));
    const author = raters.pick(random);
    if (n === 0 || postRandom.next() >= 0.3) postCount++;
    sink.note(
      noteIds[n],
      syntheticRaterId(author),
      createdAtMs,
      random.next() < 0.88,
      syntheticPostId(postCount - 1),
    );

    const wanted = Math.min(
      options.raters >> 1,
      Math.max(1, Math.round(ratingsScale * Math.exp(0.8 * random.normal()))),
    );
    for (let k = 0; k < wanted; k++) {
      const u = raters.pick(random);
      // One rating per (rater, note): a per-rater marker makes the check O(1) without a Set.
      if (lastNoteRated[u] === n || u === author) continue;
      lastNoteRated[u] = n;
      const kind = raters.kind[u];
      const appeal = kind === RaterKind.Contrarian ? -noteQuality[n] : noteQuality[n];
      const z =
        appeal + noteSlant[n] * raters.viewpoint[u] + raters.leniency[u] + 0.35 * random.normal();
      const level =
        z > 0.2
          ? HelpfulnessLevel.Helpful
          : z < -0.2
            ? HelpfulnessLevel.NotHelpful
            : HelpfulnessLevel.SomewhatHelpful;
      // Most ratings arrive within hours; a few after the 48 h valid-rating window.
      const delayMs = Math.floor(-Math.log(1 - random.next()) * 14 * HOUR_MS);
      sink.rating(
        noteIds[n],
        syntheticRaterId(u),
        level,
        createdAtMs + delayMs,
        syntheticTags(level, tagRandom),
      );
    }
  }
  return {
    raterIds: Array.from({ length: options.raters }, (_, u) => syntheticRaterId(u)),
    raterKind: raters.kind,
    raterViewpoint: raters.viewpoint,
    noteIds,
    noteQuality,
    noteSlant,
  };
}

/**
 * One or two tags matching the level: helpful tags on HELPFUL ratings, not-helpful tags on
 * NOT_HELPFUL ones, none on SOMEWHAT_HELPFUL. A few popular tags take most of the use, as in
 * the public data, so explanation tags exist and tag ratios have a spread.
 */
function syntheticTags(level: HelpfulnessLevel, random: Random): number {
  if (level === HelpfulnessLevel.SomewhatHelpful) return 0;
  const first = level === HelpfulnessLevel.Helpful ? 0 : FIRST_NOT_HELPFUL_TAG;
  const kinds = level === HelpfulnessLevel.Helpful ? FIRST_NOT_HELPFUL_TAG : TAG_COUNT - first;
  const draw = (): number => first + Math.min(kinds - 1, Math.floor(kinds * random.next() ** 2));
  let mask = 1 << draw();
  if (random.next() < 0.5) mask |= 1 << draw();
  return mask;
}

interface RaterPopulation {
  readonly kind: Uint8Array;
  readonly viewpoint: Float64Array;
  readonly leniency: Float64Array;
  /** Draws a rater with probability proportional to their activity. */
  pick(random: Random): number;
}

function makeRaters(count: number, contrarianShare: number, random: Random): RaterPopulation {
  const kind = new Uint8Array(count);
  const viewpoint = new Float64Array(count);
  const leniency = new Float64Array(count);
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let u = 0; u < count; u++) {
    const draw = random.next();
    // Camp A is the larger camp, so identification (§4.3) should give it negative factors.
    if (draw < contrarianShare) kind[u] = RaterKind.Contrarian;
    else if (draw < 0.5) kind[u] = RaterKind.CampA;
    else if (draw < 0.85) kind[u] = RaterKind.CampB;
    else kind[u] = RaterKind.Neutral;
    const centre = kind[u] === RaterKind.CampA ? -1 : kind[u] === RaterKind.CampB ? 1 : 0;
    viewpoint[u] = centre + 0.25 * random.normal();
    leniency[u] = 0.12 * random.normal();
    total += Math.exp(0.9 * random.normal());
    cumulative[u] = total;
  }
  return {
    kind,
    viewpoint,
    leniency,
    pick(r: Random): number {
      const target = r.next() * total;
      let low = 0;
      let high = count - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (cumulative[mid] > target) high = mid;
        else low = mid + 1;
      }
      return low;
    },
  };
}

/** A sink that fills a `ScoringInputBuilder`. */
export function builderSink(builder: ScoringInputBuilder): SyntheticSink {
  return {
    note(id, authorId, createdAtMs, misleading, postId) {
      builder.addNote(id, { authorId, createdAtMs, misleading, postId });
    },
    rating(noteId, raterId, level, createdAtMs, tags) {
      builder.addRating(noteId, raterId, level, createdAtMs, tags);
    },
  };
}

/** Generates a community straight into a `ScoringInput`, plus its latent truth. */
export function syntheticScoringInput(options: SyntheticOptions): {
  input: ScoringInput;
  truth: SyntheticTruth;
} {
  const builder = new ScoringInputBuilder();
  const truth = generateSyntheticCommunity(options, builderSink(builder));
  return { input: builder.build(), truth };
}
