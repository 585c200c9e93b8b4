import type { ModerationLogEntry, ProofJson } from '@bridgenotes/protocol';
import type { RatingHelpfulness, ShownStatus, StatusHistoryJson } from '@bridgenotes/scoring';

/**
 * The open-data export of one community: a manifest and twelve NDJSON streams, the same whether
 * served by an instance (`GET /communities/{slug}/export[/{stream}]`) or saved to a folder
 * (`manifest.json` and `{stream}.ndjson`). Times are ISO 8601 UTC; big numbers decimal strings.
 */
export const EXPORT_FORMAT = 'bridgenotes-export/1';

export const EXPORT_STREAMS = [
  'members',
  'roots',
  'notes',
  'ratings',
  'requests',
  'runs',
  'status-changes',
  'results',
  'standings',
  'moderation',
  'frozen-raters',
  'replaced-ratings',
] as const;

export type ExportStream = (typeof EXPORT_STREAMS)[number];

/**
 * Streams that can also be read in change order (`?order=changes`): records in the order of the
 * batches that last changed them, so a follower sees new records, replaced ratings and deleted
 * notes alike, each change once. Requests are never changed: their feed is the order they were
 * stored in (since 2026-12-06; an older instance serves them in id order only).
 */
export const CHANGE_STREAMS = ['notes', 'ratings', 'requests'] as const;

export type ChangeStream = (typeof CHANGE_STREAMS)[number];

/** The change streams as a sentence names them, for messages. */
export const CHANGE_STREAMS_NAMED = `${CHANGE_STREAMS.slice(0, -1).join(', ')} and ${CHANGE_STREAMS.at(-1)}`;

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  community: {
    id: string;
    slug: string;
    name: string;
    admission: string;
    scope: string;
    treeDepth: number;
    treeSize: number;
    root: string;
    createdAt: string;
    /** The rating impact a pseudonym needs to write notes; absent in exports made before it. */
    earnInImpact?: number;
    /**
     * §8.6: the community's topics and seed terms, which runs since algorithm `meta/2` read with
     * each note's text; absent in exports made before it (no topics).
     */
    topicSeeds?: { topic: string; terms: string[] }[];
  };
  /**
   * The acceptance rules the community's actions were accepted by, which a verifier checks each
   * action against: the widest root history window the community has been run with (never
   * lowered, so that narrowing it leaves the actions accepted before valid), not the instance's
   * current one; a mirror's, the widest its origin stated.
   */
  rules: { rootHistoryWindowSeconds: number; clockSkewMinutes: number };
  generatedAt: string;
  /**
   * A change batch number (decimal), the last committed batch + 1: every change of a note or
   * rating in a batch below it is committed and visible. Pass it as `before` to a change-ordered
   * read to see exactly those.
   */
  changeHorizon: string;
  /**
   * Only for a community this instance mirrored and then promoted into one of its own
   * (docs/verifiability.md, "Leaving an operator"): where it came from and the state it was
   * taken at. Absent otherwise.
   */
  promotion?: ExportPromotion;
  /** The streams this export has: an export made before a stream existed lacks it. */
  streams: readonly ExportStream[];
  /**
   * Only in a folder `bridgenotes export` saved: each stream file's record count and SHA-256,
   * which reading the folder checks, so a file cut short, edited or left from another export
   * does not read as part of this one. Not a signature: anyone can recompute them.
   */
  files?: Partial<Record<ExportStream, SavedStreamFile>>;
}

/**
 * A mirrored community promoted into a writable community of the instance that mirrored it.
 * Everything up to `root` (of `treeSize` leaves) and every note and rating change below
 * `changeHorizon` came from the origin, verified by the mirror as it pulled; what follows was
 * written here. `rules` (the manifest's) are then the looser of the origin's and this
 * instance's, `originRules` the origin's own.
 */
export interface ExportPromotion {
  /** The origin the community was mirrored from: its base URL and the community's slug there. */
  from: { url: string; community: string };
  at: string;
  /** The group's root and size when promoted: the origin's latest the mirror had verified. */
  root: string;
  treeSize: number;
  /** The origin's `changeHorizon` the mirror had read every note and rating change below. */
  originChangeHorizon: string;
  /** This instance's change batch at the promotion: every change below it is the origin's. */
  changeHorizon: string;
  originRules: { rootHistoryWindowSeconds: number; clockSkewMinutes: number };
}

