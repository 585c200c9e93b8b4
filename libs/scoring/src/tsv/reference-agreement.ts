// Longer than most files on purpose: reading the reference's output files, matching them with
// ours and every figure of the agreement report are one pass over the same joined rows; split,
// each part would re-read or pass those rows around.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

import { readTsv } from './tsv-lines';

/**
 * How far our statuses agree with the reference scorer's on the same data: a folder laid out
 * like `shared/reference-data/cn-small` (`tsv/` the input, `reference-output/` the reference's
 * own output files, optionally `truth/notes_truth.csv` with each note's latent truth and
 * `reference-output/statuses.csv` with the status each note settles to). Every file may also be
 * gzipped (`name.gz`).
 */
/** The scorers besides Core whose status columns both sides write (`<name>RatingStatus`). */
export const COMPARED_SCORERS = [
  'coreWithTopics',
  'expansion',
  'expansionPlus',
  'gaussian',
  'gaussianCoreWithTopics',
] as const;

export type ComparedScorer = (typeof COMPARED_SCORERS)[number];

export interface ReferenceNote {
  readonly coreStatus: string;
  /** Each compared scorer's status, '' where it did not score the note. */
  readonly scorerStatus: Readonly<Record<ComparedScorer, string>>;
  readonly finalStatus: string;
  /** The status after a second run ≥ 61 min later (statuses.csv's `settledStatus`), or ''. */
  readonly settledStatus: string;
  readonly coreActiveRules: string;
  readonly coreIntercept: number;
  /** §6: the pseudo-rater upper bound (`coreNoteInterceptMax`). */
  readonly coreInterceptMax: number;
  /**
   * The same two from the reference's CoreWithTopics, which fits the same ratings but for the
   * topic notes': how far they differ from Core's is the reference's own noise.
   */
  readonly coreWithTopicsIntercept: number;
  readonly coreWithTopicsInterceptMax: number;
  readonly gaussianIntercept: number;
  readonly lowDiligenceIntercept: number;
  readonly decidedBy: string;
}

export interface NoteTruth {
  /** min over the three viewpoint groups of the note's expected helpfulness (0–1). */
  readonly bridgeScore: number;
  readonly slant: number;
  readonly isBrigadeTarget: boolean;
}

/** What our run says per note, keyed like the reference. */
export interface OurNote {
  readonly coreStatus: string;
  readonly scorerStatus: Readonly<Record<ComparedScorer, string>>;
  /** The deciding scorer or stability rule of the single run, '' if not run. */
  readonly firstRunDecidedBy: string;
  readonly settledStatus: string;
  /** A single run at the reference's run time (first-run semantics), '' if not run. */
  readonly firstRunStatus: string;
  readonly lowDiligenceFired: boolean;
  readonly coreIntercept: number;
  readonly coreInterceptMax: number;
  readonly gaussianIntercept: number;
  readonly lowDiligenceIntercept: number;
}

export interface ReferenceData {
  readonly notes: ReadonlyMap<string, ReferenceNote>;
  readonly truth: ReadonlyMap<string, NoteTruth> | undefined;
  /** meta.json's `epochMillis` (the reference run's `--epoch-millis`), if given. */
  readonly epochMillis: number | undefined;
}

/** The file itself if present, else its gzipped copy (`name.gz`). */
export function pathOf(base: string): string {
  return existsSync(base) ? base : `${base}.gz`;
}

/** The input files of a reference-data folder, for `readCommunityNotes`. */
export function referenceInputPaths(folder: string): {
  notes: string;
  ratings: string;
  status: string;
  enrollment: string;
} {
  return {
    notes: pathOf(join(folder, 'tsv', 'notes-00000.tsv')),
    ratings: join(folder, 'tsv', 'ratings'),
    status: pathOf(join(folder, 'tsv', 'noteStatusHistory-00000.tsv')),
    enrollment: pathOf(join(folder, 'tsv', 'userEnrollment-00000.tsv')),
  };
}

export const num = (cell: string): number => (cell === '' ? NaN : Number(cell));

