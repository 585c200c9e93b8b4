import { SHOWN_STATUSES } from '@bridgenotes/scoring';

import type { ExportManifest, ExportStream } from './export-format';

/** Why a value is not what a field needs, or undefined when it is. */
type Check = (value: unknown) => string | undefined;

const is =
  (test: (value: unknown) => boolean, what: string): Check =>
  (value) =>
    test(value) ? undefined : `is not ${what}`;

const string = is((value) => typeof value === 'string', 'a string');
const boolean = is((value) => typeof value === 'boolean', 'true or false');
const whole = is((value) => Number.isSafeInteger(value), 'a whole number');
const count = is((value) => Number.isSafeInteger(value) && (value as number) >= 0, 'a count');
const number = is((value) => typeof value === 'number' && Number.isFinite(value), 'a number');
/** Field elements, commitments, roots, messages (decimal strings, as the format says). */
const decimal = is(
  (value) => typeof value === 'string' && /^[0-9]{1,78}$/.test(value),
  'a decimal number',
);
/** Change batches (a PostgreSQL bigint). */
const batch = is(
  (value) => typeof value === 'string' && /^[0-9]{1,19}$/.test(value),
  'a change batch number',
);
const time = is(
  (value) => typeof value === 'string' && Number.isFinite(Date.parse(value)),
  'an ISO 8601 time',
);
const any: Check = () => undefined;

const nullable =
  (check: Check): Check =>
  (value) =>
    value === null ? undefined : check(value);
const optional =
  (check: Check): Check =>
  (value) =>
    value === undefined ? undefined : check(value);
const oneOf = (...values: readonly string[]): Check =>
  is((value) => values.includes(value as string), `one of ${values.join(', ')}`);
/** A field's problem after its name: `.inner is not…` and `[2] is not…` read on directly. */
const after = (problem: string) => (/^[.[]/.test(problem) ? problem : ` ${problem}`);

const list =
  (check: Check): Check =>
  (value) => {
    if (!Array.isArray(value)) return 'is not a list';
    const index = value.findIndex((item) => check(item) !== undefined);
    return index < 0 ? undefined : `[${index}]${after(check(value[index]) as string)}`;
  };

type Shape = Record<string, Check>;

/** Why `value` is not an object of `shape`: the first field that is not, as `.field is not…`. */
const object =
  (shape: Shape): Check =>
  (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return 'is not an object';
    }
    for (const [field, check] of Object.entries(shape)) {
      const problem = check((value as Record<string, unknown>)[field]);
      if (problem !== undefined) return `.${field}${after(problem)}`;
    }
    return undefined;
  };

/** A record's or manifest's problem, its field named first (`commitment is not…`). */
function problemOf(value: unknown, shape: Shape): string | undefined {
  const problem = object(shape)(value);
  if (problem === undefined) return undefined;
  return problem.startsWith('.') ? problem.slice(1) : `the record ${problem}`;
}

const status = oneOf(...SHOWN_STATUSES);
const canonicalPost = object({
  canonicalUrl: nullable(string),
  platform: nullable(string),
  externalId: nullable(string),
});
const provenPost: Check = (value) =>
  typeof value === 'object' && value !== null && 'url' in value
    ? object({ url: string })(value)
    : object({ platform: string, externalId: string })(value);
/** A status history is checked by the scorer's reader (`statusHistoryFromJson`). */
const history = nullable(is((value) => typeof value === 'object', 'an object'));

const rating: Shape = {
  id: string,
  noteId: string,
  raterPseudonym: string,
  helpfulness: oneOf('HELPFUL', 'SOMEWHAT_HELPFUL', 'NOT_HELPFUL'),
  tags: list(string),
  clientMinute: whole,
  proof: any,
  changedBatch: optional(batch),
};

/**
 * Each stream's fields as the verifier reads them (docs/verifiability.md, export-format.ts):
 * a record lacking one, or holding another type, is reported and left out rather than read as
 * something it does not say. Proofs are checked by the proof checks (`PROOF_MALFORMED`).
 */
