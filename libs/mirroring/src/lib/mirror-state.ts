import { EXPORT_READ_CODES, type ExportPromotion } from '@bridgenotes/open-data';

/** Where each stream's next pull resumes: the `cursor` of the last record the mirror settled. */
export interface MirrorCursors {
  roots?: string;
  members?: string;
  /** Change cursors (`order=changes`). */
  notes?: string;
  ratings?: string;
  /**
   * Also a change cursor. Absent while no pull read an origin whose requests have a feed
   * (`requestsOrder`), as in cursors saved before requests had one: the next such pull reads
   * the feed from its start.
   */
  requests?: string;
}

export type MirrorStream = keyof MirrorCursors;

/**
 * Where the last pull that ran to its end left the cursors, and the origin's `changeHorizon` it
 * read the change feeds up to (`mirrors.pulled_through`). While the cursors are still these, the
 * mirror holds exactly the origin's community as of that horizon: what a promotion takes.
 */
export interface PulledThrough {
  /** Absent (with `cursors`) while no pull has run to its end, only `reading` recorded. */
  changeHorizon: string;
  /**
   * The highest `changeHorizon` a pull began reading under since the last complete one (a
   * complete pull's own is then `changeHorizon`): the mirror may hold changes below it, so it
   * never goes back to a manifest below it (`behindProblem`).
   */
  reading?: string;
  cursors: MirrorCursors;
  /**
   * The promotion that pull's manifest stated (null: none), whose numbering the cursors are
   * positions in (`lineageProblem`); absent in one recorded before pulls kept it.
   */
  promotion?: ExportPromotion | null;
}

/**
 * The acceptance rules the origin states in its manifest; as the mirror keeps them, each bound the
 * widest the origin has stated (`MirrorPuller`): a narrower statement later leaves them.
 */
export interface OriginRules {
  rootHistoryWindowSeconds: number;
  clockSkewMinutes: number;
}

export interface PullOutcome {
  /**
   * Records accepted by this pull, per stream (replaced ratings and deletions included); note
   * requests only when some were.
   */
  accepted: Record<Exclude<MirrorStream, 'requests'>, number> & { requests?: number };
  /** Records refused by this pull (each also recorded as a refusal, with its reason). */
  refused: number;
  /** Entries of the origin's moderation log copied by this pull (absent when none). */
  moderationEntries?: number;
  /**
   * Entries of the origin's log left for a later pull, from the first naming a note this mirror
   * does not hold (absent when none).
   */
  moderationHeldBack?: number;
  /**
   * Why this pull read none of the notes, ratings and requests feeds (absent when it read them):
   * a root dated ahead of this clock, which what is proven against it needs; a later pull reads
   * them once the root is taken.
   */
  changesWait?: string;
  /** The origin's latest succeeded run, when this pull fetched its statuses. */
  originRunFetched?: string;
}

/** A record the mirror did not accept: which, and why. */
export interface Refusal {
  /** `moderation`: an entry of the origin's log left waiting (ENTRY_NOTE_REFUSED). */
  stream: MirrorStream | 'moderation';
  subject: string;
  code: string;
  message: string;
}

/**
 * Why a pull stopped, kept in `mirrors.last_error_code` beside the message: the origin's read
 * codes (libs/open-data `ExportReadError`), and the mirror's own.
 */
export const MIRROR_ERROR_CODES = [
  ...EXPORT_READ_CODES,
  /**
   * A stream read whole before storing, or a change feed in one pull, went on past
   * `MIRROR_MAX_STREAM_RECORDS`.
   */
  'ORIGIN_STREAM_TOO_LONG',
  /** One pull refused more than `MAX_REFUSALS_PER_PULL` records. */
  'ORIGIN_TOO_MANY_REFUSALS',
  /**
   * The manifest states a promotion (or none) that does not continue the one the mirror's
   * pulls read: another instance's numbering (`lineageProblem`).
   */
  'ORIGIN_LINEAGE_CHANGED',
  /**
   * The manifest's `changeHorizon` is below one a pull of the mirror already read under: an
   * older export of the community (`behindProblem`).
   */
  'ORIGIN_BEHIND',
  /**
   * Not a stop: the pull ran, but a root dated ahead of this clock (within the hour past the
   * skew) was refused, so the notes, ratings and requests feeds wait for a later pull.
   */
  'ROOT_TIME_INVALID',
  /** Another pull of the mirror stored first: this one stored nothing more. */
  'PULL_CONFLICT',
  /** Anything else, on this side (the database…). */
  'PULL_FAILED',
] as const;

export type MirrorErrorCode = (typeof MIRROR_ERROR_CODES)[number];

/** The mirror cannot pull (origin unreachable, serving another community, over a limit…). */
export class MirrorPullError extends Error {
  override name = 'MirrorPullError';

  constructor(
    readonly code: MirrorErrorCode,
    message: string,
  ) {
    super(message);
  }
}