export async function readReferenceData(folder: string): Promise<ReferenceData> {
  const out = join(folder, 'reference-output');
  const lowDiligence = new Map<string, number>();
  await readTsv(pathOf(join(out, 'aux_note_info.tsv')), ['noteId', 'lowDiligenceIntercept'], (f) =>
    lowDiligence.set(f[0], num(f[1])),
  );
  const settled = new Map<string, string>();
  const statuses = pathOf(join(out, 'statuses.csv'));
  if (existsSync(statuses))
    await readCsv(statuses, ['noteId', 'settledStatus'], (f) => settled.set(f[0], f[1]));
  const notes = new Map<string, ReferenceNote>();
  const columns = [
    'noteId',
    'coreRatingStatus',
    'finalRatingStatus',
    'coreActiveRules',
    'coreNoteIntercept',
    'gaussianNoteIntercept',
    'decidedBy',
    'coreNoteInterceptMax',
    'coreWithTopicsNoteIntercept',
    'coreWithTopicsNoteInterceptMax',
    ...COMPARED_SCORERS.map((name) => `${name}RatingStatus`),
  ];
  await readTsv(pathOf(join(out, 'scored_notes.tsv')), columns, (f) => {
    notes.set(f[0], {
      coreStatus: f[1],
      finalStatus: f[2],
      settledStatus: settled.get(f[0]) ?? '',
      coreActiveRules: f[3],
      coreIntercept: num(f[4]),
      coreInterceptMax: num(f[7]),
      coreWithTopicsIntercept: num(f[8]),
      coreWithTopicsInterceptMax: num(f[9]),
      gaussianIntercept: num(f[5]),
      lowDiligenceIntercept: lowDiligence.get(f[0]) ?? NaN,
      // Without the version suffix: "CoreModel (v1.1)" → "CoreModel".
      decidedBy: f[6].replace(/ \(v[0-9.]+\)$/, ''),
      scorerStatus: Object.fromEntries(
        COMPARED_SCORERS.map((name, k) => [name, f[10 + k]]),
      ) as Record<ComparedScorer, string>,
    });
  });
  let truth: Map<string, NoteTruth> | undefined;
  const truthPath = pathOf(join(folder, 'truth', 'notes_truth.csv'));
  if (existsSync(truthPath)) {
    truth = new Map();
    const t = truth;
    await readCsv(truthPath, ['noteId', 'bridgeScore', 'slant', 'isBrigadeTarget'], (f) =>
      t.set(f[0], { bridgeScore: num(f[1]), slant: num(f[2]), isBrigadeTarget: f[3] === '1' }),
    );
  }
  let epochMillis: number | undefined;
  const metaPath = join(folder, 'meta.json');
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { epochMillis?: number };
    epochMillis = meta.epochMillis;
  }
  return { notes, truth, epochMillis };
}

/** The synthetic truth files are plain CSV without quoted commas in the columns read here. */
async function readCsv(
  path: string,
  wanted: readonly string[],
  onRow: (fields: readonly string[]) => void,
): Promise<void> {
  const file = createReadStream(path);
  const input = path.endsWith('.gz') ? file.pipe(createGunzip()) : file;
  input.setEncoding('utf8');
  let positions: number[] | undefined;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.length === 0) continue;
    const cells = splitCsv(line);
    if (positions === undefined) {
      positions = wanted.map((name) => cells.indexOf(name));
      continue;
    }
    onRow(positions.map((at) => (at >= 0 ? (cells[at] ?? '') : '')));
  }
}

