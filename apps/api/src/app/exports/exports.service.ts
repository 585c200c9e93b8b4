import { Injectable } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { Community, PrismaService } from '@bridgenotes/database';
import {
  CHANGE_STREAMS_NAMED,
  EXPORT_FORMAT,
  EXPORT_STREAMS,
  ExportManifest,
  ExportRecords,
  ExportStream,
  type ChangeStream,
  type ExportPromotion,
} from '@bridgenotes/open-data';
import { CLOCK_SKEW_MINUTES, TREE_DEPTH } from '@bridgenotes/protocol';

import { ApiError } from '../common/api-error';
import type { ExportOrder } from './dto/export-query.dto';
import {
  isChangeStream,
  parsePosition,
  type Position,
  type Positioned,
  type ReadOrder,
} from './export-position';
import { CHANGE_READERS, STREAM_READERS } from './readers';

const BATCH = 500;

type Rules = ExportManifest['rules'];

/**
 * The rules the community's actions verify against. A mirror states those its origin accepted
 * them under, not this instance's own; a promoted mirror holds actions accepted under both, so
 * it states the looser of the two (each bound, the larger), the origin's kept in its promotion.
 */
function rulesOf(origin: Rules | undefined, promotion: ExportPromotion | undefined, own: Rules) {
  if (!origin) return own;
  if (!promotion) return origin;
  return {
    rootHistoryWindowSeconds: Math.max(
      origin.rootHistoryWindowSeconds,
      own.rootHistoryWindowSeconds,
    ),
    clockSkewMinutes: Math.max(origin.clockSkewMinutes, own.clockSkewMinutes),
  };
}

/**
 * A community's open data as resumable streams read straight from PostgreSQL in keyset
 * batches: nothing is held beyond one batch, whatever the community's size. Each stream has its
 * reader in `readers/`.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly env: Environment,
  ) {}

  async manifest(community: Community): Promise<ExportManifest> {
    const mirror = await this.prisma.mirror.findUnique({
      where: { communityId: community.id },
      select: { originRules: true, promotion: true },
    });
    // The widest window ever applied to the community's proofs, not today's: a narrower one
    // set since judges only the proofs to come, and those accepted before must keep verifying.
    // (Today's is below it once the instance has started; the larger also covers a community
    // created by hand, at the column's default.)
    const own = {
      rootHistoryWindowSeconds: Math.max(
        community.rootHistoryWindowSeconds,
        this.env.ROOT_HISTORY_WINDOW_SECONDS,
      ),
      clockSkewMinutes: CLOCK_SKEW_MINUTES,
    };
    const promotion = (mirror?.promotion ?? undefined) as ExportPromotion | undefined;
    return {
      format: EXPORT_FORMAT,
      community: {
        id: community.id,
        slug: community.slug,
        name: community.name,
        admission: community.admission,
        scope: community.scope,
        treeDepth: TREE_DEPTH,
        treeSize: community.treeSize,
        root: community.treeRoot,
        createdAt: community.createdAt.toISOString(),
        earnInImpact: community.earnInImpact,
        topicSeeds: community.topicSeeds as ExportManifest['community']['topicSeeds'],
      },
      rules: rulesOf(mirror?.originRules as ExportManifest['rules'] | undefined, promotion, own),
      generatedAt: new Date().toISOString(),
      changeHorizon: (await this.horizon()).toString(),
      ...(promotion && { promotion }),
      streams: EXPORT_STREAMS,
    };
  }

  /**
   * The batch after the last committed one: batches are numbered in commit order (one counter
   * row, locked until each batch's transaction ends), so every batch below it has committed and
   * no new change can appear there.
   */
  private async horizon(): Promise<bigint> {
    const [row] = await this.prisma.$queryRaw<[{ next: string }]>`
      SELECT (last + 1)::text AS next FROM change_batches WHERE id = 1`;
    return BigInt(row.next);
  }

  /** Checks the order for the stream, before anything is sent. */
  order(stream: ExportStream, order: ExportOrder, before?: string): ReadOrder {
    if (order === 'id') return { kind: 'id' };
    if (!isChangeStream(stream)) {
      throw ApiError.of('ORDER_INVALID', CHANGE_STREAMS_NAMED);
    }
    return { kind: 'changes', before: before === undefined ? undefined : BigInt(before) };
  }

  /** Checks `after` before anything is sent, so a bad cursor is a 400, not a broken stream. */
  position(
    stream: ExportStream,
    after?: string,
    order: ReadOrder = { kind: 'id' },
  ): Position | undefined {
    return after === undefined ? undefined : parsePosition(stream, after, order);
  }

  async *records<S extends ExportStream>(
    community: Community,
    stream: S,
    after: Position | undefined,
    limit: number,
    order: ReadOrder = { kind: 'id' },
  ): AsyncGenerator<ExportRecords[S]> {
    let position = after;
    let left = limit;
    // One horizon for the whole answer: its pages then agree on what has happened.
    let below: bigint | undefined;
    if (order.kind === 'changes') {
      const horizon = await this.horizon();
      below = order.before !== undefined && order.before < horizon ? order.before : horizon;
    }
    while (left > 0) {
      const take = Math.min(BATCH, left);
      const rows = (
        below === undefined
          ? await STREAM_READERS[stream].batch(this.prisma, community.id, position, take)
          : await CHANGE_READERS[stream as ChangeStream].changes(
              this.prisma,
              community.id,
              position,
              take,
              below,
            )
      ) as Positioned<ExportRecords[S]>[];
      for (const row of rows) yield row.record;
      left -= rows.length;
      if (rows.length < take) return;
      position = rows[rows.length - 1]?.position;
    }
  }
}
