import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { AdmissionPolicy, type Community } from '@bridgenotes/database';
import { checkJoinWork, type JoinWorkResponse } from '@bridgenotes/protocol';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';

/**
 * A challenge is issued for one period and accepted during it and the next: a solution lives 10
 * to 20 minutes, long enough for a slow phone at the highest sensible difficulty, too short to
 * stockpile solutions for a burst of joins.
 */
export const JOIN_WORK_PERIOD_MS = 10 * 60_000;

const CHALLENGE = /^(\d{1,12})\.([A-Za-z0-9_-]{22})$/;

/** What a join brings for an OPEN community's proof-of-work. */
export interface JoinWork {
  challenge?: string;
  nonce?: string;
}

/**
 * Proof-of-work on OPEN joins (libs/protocol `join-work`, docs/operations.md). The server keeps
 * no state per client: a challenge is `<period>.<tag>`, the tag an HMAC of the community's id and
 * the period under a key that lives only in memory (derived from RATE_LIMIT_SECRET, so every API
 * process and machine sharing the secret accepts the others' challenges). Unset, each process
 * draws its own key, and a restart turns outstanding challenges into `JOIN_WORK_INVALID`, not
 * `JOIN_WORK_EXPIRED`: their tag no longer matches, and a tag made under a lost key cannot be told
 * from a forged one. No client retries on it (the extension retries once on JOIN_WORK_EXPIRED
 * only): such a join is refused, and the member's next join, with the fresh challenge clients
 * ask for right before each join, succeeds. Nobody can compute a future period's challenge, so
 * work cannot be done ahead; the period bounds how long a solution keeps; the community and the
 * commitment are in the hashed text, so a solution admits nothing else. Replaying a solution is
 * harmless: the commitment it names is then already a member.
 */
@Injectable()
export class JoinWorkService {
  private readonly key: Buffer;

  constructor(
    env: Environment,
    private readonly clock: Clock,
  ) {
    const secret = env.RATE_LIMIT_SECRET ? Buffer.from(env.RATE_LIMIT_SECRET) : randomBytes(32);
    this.key = createHmac('sha256', secret).update('join-work').digest();
  }

  private tagOf(communityId: string, period: number): string {
    return createHmac('sha256', this.key)
      .update(`${communityId}:${period}`)
      .digest('base64url')
      .slice(0, 22);
  }

  /** The challenge of the current period, with the community's difficulty. */
  challenge(community: Community, now = this.clock.now()): JoinWorkResponse {
    const period = Math.floor(now / JOIN_WORK_PERIOD_MS);
    return {
      difficulty: community.admission === AdmissionPolicy.OPEN ? community.joinWorkDifficulty : 0,
      challenge: `${period}.${this.tagOf(community.id, period)}`,
      expiresAt: new Date((period + 2) * JOIN_WORK_PERIOD_MS).toISOString(),
    };
  }

  /** Refuses an OPEN join whose work is missing, wrong or expired; cheap (two hashes). */
  assertDone(
    community: Community,
    commitment: string,
    work: JoinWork,
    now = this.clock.now(),
  ): void {
    const difficulty = community.joinWorkDifficulty;
    if (community.admission !== AdmissionPolicy.OPEN || difficulty === 0) return;
    if (!work.challenge || !work.nonce) {
      throw ApiError.of('JOIN_WORK_REQUIRED', difficulty);
    }
    const parsed = CHALLENGE.exec(work.challenge);
    const period = Number(parsed?.[1]);
    const current = Math.floor(now / JOIN_WORK_PERIOD_MS);
    if (
      !parsed ||
      period > current ||
      !timingSafeEqual(Buffer.from(parsed[2]), Buffer.from(this.tagOf(community.id, period)))
    ) {
      throw ApiError.of('JOIN_WORK_INVALID');
    }
    if (period < current - 1) {
      throw ApiError.of('JOIN_WORK_EXPIRED');
    }
    const target = { community: community.id, commitment, challenge: work.challenge, difficulty };
    if (!checkJoinWork(target, work.nonce)) {
      throw ApiError.of('JOIN_WORK_INVALID');
    }
  }
}
