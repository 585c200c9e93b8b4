import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { ModeratorKey, PrismaService } from '@bridgenotes/database';
import { OPERATOR_MODERATOR } from '@bridgenotes/protocol';
import { createHash, randomBytes } from 'node:crypto';

import { ApiError } from '../common/api-error';
import { checkOperatorKey } from '../common/operator-key.guard';
import type { CommunityKey } from '../communities/communities.service';

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A moderator key's secret: a prefix that says what it is, and 32 random bytes. */
const SECRET_PREFIX = 'bnmod_';

/**
 * The one owner of `moderator_keys`: keys the operator issues to moderate one community. Only
 * a key's SHA-256 is stored, so the secret is shown once, when issued; a key of high entropy
 * needs no slow hash, and looking it up by digest is what makes the check constant-time enough
 * (a timing difference would only tell a digest's prefix, not the secret's).
 */
@Injectable()
export class ModeratorKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  async issue(
    community: CommunityKey,
    label: string,
  ): Promise<{ key: ModeratorKey; secret: string }> {
    const secret = `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
    const key = await this.prisma.moderatorKey.create({
      data: {
        communityId: community.id,
        label,
        keyHash: digest(secret),
        createdDay: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
      },
    });
    return { key, secret };
  }

  list(community: CommunityKey): Promise<ModeratorKey[]> {
    return this.prisma.moderatorKey.findMany({
      where: { communityId: community.id },
      orderBy: [{ createdDay: 'asc' }, { id: 'asc' }],
    });
  }

  /** Revoking twice keeps the first revocation's time. */
  async revoke(community: CommunityKey, keyId: string): Promise<ModeratorKey> {
    await this.prisma.moderatorKey.updateMany({
      where: { id: keyId, communityId: community.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const key = await this.prisma.moderatorKey.findFirst({
      where: { id: keyId, communityId: community.id },
    });
    if (!key) throw ApiError.of('MODERATOR_KEY_NOT_FOUND', keyId, community.slug);
    return key;
  }

  /**
   * Who the `Authorization` header is for this community: `operator`, a live moderator key of
   * this community (its id), or a 401. A key of another community is refused like a wrong one.
   */
  async moderatorOf(community: CommunityKey, authorization: string | undefined): Promise<string> {
    if (checkOperatorKey(this.env, authorization) === 'ok') return OPERATOR_MODERATOR;
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (bearer?.startsWith(SECRET_PREFIX)) {
      const key = await this.prisma.moderatorKey.findUnique({ where: { keyHash: digest(bearer) } });
      if (key && key.communityId === community.id && key.revokedAt === null) return key.id;
    }
    throw ApiError.of('MODERATOR_KEY_INVALID', community.slug);
  }
}
