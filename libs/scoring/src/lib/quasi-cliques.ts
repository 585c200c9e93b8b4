import {
  QUASI_CLIQUE_MAX_SIZE,
  QUASI_CLIQUE_MEMBER_SHARE,
  QUASI_CLIQUE_MIN_ACTING_MEMBERS,
  QUASI_CLIQUE_MIN_PAIR_COLLISIONS,
  QUASI_CLIQUE_MIN_POSTS,
  QUASI_CLIQUE_MIN_SIZE,
  QUASI_CLIQUE_SEED_COLLISIONS,
  QUASI_CLIQUE_WINDOW_MS,
} from './constants';
import type { ScoringInput } from './scoring-input';

/** Pair keys held in memory at once while counting collisions (8 bytes each). */
const PAIRS_PER_PASS = 8_000_000;

/** A rater must act on this many qualifying notes to be a member (25 % of at least 25). */
const MIN_MEMBER_RATINGS = Math.ceil(QUASI_CLIQUE_MEMBER_SHARE * QUASI_CLIQUE_MIN_POSTS);

/**
 * §7.8 quasi-cliques: groups of raters who keep giving the same rating to the same notes.
 * Over misleading notes created in the 13 weeks before the newest rating, count for every rater
 * pair the notes they rated identically (a note stands for its post here: the input has no post
 * ids). Pairs with > 50 collisions seed a clique, which grows greedily, best-connected
 * candidate first, while ≥ 25 notes remain on which ≥ 25 % of the members (and ≥ min(4, size))
 * rated identically and every member took part in ≥ 25 % of those notes. Cliques of ≥ 5 raters
 * are kept. Returns 1 per "correlated" participant.
 */
export function quasiCliqueMembers(input: ScoringInput): Uint8Array {
  const participants = input.participantIds.length;
  const correlated = new Uint8Array(participants);
  const ratings = windowRatings(input);
  if (ratings.length === 0) return correlated;
  const pairs = countCollisions(input, ratings);
  const byRater = ratingsByRater(input, ratings);

  const neighbours = new Map<number, Map<number, number>>();
  const link = (a: number, b: number, count: number): void => {
    let m = neighbours.get(a);
    if (!m) neighbours.set(a, (m = new Map()));
    m.set(b, count);
  };
  for (let p = 0; p < pairs.first.length; p++) {
    link(pairs.first[p], pairs.second[p], pairs.count[p]);
    link(pairs.second[p], pairs.first[p], pairs.count[p]);
  }
  const seeds = Array.from(pairs.count.keys())
    .filter((p) => pairs.count[p] > QUASI_CLIQUE_SEED_COLLISIONS)
    .sort((a, b) => pairs.count[b] - pairs.count[a] || a - b);

  const assigned = new Uint8Array(participants);
  const tally = new Int32Array(input.noteIds.length * 3);
  for (const p of seeds) {
    const a = pairs.first[p];
    const b = pairs.second[p];
    if (assigned[a] || assigned[b]) continue;
    const members = [a, b];
    const tried = new Set<number>(members);
    while (members.length < QUASI_CLIQUE_MAX_SIZE) {
      const next = bestCandidate(members, neighbours, tried, assigned);
      if (next < 0) break;
      tried.add(next);
      if (isQuasiClique([...members, next], byRater, tally)) members.push(next);
    }
    if (members.length >= QUASI_CLIQUE_MIN_SIZE) {
      for (const u of members) assigned[u] = correlated[u] = 1;
    }
  }
  return correlated;
}

/** Ratings on misleading notes of the last 13 weeks, from raters active enough to be members. */
function windowRatings(input: ScoringInput): Int32Array {
  const { ratingNote, ratingRater, ratingCreatedAtMs } = input;
  let newest = -Infinity;
  for (const t of ratingCreatedAtMs) if (t > newest) newest = t;
  const since = newest - QUASI_CLIQUE_WINDOW_MS;
  const inWindow = (i: number): boolean =>
    input.noteMisleading[ratingNote[i]] === 1 && input.noteCreatedAtMs[ratingNote[i]] >= since;
  const perRater = new Int32Array(input.participantIds.length);
  for (let i = 0; i < ratingNote.length; i++) if (inWindow(i)) perRater[ratingRater[i]]++;
  const kept: number[] = [];
  for (let i = 0; i < ratingNote.length; i++) {
    if (inWindow(i) && perRater[ratingRater[i]] >= MIN_MEMBER_RATINGS) kept.push(i);
  }
  return Int32Array.from(kept);
}

interface PairCounts {
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly count: Int32Array;
}

/**
 * Rater pairs with ≥ 5 identical ratings, in the order of their keys a·participants + b (a < b)
 * within each residue class of a (modulo the number of passes of PAIRS_PER_PASS keys each that
 * sorting every pair's key would take), the classes one after the other: seeds with equal
 * counts are taken in this order. Each first rater's partners are tallied in a counter per
 * participant, so the work is linear in the pairs and memory bounded by the participants.
 */