/** Splits one CSV line, honouring double-quoted fields (statuses.csv quotes its rule lists). */
function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export interface Agreement {
  readonly notes: number;
  readonly coreStatus: Share;
  readonly scorerStatus: Readonly<Record<ComparedScorer, Share>>;
  /** The single run's `decidedBy` (deciding scorer or stability rule) against the reference's. */
  readonly firstRunDecidedBy: Share | undefined;
  readonly settledStatus: Share | undefined;
  readonly firstRunStatus: Share | undefined;
  /** FilterLowDiligence among the Core active rules: how often each side fires, and where both. */
  readonly lowDiligence: { ours: number; reference: number; both: number };
  readonly lowDiligenceIntercept: Differences;
  readonly coreIntercept: Differences;
  readonly coreInterceptMax: Differences;
  /**
   * The reference against itself, Core against its CoreWithTopics on the notes both score: the
   * noise its optimiser leaves, the scale `coreIntercept` and `coreInterceptMax` are read at.
   */
  readonly referenceNoise: { coreIntercept: Differences; coreInterceptMax: Differences };
  readonly gaussianIntercept: Differences;
  /** Of the reference's settled helpful notes, the share helpful in ours, and the extra share. */
  readonly helpfulRecall: number;
  readonly helpfulExtra: number;
  readonly truth: { ours: TruthFigures; reference: TruthFigures } | undefined;
  /** Differing (ours → reference) status pairs, most frequent first. */
  readonly coreDifferences: readonly { ours: string; reference: string; notes: number }[];
}

export interface Share {
  readonly equal: number;
  readonly compared: number;
  readonly share: number;
}

export interface Differences {
  readonly compared: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Truth-based figures over settled statuses (see `BRIDGING_THRESHOLD`). */
export interface TruthFigures {
  readonly helpful: number;
  /** Share of helpful notes that truly bridge. */
  readonly helpfulPrecision: number;
  /** Notes that do not bridge and lean to one side (slant ≠ 0), and of them helpful. */
  readonly oneSided: number;
  readonly oneSidedHelpful: number;
  /** Brigade targets that do not bridge, and of them helpful. */
  readonly brigaded: number;
  readonly brigadedHelpful: number;
  /** Truly bridging notes, and of them rated not helpful. */
  readonly good: number;
  readonly goodNotHelpful: number;
}

/** A note "truly bridges" when every viewpoint group's expected helpfulness is at least this. */
export const BRIDGING_THRESHOLD = 0.5;
const HELPFUL = 'CURRENTLY_RATED_HELPFUL';
const NOT_HELPFUL = 'CURRENTLY_RATED_NOT_HELPFUL';

function share(pairs: readonly [string, string][]): Share | undefined {
  const compared = pairs.filter(([, reference]) => reference !== '');
  if (compared.length === 0) return undefined;
  const equal = compared.filter(([ours, reference]) => ours === reference).length;
  return { equal, compared: compared.length, share: equal / compared.length };
}

/** |a − b| over the pairs where both are finite: median, 99th percentile and maximum. */
export function differences(pairs: readonly [number, number][]): Differences {
  const diffs = pairs
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b))
    .map(([a, b]) => Math.abs(a - b))
    .sort((x, y) => x - y);
  const at = (q: number): number =>
    diffs.length > 0 ? diffs[Math.min(diffs.length - 1, Math.floor(q * diffs.length))] : NaN;
  return { compared: diffs.length, p50: at(0.5), p99: at(0.99), max: diffs.at(-1) ?? NaN };
}

function truthFigures(
  status: ReadonlyMap<string, string>,
  truth: ReadonlyMap<string, NoteTruth>,
): TruthFigures {
  let helpful = 0;
  let helpfulBridging = 0;
  let oneSided = 0;
  let oneSidedHelpful = 0;
  let brigaded = 0;
  let brigadedHelpful = 0;
  let good = 0;
  let goodNotHelpful = 0;
  for (const [id, t] of truth) {
    const s = status.get(id);
    if (s === undefined) continue;
    const bridges = t.bridgeScore >= BRIDGING_THRESHOLD;
    if (s === HELPFUL) {
      helpful++;
      if (bridges) helpfulBridging++;
    }
    if (!bridges && t.slant !== 0) {
      oneSided++;
      if (s === HELPFUL) oneSidedHelpful++;
    }
    if (!bridges && t.isBrigadeTarget) {
      brigaded++;
      if (s === HELPFUL) brigadedHelpful++;
    }
    if (bridges) {
      good++;
      if (s === NOT_HELPFUL) goodNotHelpful++;
    }
  }
  return {
    helpful,
    helpfulPrecision: helpful > 0 ? helpfulBridging / helpful : NaN,
    oneSided,
    oneSidedHelpful,
    brigaded,
    brigadedHelpful,
    good,
    goodNotHelpful,
  };
}

