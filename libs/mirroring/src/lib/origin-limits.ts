import { Environment } from '@bridgenotes/config';
import { errorCode } from '@bridgenotes/database';
import { ExportReadError, type ResponseLimits } from '@bridgenotes/open-data';

import { MirrorPullError, type MirrorErrorCode } from './mirror-state';

/** What a pull may read of its origin (docs/operations.md, "Mirroring: what an origin may send"). */
export interface OriginLimits extends ResponseLimits {
  /**
   * Records one pull reads of a stream it takes whole before storing (roots, members, results,
   * the moderation log's new entries), and of each change feed.
   */
  maxStreamRecords: number;
}

export function originLimits(env: Environment): OriginLimits {
  return {
    maxRecordBytes: env.MIRROR_MAX_RECORD_BYTES,
    maxResponseBytes: env.MIRROR_MAX_RESPONSE_BYTES,
    idleTimeoutMs: env.MIRROR_READ_IDLE_MS,
    timeoutMs: env.MIRROR_READ_TIMEOUT_MS,
    maxStreamRecords: env.MIRROR_MAX_STREAM_RECORDS,
  };
}

/**
 * The most records one pull refuses: an origin serving page after page of junk under fresh ids
 * and cursors would otherwise hold the pull, and grow `mirror_refusals`, without end. An honest
 * origin's refusals are few; what a pull stored and refused stays, and the next goes on.
 */
export const MAX_REFUSALS_PER_PULL = 10_000;

/**
 * Stops a pull, once a change feed's page is settled, that read more of the feed than
 * `maxStreamRecords` or refused more than `MAX_REFUSALS_PER_PULL` records: what was settled
 * stays, and the next pull goes on from there.
 */
export function checkPullLimits(
  limits: OriginLimits,
  location: string,
  stream: string,
  read: number,
  refused: number,
): void {
  if (read > limits.maxStreamRecords) {
    throw new MirrorPullError(
      'ORIGIN_STREAM_TOO_LONG',
      `${location}/${stream} goes on past ${limits.maxStreamRecords} records in one pull: read stopped, what was stored stays`,
    );
  }
  if (refused > MAX_REFUSALS_PER_PULL) {
    throw new MirrorPullError(
      'ORIGIN_TOO_MANY_REFUSALS',
      `${location}: over ${MAX_REFUSALS_PER_PULL} records refused in one pull: read stopped, what was stored stays`,
    );
  }
}

/** The setting behind each limit, named with the error so the operator knows what ran out. */
const SETTINGS: Partial<Record<MirrorErrorCode, keyof Environment>> = {
  ORIGIN_RECORD_TOO_LARGE: 'MIRROR_MAX_RECORD_BYTES',
  ORIGIN_RESPONSE_TOO_LARGE: 'MIRROR_MAX_RESPONSE_BYTES',
  ORIGIN_STREAM_TOO_LONG: 'MIRROR_MAX_STREAM_RECORDS',
  ORIGIN_STALLED: 'MIRROR_READ_IDLE_MS',
  ORIGIN_TOO_SLOW: 'MIRROR_READ_TIMEOUT_MS',
};

export interface OriginFailure {
  code: MirrorErrorCode;
  /** What happened, and the setting whose limit it ran into. */
  message: string;
}

/**
 * Why reading from an origin stopped, as the mirror's state and the API show it: a pull's own
 * errors whole (their messages are written to be shown), any other by its name and codes only
 * (libs/database `errorCode`): a database error's message may print a value it was given, and
 * `lastError` is public (`GET /mirrors`).
 */
export function originFailure(error: unknown): OriginFailure {
  const own = error instanceof MirrorPullError || error instanceof ExportReadError;
  const code = own ? error.code : 'PULL_FAILED';
  const message = own ? error.message : `the pull failed: ${errorCode(error)}`;
  const setting = SETTINGS[code];
  return { code, message: setting ? `${message} (limit: ${setting})` : message };
}
