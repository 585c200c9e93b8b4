import type { LowDiligenceModel } from '../lib/low-diligence';
import type { ScoringResult } from '../lib/scorer';
import type { RegimeChoice } from '../small-community/regime';

/**
 * What final scoring keeps fixed from a full run's prescoring (the reference's split: rater
 * factors and helpfulness on a schedule, notes scored against them at every update), keyed by
 * participant id so a later input with other raters can be mapped onto it. Rater columns are
 * indexed like `participantIds`; NaN in `raterFactor` means the rater was not in the final round.
 */
export interface FrozenRaters {
  /** Sorted (code-unit order), as `ScoringInput.participantIds`. */
  readonly participantIds: readonly string[];
  /** Sorted; the low-diligence model's note columns are indexed like them. */
  readonly noteIds: readonly string[];
  readonly globalIntercept: number;
  readonly raterIntercept: Float64Array;
  readonly raterFactor: Float64Array;
  readonly ratingsPerNote: number;
  readonly tagThresholds: Float64Array;
  readonly incorrectPropensity: Float64Array;
  readonly highVolume: Uint8Array;
  readonly correlated: Uint8Array;
  readonly lowDiligence: LowDiligenceModel | undefined;
  /** The full run's regime: frozen scoring only serves a Core-regime run. */
  readonly regime: RegimeChoice;
}

/**
 * The frozen parameters of a full run, or why it cannot serve frozen scoring: a small-community
 * run decides by opinion groups (no rater factors), and with topic notes Core and
 * CoreWithTopics are two fits, of which frozen scoring keeps only one.
 */
export function freezeRaters(result: ScoringResult): FrozenRaters | { unusable: string } {
  if (result.regime.regime !== 'core') return { unusable: 'small-community regime' };
  if (result.scorers.topics.topicNotes > 0) return { unusable: 'notes with a topic' };
  const { prescoring, raters, input } = result;
  return {
    participantIds: input.participantIds,
    noteIds: input.noteIds,
    globalIntercept: prescoring.finalRound.globalIntercept,
    raterIntercept: prescoring.finalRound.raterIntercept,
    raterFactor: prescoring.finalRound.raterFactor,
    ratingsPerNote: prescoring.ratingsPerNote,
    tagThresholds: prescoring.tagThresholds,
    incorrectPropensity: prescoring.incorrectPropensity,
    highVolume: raters.highVolume,
    correlated: raters.correlated,
    lowDiligence: prescoring.lowDiligence,
    regime: result.regime,
  };
}

type Column = Float64Array | Uint8Array;
const COLUMNS = [
  'raterIntercept',
  'raterFactor',
  'tagThresholds',
  'incorrectPropensity',
  'highVolume',
  'correlated',
] as const;
const LOW_DILIGENCE_COLUMNS = [
  'raterInterceptSecondRound',
  'raterIntercept',
  'raterFactor',
  'raterReputation',
  'noteInterceptSecondRound',
  'noteFactor',
] as const;

interface Header {
  participantIds: readonly string[];
  noteIds: readonly string[];
  globalIntercept: number;
  ratingsPerNote: number;
  regime: RegimeChoice;
  lowDiligence?: Pick<
    LowDiligenceModel,
    'globalInterceptSecondRound' | 'globalIntercept' | 'ratingsPerNote' | 'sweeps'
  >;
  /** Each binary column in order: its type and length. */
  columns: [kind: 'f64' | 'u8', length: number][];
}

/**
 * Bytes to store beside the run (a few MB for 40k raters): a JSON header with the ids and
 * scalars, then the columns' raw bytes, each 8-byte aligned. Float64 round-trips exactly, so
 * a decoded state scores exactly as the one frozen.
 */