const SHAPES: { [S in ExportStream]: Shape } = {
  members: { leafIndex: count, commitment: decimal, removedAt: nullable(time) },
  roots: { root: decimal, size: count, createdAt: time, supersededAt: nullable(time) },
  notes: {
    id: string,
    authorPseudonym: string,
    postId: string,
    post: canonicalPost,
    postRef: nullable(provenPost),
    classification: string,
    reasons: list(string),
    text: string,
    sources: list(string),
    clientMinute: nullable(whole),
    createdAt: time,
    deletedAt: nullable(time),
    proof: any,
    deleteProof: any,
    hidden: optional(boolean),
    redacted: optional(boolean),
    changedBatch: optional(batch),
  },
  ratings: rating,
  requests: {
    id: string,
    requesterPseudonym: string,
    post: canonicalPost,
    postRef: provenPost,
    clientMinute: whole,
    proof: any,
    changedBatch: optional(batch),
  },
  runs: {
    id: string,
    status: string,
    requestedAt: time,
    startedAt: nullable(time),
    finishedAt: nullable(time),
    algorithmVersion: nullable(string),
    // Runs exported before 2026-12-03 have no regime.
    regime: optional(nullable(string)),
    seed: nullable(whole),
    noteCount: nullable(count),
    ratingCount: nullable(count),
    inputHash: nullable(string),
    dataHash: nullable(string),
    nowAt: nullable(string),
    // Compared status by status (`RUN_COUNTS_MISMATCH` for a count that is not there).
    statusCounts: nullable(object({})),
    kind: optional(oneOf('FULL', 'INCREMENTAL')),
    baseRunId: optional(nullable(string)),
    changedThrough: optional(nullable(batch)),
    // Checked as topic seeds where a recomputation reads them (`TOPIC_SEEDS_INVALID`).
    topicSeeds: optional(nullable(any)),
    // Absent in exports made before 2026-12-07 (ordered by `finishedAt` then).
    publication: optional(nullable(whole)),
  },
  'status-changes': {
    id: string,
    noteId: string,
    runId: string,
    previous: status,
    next: status,
    changedAt: time,
  },
  results: {
    noteId: string,
    status,
    runId: nullable(string),
    score: any,
    history,
    previousHistory: history,
    base: optional(object({ runId: string, history })),
  },
  standings: {
    pseudonym: string,
    runId: string,
    ratingImpact: number,
    writingImpact: number,
    successfulRatings: count,
    unsuccessfulRatings: count,
    notesHelpful: count,
    notesNotHelpful: count,
    notesNeedingRatings: count,
    recentNotHelpful: count,
    impactSinceLock: number,
  },
  moderation: {
    seq: count,
    action: string,
    target: string,
    reasonCode: string,
    moderatorKeyId: string,
    day: string,
    message: nullable(string),
    previousHash: string,
    hash: string,
  },
  'frozen-raters': { runId: string, changedThrough: batch, parameters: string },
  'replaced-ratings': { ...rating, changedBatch: batch, replacedBatch: batch },
};

/** Why a record of `stream` is malformed (its first wrong field), or undefined. */
export function recordProblem(stream: ExportStream, record: unknown): string | undefined {
  return problemOf(record, SHAPES[stream]);
}

const RULES = object({ rootHistoryWindowSeconds: count, clockSkewMinutes: count });

/** `ExportPromotion`, every field read by `verify` and by a mirror deciding whether to go on. */
const PROMOTION = object({
  from: object({ url: string, community: string }),
  at: time,
  root: decimal,
  treeSize: count,
  originChangeHorizon: batch,
  changeHorizon: batch,
  originRules: RULES,
});

const MANIFEST: Shape = {
  community: object({
    id: string,
    slug: string,
    scope: decimal,
    root: decimal,
    topicSeeds: any,
  }),
  rules: RULES,
  streams: list(string),
  // Absent for a community never promoted; null read as absent (as a mirror's follow reads it).
  promotion: optional(nullable(PROMOTION)),
};

/** Why a manifest cannot be verified against (its first missing or wrong field), or undefined. */
export function manifestProblem(manifest: ExportManifest): string | undefined {
  return problemOf(manifest, MANIFEST);
}

/**
 * Why a manifest's `promotion` is not an `ExportPromotion` (absent or null: none), as
 * `promotion.field is not…`, or undefined: a mirror reads it from another party.
 */
export function promotionProblem(promotion: unknown): string | undefined {
  return problemOf({ promotion }, { promotion: optional(nullable(PROMOTION)) });
}
