import { Injectable, Logger } from '@nestjs/common';
import {
  AdmissionPolicy,
  Community,
  Mirror,
  MirrorRefusal,
  Prisma,
  PrismaService,
  ScoringRunStatus,
} from '@bridgenotes/database';
import type { OriginRules } from '@bridgenotes/mirroring';
import { exportClient, type ExportManifest } from '@bridgenotes/open-data';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, JobProducer } from '@bridgenotes/queue';

import { ApiError } from '../common/api-error';
import { decodeIdCursor, encodeIdCursor, Page, pageOf } from '../common/cursor';
import { withTimeout } from '../common/with-timeout';
import { CreateMirrorDto } from './dto/mirror-input.dto';
import {
  DivergentNoteDto,
  MirrorDetailDto,
  MirrorDivergenceDto,
  MirrorDivergenceSummaryDto,
  MirrorDto,
  MirrorRunDto,
} from './dto/mirror.dto';

const ORIGIN_TIMEOUT_MS = 10_000;
const ENQUEUE_TIMEOUT_MS = 3_000;

type MirrorWithCommunity = Mirror & { community: Pick<Community, 'id' | 'slug'> };

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

const iso = (at: Date | null) => at?.toISOString() ?? null;

/**
 * Both sides' statuses before stabilisation and locking (from each explanation) are known and
 * equal: a shown status that differs then comes from when each side ran and the history it had
 * (a note held back on one side), not from the scores.
 */
const SAME_BEFORE_STABILISATION = Prisma.sql`coalesce(n.score->>'preStabilizationStatus' = r.pre_stabilization_status, false)`;

function mirrorDto(mirror: MirrorWithCommunity): MirrorDto {
  return {
    id: mirror.id,
    community: { id: mirror.community.id, slug: mirror.community.slug },
    origin: {
      url: mirror.originUrl,
      slug: mirror.originSlug,
      rules: mirror.originRules as unknown as OriginRules,
    },
    following: mirror.stoppedAt === null,
    stoppedAt: iso(mirror.stoppedAt),
    createdAt: mirror.createdAt.toISOString(),
    lastPullAt: iso(mirror.lastPullAt),
    lastSuccessAt: iso(mirror.lastSuccessAt),
    lastError: mirror.lastError,
  };
}

const WITH_COMMUNITY = { community: { select: { id: true, slug: true } } } as const;

/** Following communities of other instances: the operator's side (the worker pulls). */
@Injectable()
export class MirrorsService {
  private readonly logger = new Logger(MirrorsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
  ) {}

