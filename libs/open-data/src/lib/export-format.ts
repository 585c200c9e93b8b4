import type { ProofJson } from '@bridgenotes/protocol';
import type { RatingHelpfulness, ShownStatus } from '@bridgenotes/scoring';

/**
 * The open-data export of one community: a manifest and eight NDJSON streams, the same whether
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
] as const;

export type ExportStream = (typeof EXPORT_STREAMS)[number];

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
  };
  /** The acceptance rules the instance applies, which a verifier checks each action against. */
  rules: { rootHistoryWindowSeconds: number; clockSkewMinutes: number };
  generatedAt: string;
  /** The streams this export has: an export made before a stream existed lacks it. */
  streams: readonly ExportStream[];
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
}

export interface RatingRecord extends Positioned {
  id: string;
  noteId: string;
  raterPseudonym: string;
  helpfulness: RatingHelpfulness;
  tags: string[];
  clientMinute: number;
  proof: ProofJson;
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
}

export interface RunRecord extends Positioned {
  id: string;
  status: string;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  algorithmVersion: string | null;
  seed: number | null;
  noteCount: number | null;
  ratingCount: number | null;
  inputHash: string | null;
  statusCounts: Record<ShownStatus, number> | null;
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
}

export interface ExportRecords {
  members: MemberRecord;
  roots: RootRecord;
  notes: NoteRecord;
  ratings: RatingRecord;
  requests: RequestRecord;
  runs: RunRecord;
  'status-changes': StatusChangeRecord;
  results: ResultRecord;
}
