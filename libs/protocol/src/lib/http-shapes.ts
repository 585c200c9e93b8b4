// The API's answers, declared once: the API's response DTOs implement these interfaces (so the
// compiler holds them to it), and libs/client and the widget read answers through them. Types
// only: nothing here reaches a bundle.

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
  root: string;
  embedOrigins: string[];
  /** Rating impact a pseudonym must earn before writing notes (0: none). */
  earnInImpact: number;
  /** Invite codes each member may create by proof (0: none). */
  inviteQuota: number;
  createdAt: string;
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
}

/** One viewpoint's ratings of a note, in a reader-facing explanation. */
export interface ViewpointRatingsResponse {
  label: string;
  ratings: number;
  helpful: number;
  somewhatHelpful: number;
  notHelpful: number;
  /** Share of helpfulness (somewhat helpful counts half), null without ratings. */
  helpfulShare: number | null;
  /** More helpful ratings this side must give; 0 when its side passes, null for many more. */
  helpfulRatingsNeeded: number | null;
}

/** Why a note has its status, in words a reader can act on; no internal field names. */
export interface NoteExplanationResponse {
  headline: string;
  detail: string;
  viewpoints: ViewpointRatingsResponse[];
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
