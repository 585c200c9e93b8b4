import {
  MIN_NOTES_FOR_PRODUCTION_DATA,
  PSS_CO_RATING_WINDOW_MS,
  PSS_MIN_DENOMINATOR,
  PSS_MIN_RATED_POSTS,
  PSS_MIN_RATER_COVERAGE,
  PSS_MIN_SIM_PSEUDOCOUNTS,
  PSS_MIN_SIM_RATIO,
  PSS_MIN_SMOOTHED_NPMI,
  PSS_MIN_WRITER_SHARE,
  PSS_PMI_PSEUDOCOUNTS,
  PSS_WINDOWS_MS,
} from './constants';
import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

/** §7.7: PSS cliques and the ratings that survive them. */
export interface PostSelectionSimilarity {
  /** Clique number per participant (≥ 0), −1 for participants in no clique. */
  readonly clique: Int32Array;
  readonly cliques: number;
  /** Suspicious (writer, rater) pairs found by affinity (a) and by co-rating (b). */
  readonly affinityPairs: number;
  readonly coRatingPairs: number;
  /** Indexes of the ratings kept after §3 step 6 (a) and (b), ascending. */
  readonly keptRatings: Int32Array;
}

/** Pair keys held in memory at once while counting co-rated posts (8 bytes each). */
const PAIRS_PER_PASS = 8_000_000;

