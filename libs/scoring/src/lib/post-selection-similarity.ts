import {
  MIN_NOTES_FOR_PRODUCTION_DATA,
  PSS_MIN_DENOMINATOR,
  PSS_MIN_RATER_COVERAGE,
  PSS_MIN_WRITER_SHARE,
  PSS_WINDOWS_MS,
} from './constants';
import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

/** §7.7: PSS cliques and the ratings that survive them. */
export interface PostSelectionSimilarity {
  /** Clique number per participant (≥ 0), −1 for participants in no clique. */
  readonly clique: Int32Array;
  readonly cliques: number;
  /** Indexes of the ratings kept after §3 step 6 (a) and (b), ascending. */
  readonly keptRatings: Int32Array;
}

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
 * §7.7 (a) writer–rater affinity: for each window (1, 5, 20 minutes after a note's creation),
 * the HELPFUL ratings made that fast. A (writer, rater) pair is suspicious when the rater
 * fast-rated ≥ 20/30/40 % of the writer's notes (writer with ≥ 10 notes) or the writer's notes
 * are ≥ 20/45/70 % of the rater's fast ratings (rater with ≥ 10). Suspicious pairs are merged
 * into cliques (connected components). §3 step 6 then drops a clique member's rating on a note
 * written by the same clique, and keeps only the earliest rating per (note, clique); both are
 * skipped below 200 rated notes, as in the reference.
 *
 * Not implemented: the co-rating similarity (b), which needs the post a note is attached to.
 */
export function postSelectionSimilarity(input: ScoringInput): PostSelectionSimilarity {
  const participants = input.participantIds.length;
  const { ratingNote, ratingRater, ratingLevel, ratingCreatedAtMs, noteAuthor } = input;
  const authored = new Int32Array(participants);
  for (const a of noteAuthor) if (a >= 0) authored[a]++;

  const cliqueOf = new UnionFind(participants);
  const inPair = new Uint8Array(participants);
  const fast = new Int32Array(participants);
  PSS_WINDOWS_MS.forEach((window, w) => {
    fast.fill(0);
    const pairs = new Map<number, number>();
    for (let i = 0; i < ratingNote.length; i++) {
      if (ratingLevel[i] !== HelpfulnessLevel.Helpful) continue;
      const n = ratingNote[i];
      const delay = ratingCreatedAtMs[i] - input.noteCreatedAtMs[n];
      if (!(delay >= 0 && delay <= window)) continue;
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
        cliqueOf.union(writer, rater);
        inPair[writer] = inPair[rater] = 1;
      }
    }
  });

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
    keptRatings: ratingsAfterCliques(input, clique),
  };
}

function ratingsAfterCliques(input: ScoringInput, clique: Int32Array): Int32Array {
  const { ratingNote, ratingRater, ratingCreatedAtMs, noteAuthor } = input;
  const total = ratingNote.length;
  let distinctNotes = 0;
  for (let i = 0; i < total; i++)
    if (i === 0 || ratingNote[i] !== ratingNote[i - 1]) distinctNotes++;
  const all = Int32Array.from({ length: total }, (_, i) => i);
  if (distinctNotes < MIN_NOTES_FOR_PRODUCTION_DATA) return all;
  const keep = new Uint8Array(total).fill(1);
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
  return all.filter((i) => keep[i] === 1);
}
