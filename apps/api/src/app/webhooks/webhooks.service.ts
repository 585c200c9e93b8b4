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
import { EARLIEST, LATEST, Page, pageOf, UUID } from '../common/cursor';
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

  /**
   * The community's deliveries in the order they are sent, newest first: by `sequence`, then
   * `page`, both descending (a run's pages last to first), then `createdAt` and `id` (several
   * runs published before runs were numbered all carry `sequence` 0).
   */
  async deliveries(
    community: Community,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDelivery>> {
    const after = cursor === undefined ? undefined : decodeDeliveryCursor(cursor);
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        communityId: community.id,
        ...(after && {
          OR: [
            { sequence: { lt: after.sequence } },
            { sequence: after.sequence, page: { lt: after.page } },
            { sequence: after.sequence, page: after.page, createdAt: { lt: after.at } },
            {
              sequence: after.sequence,
              page: after.page,
              createdAt: after.at,
              id: { lt: after.id },
            },
          ],
        }),
      },
      orderBy: [{ sequence: 'desc' }, { page: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return pageOf(rows, limit, encodeDeliveryCursor);
  }
}

/** Where a page of deliveries ends, in their listing order. */
interface DeliveryPosition {
  sequence: number;
  page: number;
  at: Date;
  id: string;
}

const INT_MAX = 2_147_483_647;

/** `w<sequence>.<page>|<createdAt>|<id>`, opaque to clients (base64url). */
function encodeDeliveryCursor({
  sequence,
  page,
  createdAt,
  id,
}: Pick<WebhookDelivery, 'sequence' | 'page' | 'createdAt' | 'id'>): string {
  return Buffer.from(`w${sequence}.${page}|${createdAt.toISOString()}|${id}`).toString('base64url');
}

/** A cursor `encodeDeliveryCursor` made, or `CURSOR_INVALID` (400): anything else is forged. */
function decodeDeliveryCursor(cursor: string): DeliveryPosition {
  const match = /^w(0|[1-9][0-9]{0,9})\.([1-9][0-9]{0,9})\|([0-9TZ:.-]{24})\|([0-9a-f-]{36})$/.exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  const [, sequence, page, time, id] = match ?? [];
  const at = new Date(time ?? '');
  const ms = at.getTime();
  if (
    !match ||
    Number(sequence) > INT_MAX ||
    Number(page) > INT_MAX ||
    !UUID.test(id ?? '') ||
    !(ms >= EARLIEST && ms < LATEST) ||
    at.toISOString() !== time
  ) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return { sequence: Number(sequence), page: Number(page), at, id: id as string };
}