class UnionFind {
  private readonly parent: Int32Array;
  constructor(size: number) {
    this.parent = Int32Array.from({ length: size }, (_, i) => i);
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[x] !== root) {
      const next = this.parent[x];
      this.parent[x] = root;
      x = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The smaller index becomes the root, so clique numbering is independent of pair order.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

/**
 * §7.7: raters who seem to pick what they rate together. Suspicious pairs are found two ways and
 * merged into cliques (connected components):
 *
 * (a) writer–rater affinity: for each window (1, 5, 20 minutes after a note's creation), the
 * HELPFUL ratings made that fast. A (writer, rater) pair is suspicious when the rater fast-rated
 * ≥ 20/30/40 % of the writer's notes (writer with ≥ 10 notes) or the writer's notes are
 * ≥ 20/45/70 % of the rater's fast ratings (rater with ≥ 10);
 *
 * (b) co-rating within time windows (`coRatingPairs`): raters who keep rating notes on the same
 * posts within 20 minutes of each other.
 *
 * §3 step 6 then drops a clique member's rating on a note written by the same clique, and keeps
 * only the earliest rating per (note, clique); both are skipped below 200 rated notes, as in the
 * reference.
 */
export function postSelectionSimilarity(input: ScoringInput): PostSelectionSimilarity {
  const participants = input.participantIds.length;
  const cliqueOf = new UnionFind(participants);
  const inPair = new Uint8Array(participants);
  const link = (a: number, b: number): void => {
    cliqueOf.union(a, b);
    inPair[a] = inPair[b] = 1;
  };
  const affinityPairs = writerRaterAffinity(input, link);
  const coRating = coRatingPairs(input);
  for (let p = 0; p < coRating.first.length; p++) link(coRating.first[p], coRating.second[p]);

  const clique = new Int32Array(participants).fill(-1);
  const numberOfRoot = new Map<number, number>();
  for (let u = 0; u < participants; u++) {
    if (!inPair[u]) continue;
    const root = cliqueOf.find(u);
    let number = numberOfRoot.get(root);
    if (number === undefined) {
      number = numberOfRoot.size;
      numberOfRoot.set(root, number);
    }
    clique[u] = number;
  }
  return {
    clique,
    cliques: numberOfRoot.size,
    affinityPairs,
    coRatingPairs: coRating.first.length,
    keptRatings: ratingsAfterCliques(input, clique),
  };
}

/**
 * How much longer a note-to-rating delay may look than it was, when both times are members' own
 * minutes (`ratingTimeSlackMs` > 0; 0 for trusted times). The API accepts any minute within
 * CLOCK_SKEW_MINUTES (10) of its own for a note as for a rating, and the note's time is its
 * author's minute as the rating's is its rater's. A rating made at server time S_r may say up to
 * 10 minutes after floor(S_r) (slack − 1 minute), a note made at S_n may say from floor(S_n) − 10,
 * up to 11 minutes before S_n (the slack); so a stated delay D means a true delay above
 * D − 21 minutes (and above 0: a rating is sealed after its note). A rating is in a window when
 * that lower bound is below it: the true delay could have been within it. The writer–rater pairs
 * this looks for are exactly the members who could set both minutes together.
 */
function memberMinuteUncertaintyMs(input: ScoringInput): number {
  const slack = input.ratingTimeSlackMs ?? 0;
  return slack > 0 ? slack + (slack - 60_000) : 0;
}

/** §7.7 (a); calls `link` for every suspicious (writer, rater) pair and returns their number. */
function writerRaterAffinity(
  input: ScoringInput,
  link: (writer: number, rater: number) => void,
): number {
  const participants = input.participantIds.length;
  const { ratingNote, ratingRater, ratingLevel, ratingCreatedAtMs, noteAuthor } = input;
  const authored = new Int32Array(participants);
  for (const a of noteAuthor) if (a >= 0) authored[a]++;
  const fast = new Int32Array(participants);
  const suspicious = new Set<number>();
  // Where times are members' own minutes (`ratingTimeSlackMs`), a window holds every rating
  // that could have been made within it (`memberMinuteUncertaintyMs`), so neither dating the
  // rating forward nor the note back takes a fast rater out. Trusted times (Community Notes'
  // data) are compared as the reference compares them.
  const uncertainty = memberMinuteUncertaintyMs(input);
  PSS_WINDOWS_MS.forEach((window, w) => {
    fast.fill(0);
    const pairs = new Map<number, number>();
    for (let i = 0; i < ratingNote.length; i++) {
      if (ratingLevel[i] !== HelpfulnessLevel.Helpful) continue;
      const n = ratingNote[i];
      const delay = ratingCreatedAtMs[i] - input.noteCreatedAtMs[n];
      const inWindow =
        uncertainty > 0 ? delay - uncertainty < window : delay >= 0 && delay <= window;
      if (!inWindow) continue;
      const rater = ratingRater[i];
      fast[rater]++;
      const writer = noteAuthor[n];
      if (writer < 0 || writer === rater) continue;
      const key = writer * participants + rater;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    for (const [key, count] of pairs) {
      const writer = Math.floor(key / participants);
      const rater = key - writer * participants;
      const covers =
        authored[writer] >= PSS_MIN_DENOMINATOR &&
        count / authored[writer] >= PSS_MIN_RATER_COVERAGE[w];
      const dominates =
        fast[rater] >= PSS_MIN_DENOMINATOR && count / fast[rater] >= PSS_MIN_WRITER_SHARE[w];
      if (covers || dominates) {
        link(writer, rater);
        suspicious.add(key);
      }
    }
  });
  return suspicious.size;
}

/** Rater pairs (first < second, participant indexes), in ascending key order. */
export interface RaterPairs {
  readonly first: Int32Array;
  readonly second: Int32Array;
  /** Posts the pair co-rated. */
  readonly coRatedPosts: Int32Array;
}

/**
 * §7.7 (b) co-rating within time windows. Two raters co-rate a post when, on one of its notes,
 * their ratings are at most 20 minutes apart (any helpfulness); each pair counts once per post
 * however many of its notes they co-rate. With `c` a pair's co-rated posts, `A` and `B` each
 * rater's rated posts and `N` the number of distinct (post, rater) pairs in the input:
 *
 *   smoothed NPMI = ln(c·N / ((A + 500)(B + 500))) / −ln(c / N)
 *   min-similarity = c / (min(A, B) + 10)
 *
 * and the pair is suspicious when NPMI ≥ 0.55 or min-similarity ≥ 0.4. Only raters with ≥ 10
 * rated posts take part, and only notes with a post.
 *
 * Pair keys of one post are collected from every note's sliding window, deduplicated, then
 * sorted and run-length counted over the whole input; raters are split into as many residue
 * classes as keep each pass under PAIRS_PER_PASS keys, so memory stays bounded.
 */
export function coRatingPairs(input: ScoringInput): RaterPairs {
  const participants = input.participantIds.length;
  const postCount = input.postIds.length;
  const { ratingNote, ratingRater, ratingCreatedAtMs, notePost } = input;
  const noteCount = input.noteIds.length;
  const empty = {
    first: new Int32Array(0),
    second: new Int32Array(0),
    coRatedPosts: new Int32Array(0),
  };
  if (postCount === 0) return empty;

  // Ratings are sorted by note: each note's ratings are one range.
  const noteStart = new Int32Array(noteCount + 1);
  for (let i = 0; i < ratingNote.length; i++) noteStart[ratingNote[i] + 1]++;
  for (let n = 0; n < noteCount; n++) noteStart[n + 1] += noteStart[n];
  // Notes grouped by post, in note order within a post.
  const postStart = new Int32Array(postCount + 1);
  for (let n = 0; n < noteCount; n++) if (notePost[n] >= 0) postStart[notePost[n] + 1]++;
  for (let p = 0; p < postCount; p++) postStart[p + 1] += postStart[p];
  const notesByPost = new Int32Array(postStart[postCount]);
  const fill = postStart.slice(0, postCount);
  for (let n = 0; n < noteCount; n++) if (notePost[n] >= 0) notesByPost[fill[notePost[n]]++] = n;

  // Each rater's distinct rated posts (A, B) and N, the distinct (post, rater) pairs.
  const ratedPosts = new Int32Array(participants);
  const lastPost = new Int32Array(participants).fill(-1);
  let postRaterPairs = 0;
  for (let p = 0; p < postCount; p++) {
    for (let k = postStart[p]; k < postStart[p + 1]; k++) {
      const n = notesByPost[k];
      for (let i = noteStart[n]; i < noteStart[n + 1]; i++) {
        const u = ratingRater[i];
        if (lastPost[u] === p) continue;
        lastPost[u] = p;
        ratedPosts[u]++;
        postRaterPairs++;
      }
    }
  }

  // Per note, the ratings of raters active enough to take part, in time order. A rater below
  // the minimum only forms pairs that would be discarded, and leaving it out does not move
  // anyone else's window.
  const eligible = (u: number): boolean => ratedPosts[u] >= PSS_MIN_RATED_POSTS;
  const timed: number[] = [];
  const timedStart = new Int32Array(notesByPost.length + 1);
  let windowPairs = 0;
  for (let k = 0; k < notesByPost.length; k++) {
    const n = notesByPost[k];
    const from = timed.length;
    for (let i = noteStart[n]; i < noteStart[n + 1]; i++)
      if (eligible(ratingRater[i])) timed.push(i);
    const section = timed
      .slice(from)
      .sort(
        (x, y) => ratingCreatedAtMs[x] - ratingCreatedAtMs[y] || ratingRater[x] - ratingRater[y],
      );
    for (let j = 0; j < section.length; j++) timed[from + j] = section[j];
    timedStart[k + 1] = timed.length;
    windowPairs += slidingWindow(timed, from, timed.length, ratingCreatedAtMs);
  }
  if (windowPairs === 0) return empty;

  const passes = Math.max(1, Math.ceil(windowPairs / PAIRS_PER_PASS));
  const first: number[] = [];
  const second: number[] = [];
  const coRated: number[] = [];
  let postKeys = new Float64Array(1024);
  let passKeys = new Float64Array(Math.min(windowPairs, PAIRS_PER_PASS) + 1024);
  for (let pass = 0; pass < passes; pass++) {
    let passLength = 0;
    for (let p = 0; p < postCount; p++) {
      let length = 0;
      for (let k = postStart[p]; k < postStart[p + 1]; k++) {
        slidingWindow(timed, timedStart[k], timedStart[k + 1], ratingCreatedAtMs, (x, y) => {
          const a = Math.min(ratingRater[x], ratingRater[y]);
          const b = Math.max(ratingRater[x], ratingRater[y]);
          if (a % passes !== pass) return;
          if (length === postKeys.length) postKeys = grownKeys(postKeys, length * 2);
          postKeys[length++] = a * participants + b;
        });
      }
      if (length === 0) continue;
      const keys = postKeys.subarray(0, length).sort();
      if (passLength + length > passKeys.length) {
        passKeys = grownKeys(passKeys, Math.max(passKeys.length * 2, passLength + length));
      }
      for (let s = 0; s < length; s++) {
        if (s === 0 || keys[s] !== keys[s - 1]) passKeys[passLength++] = keys[s];
      }
    }
    const sorted = passKeys.subarray(0, passLength).sort();
    for (let s = 0; s < sorted.length;) {
      let e = s;
      while (e < sorted.length && sorted[e] === sorted[s]) e++;
      const a = Math.floor(sorted[s] / participants);
      const b = sorted[s] - a * participants;
      if (isCoRatingSuspicious(e - s, ratedPosts[a], ratedPosts[b], postRaterPairs)) {
        first.push(a);
        second.push(b);
        coRated.push(e - s);
      }
      s = e;
    }
  }
  // Passes interleave residue classes: put the pairs back in key order.
  const order = Array.from(first.keys()).sort(
    (x, y) => first[x] - first[y] || second[x] - second[y],
  );
  return {
    first: Int32Array.from(order, (k) => first[k]),
    second: Int32Array.from(order, (k) => second[k]),
    coRatedPosts: Int32Array.from(order, (k) => coRated[k]),
  };
}

/**
 * Calls `pair(earlier, later)` for every two ratings of one note (positions `from`…`to` of
 * `timed`, in time order) at most PSS_CO_RATING_WINDOW_MS apart, as the reference's sliding
 * window does; returns how many there are.
 */
function slidingWindow(
  timed: readonly number[],
  from: number,
  to: number,
  time: Float64Array,
  pair?: (earlier: number, later: number) => void,
): number {
  let start = from;
  let count = 0;
  for (let i = from; i < to; i++) {
    while (time[timed[i]] - time[timed[start]] > PSS_CO_RATING_WINDOW_MS) start++;
    if (pair) for (let j = start; j < i; j++) pair(timed[j], timed[i]);
    count += i - start;
  }
  return count;
}

/** §7.7 (b)'s two tests on a pair that co-rated `c` posts of `a` and `b` (`n` post–rater pairs). */
export function isCoRatingSuspicious(c: number, a: number, b: number, n: number): boolean {
  const smoothedPmi = Math.log((c * n) / ((a + PSS_PMI_PSEUDOCOUNTS) * (b + PSS_PMI_PSEUDOCOUNTS)));
  const smoothedNpmi = smoothedPmi / -Math.log(c / n);
  const minSimilarity = c / (Math.min(a, b) + PSS_MIN_SIM_PSEUDOCOUNTS);
  return smoothedNpmi >= PSS_MIN_SMOOTHED_NPMI || minSimilarity >= PSS_MIN_SIM_RATIO;
}

function grownKeys(keys: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(capacity);
  next.set(keys);
  return next;
}

function ratingsAfterCliques(input: ScoringInput, clique: Int32Array): Int32Array {
  const { ratingNote, ratingRater, ratingCreatedAtMs, noteAuthor } = input;
  const total = ratingNote.length;
  let distinctNotes = 0;
  for (let i = 0; i < total; i++)
    if (i === 0 || ratingNote[i] !== ratingNote[i - 1]) distinctNotes++;
  const keep = new Uint8Array(total).fill(1);
  if (distinctNotes < MIN_NOTES_FOR_PRODUCTION_DATA) return keptIndexes(keep, total);
  // Ratings are grouped by note: find each clique's earliest rating within the note's range.
  const earliest = new Map<number, number>();
  for (let start = 0; start < total;) {
    const n = ratingNote[start];
    let end = start;
    while (end < total && ratingNote[end] === n) end++;
    earliest.clear();
    const authorClique = noteAuthor[n] >= 0 ? clique[noteAuthor[n]] : -1;
    for (let i = start; i < end; i++) {
      const c = clique[ratingRater[i]];
      if (c < 0) continue;
      if (c === authorClique) {
        keep[i] = 0;
        continue;
      }
      const first = earliest.get(c);
      if (first === undefined) {
        earliest.set(c, i);
      } else if (ratingCreatedAtMs[i] < ratingCreatedAtMs[first]) {
        keep[first] = 0;
        earliest.set(c, i);
      } else {
        keep[i] = 0;
      }
    }
    start = end;
  }
  return keptIndexes(keep, total);
}

/** The indexes i with `keep[i] === 1`, ascending, in plain loops (a million ratings at 1M). */
function keptIndexes(keep: Uint8Array, total: number): Int32Array {
  let count = 0;
  for (let i = 0; i < total; i++) count += keep[i];
  const kept = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < total; i++) if (keep[i] === 1) kept[k++] = i;
  return kept;
}

/** What final scoring (§5.2) keeps of the ratings and which raters its rule-16 pass leaves out. */
export interface FinalScoringRatings {
  /** Indexes of the ratings final scoring fits, ascending. */
  readonly keptRatings: Int32Array;
  /** 1 per participant in both a PSS clique and a quasi-clique. */
  readonly correlated: Uint8Array;
}

/**
 * The reference's final scoring does not reuse prescoring's ratings: it applies §3 step 6 again
 * to the full ratings, with the per-rater (PSS clique, quasi-clique) table read back from
 * prescoring with every row missing either value dropped. Only raters in both a PSS clique and a
 * quasi-clique are left in it, so only their ratings are thinned (a note's author counts as a
 * clique member only when in both too), and only they are flagged correlated for rule 16.
 */
export function finalScoringRatings(
  input: ScoringInput,
  clique: Int32Array,
  quasiClique: Uint8Array,
): FinalScoringRatings {
  const correlated = Uint8Array.from(clique, (c, u) => (c >= 0 && quasiClique[u] === 1 ? 1 : 0));
  const bothClique = Int32Array.from(clique, (c, u) => (correlated[u] === 1 ? c : -1));
  return { keptRatings: ratingsAfterCliques(input, bothClique), correlated };
}
