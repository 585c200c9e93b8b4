import type { CommunityNotesData } from './community-notes-reader';
import { ourScores } from './our-notes';
import type { ReferenceData } from './reference-agreement';

/** Smallest, median and largest of a set of shares (0–1). */
export interface Spread {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/**
 * How much the reference's random start of its low-diligence model alone moves Core statuses
 * (FIRM_REJECT and NEEDS_YOUR_HELP kept apart: the rule turns a note it fires on into
 * FIRM_REJECT). The reference starts that model's note factors and intercepts from torch's
 * N(0, 1) draws, stops its Adam fit short of the optimum, and so lands on intercepts that depend
 * on the draw. Its draws cannot be reproduced, but the same model started from other N(0, 1)
 * draws (`lowDiligenceInitSeed`) can: two such runs disagree with each other about as much as
 * either does with the reference, and that spread is the floor below which no deterministic
 * scorer can expect to agree with any single run of the reference.
 */
export interface InitNoise {
  /** Seeds 1…runs. */
  readonly runs: number;
  /** Core-status agreement of every pair of seeded runs. */
  readonly pairs: Spread;
  /** Each seeded run's Core-status agreement with the reference's. */
  readonly againstReference: Spread;
}

function spread(shares: number[]): Spread {
  const sorted = [...shares].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return {
    count: sorted.length,
    min: sorted[0] ?? NaN,
    median: sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2,
    max: sorted.at(-1) ?? NaN,
  };
}

/** Scores `data` settled `runs` times, the low-diligence model started from seeds 1…runs. */
export function initNoise(
  data: CommunityNotesData,
  reference: ReferenceData,
  runs: number,
  seed: number,
): InitNoise {
  const seeded = Array.from({ length: runs }, (_, k) => {
    const { notes } = ourScores(data, { seed, lowDiligenceInitSeed: k + 1 });
    return (id: string): string | undefined => notes.get(id)?.coreStatus;
  });
  // The notes the main comparison counts: the reference's, where ours has them too.
  const ids = [...reference.notes.keys()].filter((id) => seeded[0]?.(id) !== undefined);
  const share = (a: (id: string) => string | undefined, b: (id: string) => string | undefined) =>
    ids.filter((id) => a(id) === b(id)).length / Math.max(1, ids.length);
  const pairs: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (let j = i + 1; j < runs; j++) pairs.push(share(seeded[i], seeded[j]));
  }
  const referenceStatus = (id: string): string | undefined => reference.notes.get(id)?.coreStatus;
  return {
    runs,
    pairs: spread(pairs),
    againstReference: spread(seeded.map((run) => share(run, referenceStatus))),
  };
}

/** The figures as text lines, for the agreement's output. */
export function formatInitNoise(noise: InitNoise): string[] {
  const percent = (x: number): string => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(2)} %`);
  const line = (s: Spread): string =>
    `min ${percent(s.min)}, median ${percent(s.median)}, max ${percent(s.max)}`;
  return [
    `the low-diligence model started from N(0, 1) draws as the reference's is (seeds 1–${noise.runs}), core status:`,
    `  two such runs agree on: ${line(noise.pairs)} (${noise.pairs.count} pairs)`,
    `  one such run against the reference: ${line(noise.againstReference)}`,
  ];
}