export interface SavedStreamFile {
  records: number;
  /** SHA-256 of the file's bytes, hexadecimal. */
  sha256: string;
}

/** Every record carries `cursor`: pass the last one received as `after` to resume after it. */
interface Positioned {
  cursor: string;
}

/** An admitted identity commitment at its leaf; `removedAt` when the operator removed it. */
export interface MemberRecord extends Positioned {
  leafIndex: number;
  commitment: string;
  removedAt: string | null;
}

/** One root the group had: from `createdAt` until `supersededAt` (null while current). */
export interface RootRecord extends Positioned {
  root: string;
  size: number;
  createdAt: string;
  supersededAt: string | null;
}

export type PostRef = { url: string } | { platform: string; externalId: string };

export interface NoteRecord extends Positioned {
  id: string;
  authorPseudonym: string;
  /** The post's id on the instance: notes with the same `postId` are about the same post. */
  postId: string;
  /** The post as canonicalised by the instance. */
  post: { canonicalUrl: string | null; platform: string | null; externalId: string | null };
  /** The post exactly as the author's proven payload has it; null for unproven (seeded) notes. */
  postRef: PostRef | null;
  classification: string;
  reasons: string[];
  text: string;
  sources: string[];
  /** The proven minute; null for unproven (seeded) notes. */
  clientMinute: number | null;
  createdAt: string;
  deletedAt: string | null;
  proof: ProofJson | null;
  deleteProof: ProofJson | null;
  /**
   * Hidden by a moderator: left out of the instance's reads, kept here (and scored). Absent in
   * exports made before moderation existed.
   */
  hidden?: boolean;
  /**
   * Redacted by a moderator: `text` and `sources` are empty, and the proof is checked against
   * the message the moderation log's REDACT entry recorded (docs/moderation.md).
   */
  redacted?: boolean;
  /**
   * The change batch (decimal) that last changed what this record shows: a run with
   * `changedThrough` at or above it read the note as it is here. Absent in older exports.
   */
  changedBatch?: string;
}

export interface RatingRecord extends Positioned {
  id: string;
  noteId: string;
  raterPseudonym: string;
  helpfulness: RatingHelpfulness;
  tags: string[];
  clientMinute: number;
  proof: ProofJson;
  /** As `NoteRecord.changedBatch`: a replaced rating moves to a later batch. */
  changedBatch?: string;
}

/** A member's request for a note on a post: one per pseudonym and post. */
export interface RequestRecord extends Positioned {
  id: string;
  requesterPseudonym: string;
  /** The post as canonicalised by the instance. */
  post: NoteRecord['post'];
  /** The post exactly as the proven payload has it. */
  postRef: PostRef;
  clientMinute: number;
  proof: ProofJson;
  /**
   * The change batch (decimal) that stored the request ("0" for those stored before requests
   * had one): its place in the change feed. Absent in older exports.
   */
  changedBatch?: string;
}

