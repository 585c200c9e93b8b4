import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { PrescoringResult } from '../lib/prescoring';
import type { ScoringInput } from '../lib/scoring-input';
import {
  differences,
  num,
  pathOf,
  type Differences,
  type OurNote,
  type ReferenceData,
} from './reference-agreement';
import { readTsv } from './tsv-lines';

/**
 * How far our Core raters agree with the reference's (`helpfulness_scores.tsv`): which raters
 * reach the final round (§5.1 step 7, i.e. pass the helpfulness threshold) and how far their
 * parameters differ in the first and the final round. Every Core note intercept is a function of
 * the final round's raters (§5.2 freezes them), so a note intercept far from the reference's
 * usually traces back to a rater here: on cn-small one rater that only one side keeps moves the
 * notes it rated by up to 0.04.
 */
export interface RaterParameters {
  /** Final round (`coreRaterIntercept`, `coreRaterFactor1`), NaN when the rater is not in it. */
  readonly intercept: number;
  readonly factor: number;
  /** First round (`coreFirstRoundRaterIntercept`, `…Factor1`), NaN when not in it. */
  readonly firstRoundIntercept: number;
  readonly firstRoundFactor: number;
}

export interface RaterAgreement {
  /** Raters in each side's final round, and those only one side has, sorted. */
  readonly ours: number;
  readonly reference: number;
  readonly onlyOurs: readonly string[];
  readonly onlyReference: readonly string[];
  /** Over raters both sides have in the round. */
  readonly intercept: Differences;
  readonly factor: Differences;
  readonly firstRoundIntercept: Differences;
  readonly firstRoundFactor: Differences;
}

/** The reference's Core rater parameters, or undefined when the folder has no such file. */
export async function readReferenceRaters(
  folder: string,
): Promise<ReadonlyMap<string, RaterParameters> | undefined> {
  const path = pathOf(join(folder, 'reference-output', 'helpfulness_scores.tsv'));
  if (!existsSync(path)) return undefined;
  const raters = new Map<string, RaterParameters>();
  const columns = [
    'raterParticipantId',
    'coreRaterIntercept',
    'coreRaterFactor1',
    'coreFirstRoundRaterIntercept',
    'coreFirstRoundRaterFactor1',
  ];
  await readTsv(path, columns, (f) =>
    raters.set(f[0], {
      intercept: num(f[1]),
      factor: num(f[2]),
      firstRoundIntercept: num(f[3]),
      firstRoundFactor: num(f[4]),
    }),
  );
  return raters;
}

/** Our Core raters' parameters from prescoring, keyed by participant id. */
export function ourRaters(
  participantIds: readonly string[],
  prescoring: PrescoringResult,
): Map<string, RaterParameters> {
  const { firstRound, finalRound } = prescoring;
  const raters = new Map<string, RaterParameters>();
  participantIds.forEach((id, u) => {
    if (Number.isNaN(firstRound.raterIntercept[u]) && Number.isNaN(finalRound.raterIntercept[u]))
      return;
    raters.set(id, {
      intercept: finalRound.raterIntercept[u],
      factor: finalRound.raterFactor[u],
      firstRoundIntercept: firstRound.raterIntercept[u],
      firstRoundFactor: firstRound.raterFactor[u],
    });
  });
  return raters;
}

export function raterAgreement(
  ours: ReadonlyMap<string, RaterParameters>,
  reference: ReadonlyMap<string, RaterParameters>,
): RaterAgreement {
  const inFinal = (raters: ReadonlyMap<string, RaterParameters>): Set<string> =>
    new Set([...raters].filter(([, r]) => Number.isFinite(r.intercept)).map(([id]) => id));
  const oursFinal = inFinal(ours);
  const referenceFinal = inFinal(reference);
  const ids = [...new Set([...ours.keys(), ...reference.keys()])];
  const pair = (field: keyof RaterParameters): [number, number][] =>
    ids.map((id) => [ours.get(id)?.[field] ?? NaN, reference.get(id)?.[field] ?? NaN]);
  return {
    ours: oursFinal.size,
    reference: referenceFinal.size,
    onlyOurs: [...oursFinal].filter((id) => !referenceFinal.has(id)).sort(),
    onlyReference: [...referenceFinal].filter((id) => !oursFinal.has(id)).sort(),
    intercept: differences(pair('intercept')),
    factor: differences(pair('factor')),
    firstRoundIntercept: differences(pair('firstRoundIntercept')),
    firstRoundFactor: differences(pair('firstRoundFactor')),
  };
}

/**
 * The Core intercepts' differences once the notes rated by a rater only one side keeps in its
 * final round are set aside: how much of the difference those raters account for. Such a rater's
 * admission turns on its helpfulness in round one, where a note of its own a hair from a
 * threshold can make it an author the reference drops (on cn-small, one rater, whose authored
 * note is a few thousandths from the CRNH line: inside the reference's own seed noise), and it
 * moves every note it rated.
 */
export function interceptsWithoutSplitRaters(
  raters: RaterAgreement,
  input: ScoringInput,
  ours: ReadonlyMap<string, OurNote>,
  reference: ReferenceData,
): { readonly notesSetAside: number; readonly coreIntercept: Differences } {
  const split = new Set([...raters.onlyOurs, ...raters.onlyReference]);
  const setAside = new Set<string>();
  for (let k = 0; k < input.ratingRater.length; k++) {
    if (split.has(input.participantIds[input.ratingRater[k]])) {
      setAside.add(input.noteIds[input.ratingNote[k]]);
    }
  }
  const pairs: [number, number][] = [];
  for (const [id, r] of reference.notes) {
    const o = ours.get(id);
    if (o && !setAside.has(id)) pairs.push([o.coreIntercept, r.coreIntercept]);
  }
  return { notesSetAside: setAside.size, coreIntercept: differences(pairs) };
}

const fixed = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(4));
const diff = (d: Differences): string =>
  `p50 ${fixed(d.p50)}, p99 ${fixed(d.p99)}, max ${fixed(d.max)}`;

/** The rater figures as text lines, for `formatAgreement`'s output. */
export function formatRaterAgreement(a: RaterAgreement): string[] {
  const ids = (list: readonly string[]): string =>
    list.length === 0 ? 'none' : list.slice(0, 5).join(', ') + (list.length > 5 ? ', …' : '');
  return [
    `Core final-round raters: ours ${a.ours}, reference ${a.reference}; only ours: ${ids(a.onlyOurs)}; only the reference: ${ids(a.onlyReference)}`,
    `rater intercept / factor |ours − reference|, final round (${a.intercept.compared} raters): ${diff(a.intercept)} / ${diff(a.factor)}`,
    `rater intercept / factor |ours − reference|, first round (${a.firstRoundIntercept.compared} raters): ${diff(a.firstRoundIntercept)} / ${diff(a.firstRoundFactor)}`,
  ];
}

/** `interceptsWithoutSplitRaters` as a text line. */
export function formatInterceptsWithoutSplitRaters(
  figures: ReturnType<typeof interceptsWithoutSplitRaters>,
): string {
  const d = figures.coreIntercept;
  return `core intercept |ours − reference| without the ${figures.notesSetAside} notes rated by a rater only one side keeps: ${diff(d)} (${d.compared} notes)`;
}