export function encodeFrozenRaters(frozen: FrozenRaters): Uint8Array {
  const columns: Column[] = COLUMNS.map((name) => frozen[name]);
  const ld = frozen.lowDiligence;
  if (ld) columns.push(...LOW_DILIGENCE_COLUMNS.map((name) => ld[name]));
  const header: Header = {
    participantIds: frozen.participantIds,
    noteIds: frozen.noteIds,
    globalIntercept: frozen.globalIntercept,
    ratingsPerNote: frozen.ratingsPerNote,
    regime: frozen.regime,
    lowDiligence: ld && {
      globalInterceptSecondRound: ld.globalInterceptSecondRound,
      globalIntercept: ld.globalIntercept,
      ratingsPerNote: ld.ratingsPerNote,
      sweeps: ld.sweeps,
    },
    columns: columns.map((c) => [c instanceof Float64Array ? 'f64' : 'u8', c.length]),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = (bytes: number) => Math.ceil(bytes / 8) * 8;
  let size = 8 + padded(json.length);
  for (const c of columns) size += padded(c.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  let offset = 8 + padded(json.length);
  for (const c of columns) {
    out.set(new Uint8Array(c.buffer, c.byteOffset, c.byteLength), offset);
    offset += padded(c.byteLength);
  }
  return out;
}

/**
 * What a full run keeps beside it for the incremental runs after it: its frozen raters' bytes,
 * or none when it cannot serve them (`freezeRaters`).
 */
export function storedFrozenRaters(result: ScoringResult): Uint8Array | undefined {
  const frozen = freezeRaters(result);
  return 'unusable' in frozen ? undefined : encodeFrozenRaters(frozen);
}

export function decodeFrozenRaters(bytes: Uint8Array): FrozenRaters {
  // Copied into an aligned buffer of its own: a driver's Buffer may sit at any offset.
  const buffer = new Uint8Array(bytes).buffer;
  const jsonLength = new DataView(buffer).getUint32(0, true);
  const header = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buffer, 8, jsonLength)),
  ) as Header;
  const padded = (n: number) => Math.ceil(n / 8) * 8;
  let offset = 8 + padded(jsonLength);
  const columns = header.columns.map(([kind, length]) => {
    const column =
      kind === 'f64'
        ? new Float64Array(buffer.slice(offset, offset + length * 8))
        : new Uint8Array(buffer.slice(offset, offset + length));
    offset += padded(column.byteLength);
    return column;
  });
  checkShape(header, columns);
  const [raterIntercept, raterFactor, tagThresholds, incorrectPropensity, highVolume, correlated] =
    columns;
  const ld = header.lowDiligence;
  const ldColumns = columns.slice(COLUMNS.length) as Float64Array[];
  return {
    participantIds: header.participantIds,
    noteIds: header.noteIds,
    globalIntercept: header.globalIntercept,
    ratingsPerNote: header.ratingsPerNote,
    regime: header.regime,
    raterIntercept: raterIntercept as Float64Array,
    raterFactor: raterFactor as Float64Array,
    tagThresholds: tagThresholds as Float64Array,
    incorrectPropensity: incorrectPropensity as Float64Array,
    highVolume: highVolume as Uint8Array,
    correlated: correlated as Uint8Array,
    lowDiligence: ld && {
      ...ld,
      raterInterceptSecondRound: ldColumns[0],
      raterIntercept: ldColumns[1],
      raterFactor: ldColumns[2],
      raterReputation: ldColumns[3],
      noteInterceptSecondRound: ldColumns[4],
      noteFactor: ldColumns[5],
    },
  };
}

/**
 * Throws unless the decoded state has the shape `encodeFrozenRaters` writes: the bytes may come
 * from an export anyone can edit, and scoring against a short column would fail far from here.
 */
function checkShape(header: Header, columns: readonly Column[]): void {
  const isIds = (ids: unknown) => Array.isArray(ids) && ids.every((id) => typeof id === 'string');
  if (!isIds(header.participantIds) || !isIds(header.noteIds)) {
    throw new Error('frozen raters: participant or note ids missing');
  }
  if (typeof header.globalIntercept !== 'number' || typeof header.ratingsPerNote !== 'number') {
    throw new Error('frozen raters: global intercept or ratings per note missing');
  }
  if (typeof header.regime?.regime !== 'string') throw new Error('frozen raters: regime missing');
  const raters = header.participantIds.length;
  const notes = header.noteIds.length;
  // Every column but the tag thresholds is per rater; the low-diligence model's last two per note.
  const expected = [raters, raters, -1, raters, raters, raters];
  if (header.lowDiligence) expected.push(raters, raters, raters, raters, notes, notes);
  const kinds = COLUMNS.map((name) =>
    name === 'highVolume' || name === 'correlated' ? 'u8' : 'f64',
  );
  if (header.lowDiligence) kinds.push('f64', 'f64', 'f64', 'f64', 'f64', 'f64');
  if (
    columns.length !== expected.length ||
    columns.some(
      (column, i) =>
        (expected[i] >= 0 && column.length !== expected[i]) ||
        (column instanceof Float64Array ? 'f64' : 'u8') !== kinds[i],
    )
  ) {
    throw new Error('frozen raters: columns missing or of the wrong length');
  }
}