export interface RunRecord extends Positioned {
  id: string;
  status: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  algorithmVersion: string | null;
  /**
   * The model that decided the statuses (`core` or `small-community`), chosen from the run's
   * input; a verifier recomputes it. Null for runs before the regimes existed.
   */
  regime: string | null;
  seed: number | null;
  noteCount: number | null;
  ratingCount: number | null;
  /** SHA-256 over everything the statuses depend on (libs/scoring `RunInputBuilder`). */
  inputHash: string | null;
  /**
   * SHA-256 over only what members submitted: notes with their post by key, ratings with tags;
   * the same on every instance holding the same data. Null for runs before it was kept.
   */
  dataHash: string | null;
  /** The run's time, the scorer's `nowMs` (stabilisation, locking); null for runs before it was kept. */
  nowAt: string | null;
  statusCounts: Record<ShownStatus, number> | null;
  /**
   * `FULL`, or `INCREMENTAL`: only the notes with new ratings were scored, against the frozen
   * raters of the full run `baseRunId` (docs/architecture.md, "Incremental runs"). Absent in
   * exports from before incremental runs, whose runs were all full.
   */
  kind?: 'FULL' | 'INCREMENTAL';
  baseRunId?: string | null;
  /**
   * The last change batch (decimal) committed when the run began to read its input: every note
   * and rating with a `changedBatch` up to it is in its input, as of that batch (a record
   * changed later may be too, read as of a later batch). A verifier rebuilds the input from the
   * records and the replaced rating versions as of it. Null for runs before it was kept; absent
   * in older exports.
   */
  changedThrough?: string | null;
  /**
   * §8.6: the topics and seed terms the run scored with (its input holds them, with every note's
   * text, when there are any), which a verifier recomputes it with: the community's may have
   * changed since. Null for runs before they were kept; absent in older exports (the manifest's
   * `topicSeeds` are then the only ones known).
   */
  topicSeeds?: { topic: string; terms: string[] }[] | null;
  /**
   * The run's number among its community's publications (1, 2, … in commit order, the
   * database's counter): the order a verifier takes succeeded runs in. Null for runs not
   * published or published before it was kept; absent in older exports (the runs are then
   * ordered by `finishedAt`, a worker's clock).
   */
  publication?: number | null;
}

export interface StatusChangeRecord extends Positioned {
  id: string;
  noteId: string;
  runId: string;
  previous: ShownStatus;
  next: ShownStatus;
  changedAt: string;
}

/** A note's published status and explanation, and the run that published them. */
export interface ResultRecord extends Positioned {
  noteId: string;
  status: ShownStatus;
  runId: string | null;
  score: unknown;
  /**
   * The note's status history (Community Notes' 24 fields) as that run left it: the state the
   * next run starts from. Null before the note's first run.
   */
  history: StatusHistoryJson | null;
  /** The history that run started from (null when the note had none): its input, with the rest. */
  previousHistory: StatusHistoryJson | null;
  /**
   * For a note an incremental run rescored since the full run `runId` (the `frozen-raters`
   * stream's), the history it started that full run from, which `previousHistory` no longer is.
   */
  base?: { runId: string; history: StatusHistoryJson | null };
}

/**
 * A pseudonym's earned standing as the latest run computed it from its statuses (libs/scoring
 * `computeStandings`, which the verifier runs again): one record per pseudonym, in pseudonym order.
 */
export interface StandingRecord extends Positioned {
  pseudonym: string;
  runId: string;
  ratingImpact: number;
  writingImpact: number;
  successfulRatings: number;
  unsuccessfulRatings: number;
  notesHelpful: number;
  notesNotHelpful: number;
  notesNeedingRatings: number;
  recentNotHelpful: number;
  impactSinceLock: number;
}

/**
 * The rater parameters a full run froze (libs/scoring `encodeFrozenRaters`, base64), which the
 * incremental runs after it scored notes against; at most one record, the latest full run's.
 * `changedThrough` (decimal) is the last change batch its input included: the notes and ratings
 * with a `changedBatch` up to it are the ones it read (docs/verifiability.md).
 */
export interface FrozenRatersRecord extends Positioned {
  runId: string;
  changedThrough: string;
  parameters: string;
}

/**
 * A version of a rating that a later one replaced (same note and pseudonym), kept with its proof
 * until the next full run: the one a base full run read when `changedBatch` ≤ its
 * `changedThrough` < `replacedBatch` (decimal, the batch that replaced it). Its `id` is the
 * version's own, not the rating's.
 */
export interface ReplacedRatingRecord extends RatingRecord {
  changedBatch: string;
  replacedBatch: string;
}

/** An entry of the public moderation log; its cursor is its `seq`. */
export interface ModerationRecord extends Positioned, ModerationLogEntry {}

export interface ExportRecords {
  members: MemberRecord;
  roots: RootRecord;
  notes: NoteRecord;
  ratings: RatingRecord;
  requests: RequestRecord;
  runs: RunRecord;
  'status-changes': StatusChangeRecord;
  results: ResultRecord;
  standings: StandingRecord;
  moderation: ModerationRecord;
  'frozen-raters': FrozenRatersRecord;
  'replaced-ratings': ReplacedRatingRecord;
}
