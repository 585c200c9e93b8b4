import { Injectable } from '@nestjs/common';
import { PrismaService, WebhookDelivery } from '@bridgenotes/database';

import { decodeCursor, encodeCursor, Page, pageOf } from '../common/cursor';
import { CommunitiesService } from '../communities/communities.service';
import { PutWebhookDto } from './dto/webhook.dto';

@Injectable()
export class WebhooksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly communities: CommunitiesService,
  ) {}

  async put(slug: string, { url, secret }: PutWebhookDto): Promise<{ url: string }> {
    const community = await this.communities.findBySlug(slug);
    await this.prisma.community.update({
      where: { id: community.id },
      data: { webhookUrl: url, webhookSecret: secret },
    });
    return { url };
  }

  /** Pending deliveries stop at their next attempt; nothing more is recorded for the community. */
  async remove(slug: string): Promise<void> {
    const community = await this.communities.findBySlug(slug);
    await this.prisma.community.update({
      where: { id: community.id },
      data: { webhookUrl: null, webhookSecret: null },
    });
  }

  async deliveries(slug: string, limit: number, cursor?: string): Promise<Page<WebhookDelivery>> {
    const community = await this.communities.findBySlug(slug);
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
