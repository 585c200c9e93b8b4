import { Injectable } from '@nestjs/common';
import { Community, PrismaService, WebhookDelivery } from '@bridgenotes/database';

import { decodeCursor, encodeCursor, Page, pageOf } from '../common/cursor';
import { PutWebhookDto } from './dto/webhook.dto';

@Injectable()
export class WebhooksService {
  constructor(private readonly prisma: PrismaService) {}

  async put(community: Community, { url, secret }: PutWebhookDto): Promise<{ url: string }> {
    await this.prisma.community.update({
      where: { id: community.id },
      data: { webhookUrl: url, webhookSecret: secret },
    });
    return { url };
  }

  /** Pending deliveries stop at their next attempt; nothing more is recorded for the community. */
  async remove(community: Community): Promise<void> {
    await this.prisma.community.update({
      where: { id: community.id },
      data: { webhookUrl: null, webhookSecret: null },
    });
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