export function agreement(ours: ReadonlyMap<string, OurNote>, reference: ReferenceData): Agreement {
  const ids = [...reference.notes.keys()].filter((id) => ours.has(id)).sort();
  const pair = <T>(f: (o: OurNote, r: ReferenceNote) => [T, T]): [T, T][] =>
    ids.map((id) => f(ours.get(id) as OurNote, reference.notes.get(id) as ReferenceNote));
  const core = pair((o, r) => [o.coreStatus, r.coreStatus]);
  const coreEqual = core.filter(([a, b]) => a === b).length;
  const counted = new Map<string, number>();
  for (const [a, b] of core) {
    if (a !== b) counted.set(`${a}\t${b}`, (counted.get(`${a}\t${b}`) ?? 0) + 1);
  }
  const fired = pair((o, r) => [
    o.lowDiligenceFired,
    r.coreActiveRules.includes('FilterLowDiligence'),
  ]);
  const refSettled = new Map(ids.map((id) => [id, reference.notes.get(id)?.settledStatus ?? '']));
  const ourSettled = new Map(ids.map((id) => [id, ours.get(id)?.settledStatus ?? '']));
  const refHelpful = ids.filter((id) => refSettled.get(id) === HELPFUL);
  const hasSettled = refHelpful.length > 0 || [...refSettled.values()].some((s) => s !== '');
  const referenceStatus = hasSettled
    ? refSettled
    : new Map(ids.map((id) => [id, reference.notes.get(id)?.finalStatus ?? '']));
  const refHelpfulIds = ids.filter((id) => referenceStatus.get(id) === HELPFUL);
  const ourHelpfulIds = ids.filter((id) => ourSettled.get(id) === HELPFUL);
  const refHelpfulSet = new Set(refHelpfulIds);
  return {
    notes: ids.length,
    coreStatus: {
      equal: coreEqual,
      compared: ids.length,
      share: coreEqual / Math.max(1, ids.length),
    },
    scorerStatus: Object.fromEntries(
      COMPARED_SCORERS.map((name) => [
        name,
        share(pair((o, r) => [o.scorerStatus[name], r.scorerStatus[name]])),
      ]),
    ) as Record<ComparedScorer, Share>,
    firstRunDecidedBy: ids.some((id) => ours.get(id)?.firstRunDecidedBy)
      ? share(pair((o, r) => [o.firstRunDecidedBy, r.decidedBy]))
      : undefined,
    settledStatus: hasSettled
      ? share(pair((o, r) => [o.settledStatus, r.settledStatus]))
      : undefined,
    firstRunStatus: ids.some((id) => ours.get(id)?.firstRunStatus)
      ? share(pair((o, r) => [o.firstRunStatus, r.finalStatus]))
      : undefined,
    lowDiligence: {
      ours: fired.filter(([a]) => a).length,
      reference: fired.filter(([, b]) => b).length,
      both: fired.filter(([a, b]) => a && b).length,
    },
    lowDiligenceIntercept: differences(
      pair((o, r) => [o.lowDiligenceIntercept, r.lowDiligenceIntercept]),
    ),
    coreIntercept: differences(pair((o, r) => [o.coreIntercept, r.coreIntercept])),
    coreInterceptMax: differences(pair((o, r) => [o.coreInterceptMax, r.coreInterceptMax])),
    referenceNoise: {
      coreIntercept: differences(pair((_, r) => [r.coreIntercept, r.coreWithTopicsIntercept])),
      coreInterceptMax: differences(
        pair((_, r) => [r.coreInterceptMax, r.coreWithTopicsInterceptMax]),
      ),
    },
    gaussianIntercept: differences(pair((o, r) => [o.gaussianIntercept, r.gaussianIntercept])),
    helpfulRecall:
      refHelpfulIds.length > 0
        ? refHelpfulIds.filter((id) => ourSettled.get(id) === HELPFUL).length / refHelpfulIds.length
        : NaN,
    helpfulExtra:
      ourHelpfulIds.filter((id) => !refHelpfulSet.has(id)).length /
      Math.max(1, ids.length - refHelpfulIds.length),
    truth: reference.truth
      ? {
          ours: truthFigures(ourSettled, reference.truth),
          reference: truthFigures(referenceStatus, reference.truth),
        }
      : undefined,
    coreDifferences: [...counted]
      .map(([key, notes]) => {
        const [a, b] = key.split('\t');
        return { ours: a, reference: b, notes };
      })
      .sort((x, y) => y.notes - x.notes),
  };
}

