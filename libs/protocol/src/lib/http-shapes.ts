// The API's answers, declared once: the API's response DTOs implement these interfaces (so the
// compiler holds them to it), and libs/client and the widget read answers through them. Types
// only: nothing here reaches a bundle.
import type { ScoringRegime } from './scoring-regimes';

export type AdmissionPolicy = 'OPEN' | 'INVITE' | 'CLOSED' | 'CREDENTIAL';
export type NoteClassification = 'MISINFORMED_OR_POTENTIALLY_MISLEADING' | 'NOT_MISLEADING';
export type NoteStatus =
  'NEEDS_MORE_RATINGS' | 'CURRENTLY_RATED_HELPFUL' | 'CURRENTLY_RATED_NOT_HELPFUL';
export type Helpfulness = 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL';

/** `GET /communities/{slug}`. */
export interface CommunityResponse {
  id: string;
  slug: string;
  name: string;
  description: string;
  admission: AdmissionPolicy;
  /** The Semaphore scope of every proof in the community (decimal). */
  scope: string;
  treeDepth: number;
  treeSize: number;
  /**
   * Live members of the group now (its leaves less the removed ones; an older instance does not
   * send it): the anonymity set of a proof against the current root.
   */
  members?: number;
  /**
   * The fewest live members a root must have for proofs against it to be accepted (the
   * community's own minimum when its operator set one, else the instance's PROOF_MIN_MEMBERS;
   * an older instance does not send it): below it every proven action is refused with
   * `403 PROOF_ROOT_TOO_SMALL`, so a client can say how many more members the community needs
   * before anyone can write.
   */
  proofMinMembers?: number;
  /**
   * Whose minimum `proofMinMembers` is: `community`, set for this community alone (possibly
   * below the instance's, a small anonymity set it accepts), or `instance`.
   */
  proofMinMembersSource?: 'community' | 'instance';
  root: string;
  embedOrigins: string[];
  /** Rating impact a pseudonym must earn before writing notes (0: none). */
  earnInImpact: number;
  /** Invite codes each member may create by proof (0: none). */
  inviteQuota: number;
  /** Topics whose notes Core leaves to CoreWithTopics (§8.6), each with its seed terms. */
  topicSeeds: { topic: string; terms: string[] }[];
  /** Proof-of-work an OPEN join needs, in leading zero bits (0: none; see `JoinWorkResponse`). */
  joinWorkDifficulty: number;
  /** Notes one pseudonym may write per UTC day here; null: the instance's default (0: no quota). */
  notesPerDay: number | null;
  /** Note requests one pseudonym may make per UTC day here; null: the instance's default. */
  noteRequestsPerDay: number | null;
  /**
   * How the instance seals joins and writes into batches (the same for all its communities; an
   * older instance does not send it): `maxWaitSeconds`, the longest a join or write waits for
   * its batch when fewer than K members wait; 0: sealed in its request; null: no time bound (a
   * batch waits for K members). Clients wait for a pending join accordingly (`pendingJoinOverdue`).
   */
  sealing: { maxWaitSeconds: number | null };
  createdAt: string;
}

/**
 * What an OPEN join's proof-of-work must solve (libs/protocol `solveJoinWork`): send the nonce
 * found with the challenge before `expiresAt`. `difficulty` 0: no work needed.
 */
export interface JoinWorkResponse {
  difficulty: number;
  challenge: string;
  expiresAt: string;
}

/** The raters of one viewpoint side in a note's score. */
export interface ScoreSide {
  raters: number;
  helpful: number;
}

export interface PostResponse {
  id: string;
  url: string | null;
  platform: string | null;
  externalId: string | null;
  requestCount: number;
}

export interface NoteResponse {
  id: string;
  communityId: string;
  postId: string;
  authorPseudonym: string;
  classification: NoteClassification;
  reasons: string[];
  text: string;
  sources: string[];
  status: NoteStatus;
  ratingCount: number;
  /** The latest scoring explanation; the viewpoint sides when the note was scored. */
  score:
    | ({ negativeFactorRaters?: ScoreSide; positiveFactorRaters?: ScoreSide } & Record<
        string,
        unknown
      >)
    | null;
  /** Why the note has its status, for readers; null before its first scoring. */
  explanation: NoteExplanationResponse | null;
  createdAt: string;
  deletedAt: string | null;
  /** Redacted by a moderator: text and sources are empty (docs/moderation.md). */
  redacted: boolean;
}