function countCollisions(input: ScoringInput, ratings: Int32Array): PairCounts {
  const participants = input.participantIds.length;
  const minCollisions = QUASI_CLIQUE_MIN_PAIR_COLLISIONS;
  // `ratings` is ascending, so grouped by note; within a note, split by level, raters ascending.
  // Groups of ≥ 2 raters are laid end to end in `members`; groupEnd[x] ends the group of x.
  const members = new Int32Array(ratings.length);
  const groupEnd = new Int32Array(ratings.length);
  let used = 0;
  let total = 0;
  const levelRaters: number[][] = [[], [], []];
  const flush = (): void => {
    for (const raters of levelRaters) {
      if (raters.length > 1) {
        if (!isAscending(raters)) raters.sort((x, y) => x - y);
        const end = used + raters.length;
        for (const u of raters) {
          groupEnd[used] = end;
          members[used++] = u;
        }
        total += (raters.length * (raters.length - 1)) / 2;
      }
      raters.length = 0;
    }
  };
  for (let k = 0; k < ratings.length; k++) {
    const i = ratings[k];
    if (k > 0 && input.ratingNote[ratings[k - 1]] !== input.ratingNote[i]) flush();
    levelRaters[input.ratingLevel[i]].push(input.ratingRater[i]);
  }
  flush();

  // Each rater's places in `members`, ascending.
  const placeStart = new Int32Array(participants + 1);
  for (let x = 0; x < used; x++) placeStart[members[x] + 1]++;
  for (let u = 0; u < participants; u++) placeStart[u + 1] += placeStart[u];
  const places = new Int32Array(used);
  const fill = placeStart.slice(0, participants);
  for (let x = 0; x < used; x++) places[fill[members[x]]++] = x;

  const passes = Math.max(1, Math.ceil(total / PAIRS_PER_PASS));
  const first: number[] = [];
  const second: number[] = [];
  const count: number[] = [];
  const tally = new Int32Array(participants);
  const partners = new Int32Array(participants);
  for (let pass = 0; pass < passes; pass++) {
    for (let a = pass; a < participants; a += passes) {
      let found = 0;
      for (let q = placeStart[a]; q < placeStart[a + 1]; q++) {
        const x = places[q];
        for (let y = x + 1; y < groupEnd[x]; y++) {
          const b = members[y];
          if (tally[b]++ === 0) partners[found++] = b;
        }
      }
      const sorted = partners.subarray(0, found).sort();
      for (let j = 0; j < found; j++) {
        const b = sorted[j];
        if (tally[b] >= minCollisions) {
          first.push(a);
          second.push(b);
          count.push(tally[b]);
        }
        tally[b] = 0;
      }
    }
  }
  return {
    first: Int32Array.from(first),
    second: Int32Array.from(second),
    count: Int32Array.from(count),
  };
}

function isAscending(values: readonly number[]): boolean {
  for (let j = 1; j < values.length; j++) if (values[j - 1] >= values[j]) return false;
  return true;
}

/** Per rater, its window ratings as (note, level) pairs. */
function ratingsByRater(input: ScoringInput, ratings: Int32Array): Map<number, Int32Array> {
  const lists = new Map<number, number[]>();
  for (const i of ratings) {
    const u = input.ratingRater[i];
    let list = lists.get(u);
    if (!list) lists.set(u, (list = []));
    list.push(input.ratingNote[i] * 3 + input.ratingLevel[i]);
  }
  return new Map(Array.from(lists, ([u, list]) => [u, Int32Array.from(list)]));
}

/** The untried candidate with the most collisions with the members (lowest index on ties). */
function bestCandidate(
  members: number[],
  neighbours: Map<number, Map<number, number>>,
  tried: Set<number>,
  assigned: Uint8Array,
): number {
  const score = new Map<number, number>();
  for (const m of members) {
    for (const [v, c] of neighbours.get(m) ?? []) {
      if (tried.has(v) || assigned[v]) continue;
      score.set(v, (score.get(v) ?? 0) + c);
    }
  }
  let best = -1;
  let bestScore = 0;
  for (const [v, s] of score) {
    if (s > bestScore || (s === bestScore && v < best)) {
      best = v;
      bestScore = s;
    }
  }
  return best;
}

function isQuasiClique(
  members: number[],
  byRater: Map<number, Int32Array>,
  tally: Int32Array,
): boolean {
  const size = members.length;
  const needed = Math.max(
    QUASI_CLIQUE_MEMBER_SHARE * size,
    Math.min(QUASI_CLIQUE_MIN_ACTING_MEMBERS, size),
  );
  const touched: number[] = [];
  for (const u of members) {
    for (const cell of byRater.get(u) ?? []) {
      if (tally[cell]++ === 0) touched.push(cell);
    }
  }
  const qualifying = new Set<number>();
  for (const cell of touched) if (tally[cell] >= needed) qualifying.add(cell);
  let enough = qualifying.size >= QUASI_CLIQUE_MIN_POSTS;
  if (enough) {
    for (const u of members) {
      let acted = 0;
      for (const cell of byRater.get(u) ?? []) if (qualifying.has(cell)) acted++;
      if (acted < QUASI_CLIQUE_MEMBER_SHARE * qualifying.size) {
        enough = false;
        break;
      }
    }
  }
  for (const cell of touched) tally[cell] = 0;
  return enough;
}
