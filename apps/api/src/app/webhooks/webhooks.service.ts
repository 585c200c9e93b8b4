import { Injectable } from '@nestjs/common';
import { Environment, isPrivateHost } from '@bridgenotes/config';
import {
  Community,
  lockWebhookForRemoval,
  Prisma,
  PrismaService,
  WebhookDelivery,
} from '@bridgenotes/database';

import { ApiError } from '../common/api-error';
import { decodeCursor, encodeCursor, Page, pageOf } from '../common/cursor';
import { PRIVATE_WEBHOOK_MESSAGE, PutWebhookDto } from './dto/webhook.dto';

/**
 * A PUT or DELETE waits for a publication recording a delivery (`lockWebhookForRemoval`), whose
 * transaction may last up to two minutes in a large community: Prisma's default 5 s would answer
 * 500 meanwhile.
 */
const WEBHOOK_TRANSACTION = { timeout: 150_000 };

@Injectable()
export class WebhooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  /**
   * A refused address literal (or localhost) is refused here, with a clear answer; a name is resolved only by
   * the worker, where it connects (it may resolve otherwise by then).
   *
   * A new URL drops the deliveries not yet made, as `remove` does and under its lock: the worker
   * reads the URL and secret at each attempt, so the old receiver's backlog would otherwise go to
   * the new one, signed with its secret. Any other URL counts as another receiver (one host may
   * serve many, by path); a new secret for the same URL (a rotation) keeps them.
   */
  async put(community: Community, { url, secret }: PutWebhookDto): Promise<{ url: string }> {
    if (!this.env.WEBHOOK_ALLOW_PRIVATE_RECEIVERS && isPrivateHost(new URL(url).hostname)) {
      throw ApiError.of('VALIDATION_FAILED', PRIVATE_WEBHOOK_MESSAGE).withDetails([
        { field: 'url', problems: [PRIVATE_WEBHOOK_MESSAGE] },
      ]);
    }
    await this.prisma.$transaction(async (tx) => {
      await lockWebhookForRemoval(tx, community.id);
      const { webhookUrl } = await tx.community.findUniqueOrThrow({
        where: { id: community.id },
        select: { webhookUrl: true },
      });
      await tx.community.update({
        where: { id: community.id },
        data: { webhookUrl: url, webhookSecret: secret },
      });
      if (webhookUrl !== url) await this.dropUndelivered(tx, community.id);
    }, WEBHOOK_TRANSACTION);
    return { url };
  }

  /**
   * Deliveries not yet made are dropped with the webhook: the worker reads the community's URL
   * and secret at each attempt, so one kept in backoff would otherwise go to whatever receiver
   * is set next. A job of a dropped delivery finds no row and stops; delivered ones stay listed.
   * After the publications recording a delivery for the webhook now (`lockWebhookForRemoval`):
   * their deliveries are dropped too, and later ones find no webhook.
   */
  async remove(community: Community): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await lockWebhookForRemoval(tx, community.id);
      await tx.community.update({
        where: { id: community.id },
        data: { webhookUrl: null, webhookSecret: null },
      });
      await this.dropUndelivered(tx, community.id);
    }, WEBHOOK_TRANSACTION);
  }

  private async dropUndelivered(tx: Prisma.TransactionClient, communityId: string): Promise<void> {
    await tx.webhookDelivery.deleteMany({ where: { communityId, deliveredAt: null } });
  }

  async deliveries(
    community: Community,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDelivery>> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        communityId: community.id,
        ...(after && {
          OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, (delivery) =>
      encodeCursor({ at: delivery.createdAt, id: delivery.id }),
    );
  }
}