/** One side's ratings of a note: a viewpoint in an explanation, an opinion group in the console. */
export interface SideRatingsResponse {
  ratings: number;
  helpful: number;
  somewhatHelpful: number;
  notHelpful: number;
  /** Share of helpfulness (somewhat helpful counts half), null without ratings. */
  helpfulShare: number | null;
}

/** One viewpoint's ratings of a note, in a reader-facing explanation. */
export interface ViewpointRatingsResponse extends SideRatingsResponse {
  label: string;
  /**
   * What a reader may be asked for: more helpful ratings this side must give before the note can
   * be shown as helpful, only while it NEEDS_MORE_RATINGS (null: many more); 0 for a note with
   * any other status, whatever its side's test lacks. The console's `helpfulNeededToPass` is the
   * side's figure whatever the status.
   */
  helpfulRatingsNeeded: number | null;
}

/** Why a note has its status, in words a reader can act on; no internal field names. */
export interface NoteExplanationResponse {
  headline: string;
  detail: string;
  viewpoints: ViewpointRatingsResponse[];
  /**
   * Ratings counted in the run from members on neither side: their viewpoint is not known yet
   * (in small-community scoring, before their third rating or while it is unclear).
   */
  ratingsWithoutViewpoint: number;
  /** "Small-community scoring" or "Bridging model". */
  scoring: string;
}

/** `GET /posts?url=…`. */
export interface PostNotesResponse {
  post: PostResponse;
  notes: NoteResponse[];
}

/** `PUT /communities/{slug}/notes/{id}/rating`. */
export interface RatingResponse {
  noteId: string;
  raterPseudonym: string;
  helpfulness: Helpfulness;
  tags: string[];
  clientMinute: number;
}

/** `POST /communities/{slug}/note-requests`. */
export interface NoteRequestResponse {
  id: string;
  communityId: string;
  postId: string;
  requesterPseudonym: string;
  clientMinute: number;
  /** Members of the community who requested a note on the post, this one included. */
  postRequestCount: number;
}

/** `GET /communities/{slug}/group/leaves`: enough to rebuild the group and check its root. */
/** `POST /communities/{slug}/members` (and the operator's additions and removals). */
export interface MembershipChangeResponse {
  /** Leaf index of the (first) member added, or of the one removed; null while `pending`. */
  leafIndex: number | null;
  root: string;
  size: number;
  /**
   * A join accepted and stored durably, waiting in the write buffer for its batch: the member is
   * in the group (and can prove) once the published leaves include its commitment.
   */
  pending?: boolean;
}

export interface GroupLeavesResponse {
  root: string;
  size: number;
  depth: number;
  leaves: string[];
}

/** Every 4xx and 5xx answer. */
export interface ApiErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  requestId?: string;
  details?: unknown;
}

// Moderation (docs/moderation.md).

export type ReportReasonCode = 'PERSONAL_DATA' | 'ILLEGAL' | 'SPAM' | 'HARASSMENT' | 'OTHER';
export type ModerationActionCode = 'HIDE' | 'RESTORE' | 'REDACT' | 'BLOCK' | 'UNBLOCK' | 'DISMISS';

/** `POST /communities/{slug}/notes/{noteId}/reports`. */
export interface NoteReportResponse {
  id: string;
  noteId: string;
  reason: ReportReasonCode;
  /** The UTC day of the report (YYYY-MM-DD). */
  day: string;
}

/** `GET /communities/{slug}/moderator-keys`: a key, never its secret. */
export interface ModeratorKeyResponse {
  id: string;
  label: string;
  /** The UTC day it was issued (YYYY-MM-DD). */
  createdDay: string;
  revoked: boolean;
}

/** `POST /communities/{slug}/moderator-keys`: the secret, shown this once. */
export interface IssuedModeratorKeyResponse extends ModeratorKeyResponse {
  secret: string;
}

/** One reported note in `GET /communities/{slug}/moderation/reports`. */
export interface ReportedNoteResponse {
  note: {
    id: string;
    postId: string;
    postUrl: string | null;
    authorPseudonym: string;
    text: string;
    sources: string[];
    status: NoteStatus;
    deleted: boolean;
    hidden: boolean;
    redacted: boolean;
    authorBlocked: boolean;
  };
  reportCount: number;
  /** Reports per reason (reasons without reports absent). */
  reasons: Partial<Record<ReportReasonCode, number>>;
  /** The texts of OTHER reports. */
  texts: string[];
  /** The UTC day of the latest report. */
  lastDay: string;
}