const percent = (x: number): string => (Number.isNaN(x) ? '-' : `${(100 * x).toFixed(2)} %`);
const fixed = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(4));

/** The agreement as text, one figure a line. */
export function formatAgreement(a: Agreement): string {
  const lines = [`${a.notes} notes in both`];
  const shareLine = (name: string, s: Share | undefined): void => {
    if (s) lines.push(`${name}: ${s.equal} of ${s.compared} equal (${percent(s.share)})`);
  };
  shareLine(
    'core status (coreRatingStatus, FIRM_REJECT and NEEDS_YOUR_HELP kept apart)',
    a.coreStatus,
  );
  for (const d of a.coreDifferences.slice(0, 8)) {
    lines.push(
      `    ours ${d.ours || '(empty)'} / reference ${d.reference || '(empty)'}: ${d.notes}`,
    );
  }
  for (const name of COMPARED_SCORERS) {
    shareLine(`${name} status (${name}RatingStatus)`, a.scorerStatus[name]);
  }
  shareLine('deciding scorer of the single run (decidedBy)', a.firstRunDecidedBy);
  shareLine('settled status (statuses.csv settledStatus)', a.settledStatus);
  shareLine('single run at --epoch-millis (finalRatingStatus)', a.firstRunStatus);
  lines.push(
    `FilterLowDiligence fires on: ours ${a.lowDiligence.ours}, reference ${a.lowDiligence.reference}, both ${a.lowDiligence.both}`,
  );
  const diff = (name: string, d: Differences): void => {
    if (d.compared > 0) {
      lines.push(
        `${name} |ours − reference|: p50 ${fixed(d.p50)}, p99 ${fixed(d.p99)}, max ${fixed(d.max)} (${d.compared} notes)`,
      );
    }
  };
  diff('core intercept', a.coreIntercept);
  diff('core pseudo-rater upper bound (coreNoteInterceptMax)', a.coreInterceptMax);
  const noise = (name: string, d: Differences): void => {
    if (d.compared > 0) {
      lines.push(
        `  the reference's own noise, its Core against its CoreWithTopics, ${name}: p50 ${fixed(d.p50)}, p99 ${fixed(d.p99)}, max ${fixed(d.max)}`,
      );
    }
  };
  noise('core intercept', a.referenceNoise.coreIntercept);
  noise('upper bound', a.referenceNoise.coreInterceptMax);
  diff('Gaussian intercept', a.gaussianIntercept);
  diff('low-diligence intercept', a.lowDiligenceIntercept);
  lines.push(
    `helpful: ${percent(a.helpfulRecall)} of the reference's helpful notes are helpful in ours; ours adds ${percent(a.helpfulExtra)} of the others`,
  );
  if (a.truth) {
    const { ours, reference } = a.truth;
    lines.push(
      `truth (a note bridges when every group's expected helpfulness ≥ ${BRIDGING_THRESHOLD}):   ours | reference`,
    );
    const row = (name: string, f: (t: TruthFigures) => string): void => {
      lines.push(`  ${name.padEnd(52)} ${f(ours).padStart(8)} | ${f(reference)}`);
    };
    row('helpful notes', (t) => `${t.helpful}`);
    row('precision of helpful notes (truly bridging)', (t) => percent(t.helpfulPrecision));
    row('one-sided notes reaching helpful', (t) => `${t.oneSidedHelpful} / ${t.oneSided}`);
    row('brigaded notes reaching helpful', (t) => `${t.brigadedHelpful} / ${t.brigaded}`);
    row('good notes marked not helpful', (t) => `${t.goodNotHelpful} / ${t.good}`);
  }
  return lines.join('\n');
}
