/** Where each stream's next pull resumes: the `cursor` of the last record the mirror settled. */
export interface MirrorCursors {
  roots?: string;
  members?: string;
  /** Change cursors (`order=changes`). */
  notes?: string;
  ratings?: string;
}

export type MirrorStream = keyof MirrorCursors;

/** The acceptance rules the origin states in its manifest. */
export interface OriginRules {
  rootHistoryWindowSeconds: number;
  clockSkewMinutes: number;
}

export interface PullOutcome {
  /** Records accepted by this pull, per stream (replaced ratings and deletions included). */
  accepted: Record<MirrorStream, number>;
  /** Records refused by this pull (each also recorded as a refusal, with its reason). */
  refused: number;
  /** Entries of the origin's moderation log copied by this pull (absent when none). */
  moderationEntries?: number;
  /** The origin's latest succeeded run, when this pull fetched its statuses. */
  originRunFetched?: string;
}

/** A record the mirror did not accept: which, and why. */
export interface Refusal {
  stream: MirrorStream;
  subject: string;
  code: string;
  message: string;
}

/** The mirror cannot pull at all (origin unreachable, or serving another community). */
export class MirrorPullError extends Error {
  override name = 'MirrorPullError';
}