/** `GET /communities/{slug}/moderation/reports`: a page of the open reports. */
export interface ReportQueueResponse {
  items: ReportedNoteResponse[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

/** One entry of a community's public moderation log (hash-chained, libs/protocol moderation.ts). */
export interface ModerationLogEntryResponse {
  seq: number;
  action: ModerationActionCode;
  target: string;
  reasonCode: string;
  moderatorKeyId: string;
  day: string;
  message: string | null;
  previousHash: string;
  hash: string;
}

/**
 * `GET /communities/{slug}/moderation/log`: entries after `after`, in order; with `order=newest`,
 * entries before `before`, newest first.
 */
export interface ModerationLogResponse {
  items: ModerationLogEntryResponse[];
  /** Pass as `after` for the next page; null when this page is the end. */
  nextAfter: number | null;
  /** With `order=newest`: pass as `before` for the older page; null when this page holds seq 1. */
  nextBefore: number | null;
}

/** A note on the Core model's intercept × factor plane. */
export interface NotePointResponse {
  intercept: number;
  factor: number;
  status: NoteStatus;
}

/** The Core model's status thresholds on that plane. */
export interface CoreThresholdsResponse {
  helpfulIntercept: number;
  helpfulMaxFactor: number;
  notHelpfulIntercept: number;
  notHelpfulFactorSlope: number;
}

/** One opinion group's ratings of a note, as the small-community regime counted them. */
export interface GroupRatingsResponse extends SideRatingsResponse {
  /**
   * The scorer's own figure, for the operator: HELPFUL ratings the group must still give for the
   * note's helpful test to pass in it, whatever the note's status (a note rated not helpful has
   * one too); 0: it passes; null: more than `OpinionGroupRuleResponse.maxHelpfulNeeded`. A
   * reader's explanation shows it only while the note needs ratings (`helpfulRatingsNeeded`).
   */
  helpfulNeededToPass: number | null;
}

/** A note the small-community regime decided: its status and each group's ratings (A, B). */
export interface GroupNotePointResponse {
  status: NoteStatus;
  groups: [GroupRatingsResponse, GroupRatingsResponse];
}

/** The small-community regime's rule (libs/scoring `OPINION_GROUP_PARAMETERS`). */
export interface OpinionGroupRuleResponse {
  /** Ratings a note needs from each group before either verdict. */
  minRatingsPerGroup: number;
  /** The helpful share each group's bound is held to. */
  share: number;
  /** The bounds: the share's Beta(1, 1) posterior mean ∓ z standard deviations. */
  z: number;
  /** The most helpful ratings a group's figure counts; past it, `helpfulNeededToPass` is null. */
  maxHelpfulNeeded: number;
}

/** The small-community regime's two opinion groups on the run's viewpoint axis. */
export interface OpinionGroupSplitResponse {
  /** Members in group A (factor ≤ −margin, on the side where most members' factors lie) and group B (≥ margin). */
  sizes: [number, number];
  /** How far from 0 a member's factor must be to join a group; 0 without a viewpoint fit. */
  margin: number;
}

/** Raters per factor bin in a run: counts only, never which rater. */
export interface FactorHistogramResponse {
  min: number;
  max: number;
  counts: number[];
  /**
   * The opinion groups, when the small-community regime decided the run and the factors are its
   * viewpoint fit's; null for a Core run, and for a small-community run made before the groups
   * were recorded (its factors are then the Core's final round, which did not decide it).
   */
  groups: OpinionGroupSplitResponse | null;
}

/** `GET /communities/{slug}/overview`: a community's scoring and membership, aggregates only. */
export interface CommunityOverviewResponse {
  /** When the latest successful run finished (ISO 8601); null before one. */
  latestRunFinishedAt: string | null;
  /** The regime of the latest successful run; null before one (or for runs before regimes). */
  regime: ScoringRegime | null;
  statusCounts: Record<NoteStatus, number>;
  notes: NotePointResponse[];
  thresholds: CoreThresholdsResponse;
  groupNotes: GroupNotePointResponse[];
  groupRule: OpinionGroupRuleResponse;
  /** The latest successful run's; null before one, or for a run made before they were recorded. */
  raterFactors: FactorHistogramResponse | null;
  memberCount: number;
  memberGrowth: { day: string; size: number }[];
}