  /**
   * Reads the origin's manifest, creates the community here under the origin's id and scope (so
   * every proof still checks), records what to follow, and asks for a first pull.
   */
  async create(input: CreateMirrorDto): Promise<MirrorDto> {
    const origin = input.origin.replace(/\/+$/, '');
    let manifest: ExportManifest;
    try {
      manifest = await exportClient(origin, input.community, {
        timeoutMs: ORIGIN_TIMEOUT_MS,
      }).manifest();
    } catch (error) {
      throw ApiError.of('ORIGIN_UNREACHABLE', (error as Error).message);
    }
    const { id, scope, name } = manifest.community;
    if (scope !== communityScope(id).toString() || typeof manifest.changeHorizon !== 'string') {
      throw ApiError.of('ORIGIN_INVALID');
    }
    if (await this.prisma.community.findUnique({ where: { id }, select: { id: true } })) {
      throw new ApiError('COMMUNITY_EXISTS', `This instance already holds community ${id}`);
    }
    const slug = input.slug ?? manifest.community.slug;
    const rules: OriginRules = {
      rootHistoryWindowSeconds: manifest.rules.rootHistoryWindowSeconds,
      clockSkewMinutes: manifest.rules.clockSkewMinutes,
    };
    let mirror: MirrorWithCommunity;
    try {
      mirror = await this.prisma.$transaction(async (tx) => {
        await tx.community.create({
          // Members join at the origin: here the group only changes by what the origin publishes.
          data: { id, slug, name, scope, admission: AdmissionPolicy.CLOSED },
        });
        return tx.mirror.create({
          data: {
            communityId: id,
            originUrl: origin,
            originSlug: input.community,
            originRules: { ...rules },
          },
          include: WITH_COMMUNITY,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ApiError(
          'COMMUNITY_EXISTS',
          `A community with slug "${slug}" exists here; choose another slug`,
        );
      }
      throw error;
    }
    await this.enqueue(mirror.id).catch((error: Error) =>
      // The periodic pull will come; the mirror is recorded either way.
      this.logger.warn(`first pull of mirror ${mirror.id} not queued: ${error.message}`),
    );
    return mirrorDto(mirror);
  }

  async list(): Promise<MirrorDto[]> {
    const mirrors = await this.prisma.mirror.findMany({
      include: WITH_COMMUNITY,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return mirrors.map(mirrorDto);
  }

  async get(id: string): Promise<MirrorDetailDto> {
    const mirror = await this.find(id);
    const communityId = mirror.communityId;
    const [members, roots, notes, ratings, refusals, localRun] = await Promise.all([
      this.prisma.member.count({ where: { communityId } }),
      this.prisma.groupRoot.count({ where: { communityId } }),
      this.prisma.note.count({ where: { communityId } }),
      this.prisma.rating.count({ where: { communityId } }),
      this.prisma.mirrorRefusal.count({ where: { mirrorId: mirror.id } }),
      this.localRun(communityId),
    ]);
    return {
      ...mirrorDto(mirror),
      cursors: mirror.cursors as Record<string, string>,
      held: { members, roots, notes, ratings },
      refusals,
      originRun: originRun(mirror),
      localRun,
      divergence: await this.summary(mirror, localRun),
    };
  }

  /** Stops following; the community and everything pulled stay, and are still served. */
  async stop(id: string): Promise<MirrorDto> {
    await this.find(id);
    await this.prisma.mirror.updateMany({
      where: { id, stoppedAt: null },
      data: { stoppedAt: new Date() },
    });
    return mirrorDto(await this.find(id));
  }

  async pullNow(id: string): Promise<void> {
    const mirror = await this.find(id);
    if (mirror.stoppedAt) {
      throw ApiError.of('MIRROR_STOPPED');
    }
    try {
      await this.enqueue(mirror.id);
    } catch (error) {
      this.logger.warn(`pull of mirror ${id} not queued: ${(error as Error).message}`);
      throw ApiError.of('QUEUE_UNAVAILABLE');
    }
  }

  async refusals(id: string, limit: number, cursor?: string): Promise<Page<MirrorRefusal>> {
    const mirror = await this.find(id);
    const after = cursor === undefined ? undefined : BigInt(decodeIdCursorNumber(cursor));
    const rows = await this.prisma.mirrorRefusal.findMany({
      where: { mirrorId: mirror.id, ...(after !== undefined && { id: { lt: after } }) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return pageOf(rows, limit, (row) => Buffer.from(row.id.toString()).toString('base64url'));
  }

  /**
   * The notes whose status here differs from the origin's, both as their latest succeeded runs
   * published them. Meaningful when both runs scored the same data (`sameInput`, equal data
   * hashes); otherwise one side has data the other has not scored yet. Even then the two runs
   * ran at different times from histories of their own, so a note can be held back by
   * stabilisation on one side and shown on the other for up to an hour: such a note's statuses
   * before stabilisation agree (cause `HISTORY`); `SCORES` when they differ too.
   */
  async divergence(id: string, limit: number, cursor?: string): Promise<MirrorDivergenceDto> {
    const mirror = await this.find(id);
    const localRun = await this.localRun(mirror.communityId);
    const summary = (await this.summary(mirror, localRun)) ?? {
      compared: 0,
      differing: 0,
      disagreeing: 0,
      sameInput: false,
    };
    let page: Page<DivergentNoteDto> = { items: [], nextCursor: null };
    if (localRun && mirror.originRunId) {
      const after = cursor === undefined ? undefined : decodeIdCursor(cursor);
      const rows = await this.prisma.$queryRaw<DivergentNoteDto[]>`
        SELECT n.id AS "noteId", n.status::text AS local, r.status::text AS origin,
               n.score->>'preStabilizationStatus' AS "localPreStabilization",
               r.pre_stabilization_status AS "originPreStabilization",
               n.score->>'decidedBy' AS "localDecidedBy", r.decided_by AS "originDecidedBy",
               CASE WHEN ${SAME_BEFORE_STABILISATION} THEN 'HISTORY' ELSE 'SCORES' END AS cause
          FROM notes n
          JOIN mirror_origin_results r ON r.mirror_id = ${mirror.id}::uuid AND r.note_id = n.id
         WHERE n.community_id = ${mirror.communityId}::uuid
           AND n.scored_run_id = ${localRun.id}::uuid AND r.run_id = ${mirror.originRunId}::uuid
           AND n.status <> r.status
           AND (${after ?? null}::uuid IS NULL OR n.id > ${after ?? null}::uuid)
         ORDER BY n.id
         LIMIT ${limit + 1}`;
      page = pageOf(rows, limit, (row) => encodeIdCursor(row.noteId));
    }
    return {
      ...summary,
      originRun: originRun(mirror),
      localRun,
      items: page.items,
      nextCursor: page.nextCursor,
    };
  }

  private async summary(
    mirror: Mirror,
    localRun: MirrorRunDto | null,
  ): Promise<MirrorDivergenceSummaryDto | null> {
    if (!localRun || !mirror.originRunId) return null;
    const [counts] = await this.prisma.$queryRaw<
      [{ compared: number; differing: number; disagreeing: number }]
    >`
      SELECT count(*)::int AS compared, count(*) FILTER (WHERE n.status <> r.status)::int AS differing,
             count(*) FILTER (WHERE n.status <> r.status AND NOT ${SAME_BEFORE_STABILISATION})::int
               AS disagreeing
        FROM notes n
        JOIN mirror_origin_results r ON r.mirror_id = ${mirror.id}::uuid AND r.note_id = n.id
       WHERE n.community_id = ${mirror.communityId}::uuid
         AND n.scored_run_id = ${localRun.id}::uuid AND r.run_id = ${mirror.originRunId}::uuid`;
    return {
      ...counts,
      // Not the input hashes: those cover each side's own run time, histories and post ids.
      sameInput: localRun.dataHash !== null && localRun.dataHash === mirror.originRunDataHash,
    };
  }

  private async localRun(communityId: string): Promise<MirrorRunDto | null> {
    const run = await this.prisma.scoringRun.findFirst({
      where: { communityId, status: ScoringRunStatus.SUCCEEDED },
      orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, finishedAt: true, inputHash: true, dataHash: true },
    });
    return (
      run && {
        id: run.id,
        finishedAt: iso(run.finishedAt),
        inputHash: run.inputHash,
        dataHash: run.dataHash,
      }
    );
  }

  private async find(id: string): Promise<MirrorWithCommunity> {
    const mirror = await this.prisma.mirror.findUnique({ where: { id }, include: WITH_COMMUNITY });
    if (!mirror) {
      throw ApiError.of('MIRROR_NOT_FOUND', id);
    }
    return mirror;
  }

  private enqueue(mirrorId: string): Promise<unknown> {
    // BullMQ waits for a first connection indefinitely; a request must not.
    return withTimeout(
      this.jobs.enqueue(JobName.PullMirror, { mirrorId }),
      ENQUEUE_TIMEOUT_MS,
      `The queue did not accept the job within ${ENQUEUE_TIMEOUT_MS} ms`,
    );
  }
}

function originRun(mirror: Mirror): MirrorRunDto | null {
  return mirror.originRunId
    ? {
        id: mirror.originRunId,
        finishedAt: iso(mirror.originRunFinishedAt),
        inputHash: mirror.originRunInputHash,
        dataHash: mirror.originRunDataHash,
      }
    : null;
}

function decodeIdCursorNumber(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9]{1,19}$/.test(text)) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return text;
}
