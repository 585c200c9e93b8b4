// Over 500 lines, one room: every operator route of a mirror (create, follow, promote, stop,
// pull now, and the reads of the mirror, its refusals and its divergence from the origin) works
// on the one `mirrors` row and its community, and create and follow read the origin's manifest
// through the one fetcher and check it alike (`originManifest`, `checkOriginManifest`). The
// divergence reads (`divergence`, `summary`, `localRun`) are the next seam to split along. The
// pulling itself is the worker's (`libs/mirroring`).
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  AdmissionPolicy,
  Community,
  Mirror,
  MirrorRefusal,
  Prisma,
  PrismaService,
  ScoringRunStatus,
} from '@bridgenotes/database';
import {
  behindProblem,
  checkOriginManifest,
  lineageProblem,
  OriginFetch,
  originFailure,
  originLimits,
  same,
  type MirrorCursors,
  type MirrorErrorCode,
  type OriginRules,
  type PulledThrough,
} from '@bridgenotes/mirroring';
import { exportClient, type ExportManifest, type ExportPromotion } from '@bridgenotes/open-data';
import { findForbiddenCharacter, formatCodePoint, isInt64Text } from '@bridgenotes/protocol';
import { JobName, JobProducer } from '@bridgenotes/queue';

import { ApiError } from '../common/api-error';
import { decodeIdCursor, encodeIdCursor, Page, pageOf } from '../common/cursor';
import { SLUG_PATTERN } from '../common/slug';
import { withTimeout } from '../common/with-timeout';
import { CreateMirrorDto, FollowMirrorDto } from './dto/mirror-input.dto';
import {
  DivergentNoteDto,
  MirrorDetailDto,
  MirrorDivergenceDto,
  MirrorDivergenceSummaryDto,
  MirrorDto,
  MirrorRunDto,
} from './dto/mirror.dto';

/** An operator's request waits at most this long for the origin's manifest. */
const ORIGIN_TIMEOUT_MS = 10_000;
/** Failures of the manifest's read that say the origin answered, but not what can be followed. */
const INVALID_ANSWERS: readonly MirrorErrorCode[] = [
  'ORIGIN_INVALID',
  'ORIGIN_RECORD_TOO_LARGE',
  'ORIGIN_RESPONSE_TOO_LARGE',
];
const ENQUEUE_TIMEOUT_MS = 3_000;

type MirrorWithCommunity = Mirror & { community: Pick<Community, 'id' | 'slug'> };

const isUniqueViolation = (error: unknown): error is Prisma.PrismaClientKnownRequestError =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/**
 * The columns (or the index) a unique violation names, lowercase: Prisma's `meta.target`, or
 * with a driver adapter the constraint its error carries (`fields`, else `index`).
 */
export function uniqueKeyOf(error: Prisma.PrismaClientKnownRequestError): string[] {
  const meta = (error.meta ?? {}) as {
    target?: unknown;
    driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } };
  };
  const constraint = meta.driverAdapterError?.cause?.constraint;
  const named = [meta.target, constraint?.fields, constraint?.index].flat();
  return named
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.toLowerCase());
}

/** What names the community's own key: communities.id, mirrors.community_id, their indexes. */
const COMMUNITY_KEYS = new Set([
  'id',
  'community_id',
  'communityid',
  'communities_pkey',
  'mirrors_community_id_key',
]);

/**
 * The conflict a new mirror's unique violation is: its slug is taken, or (a request that raced
 * another for the same community) the community, or its mirror, was stored meanwhile.
 */
export function mirrorConflict(
  error: Prisma.PrismaClientKnownRequestError,
  id: string,
  slug: string,
): ApiError {
  const key = uniqueKeyOf(error);
  if (!key.some((name) => name.includes('slug')) && key.some((name) => COMMUNITY_KEYS.has(name))) {
    return new ApiError('COMMUNITY_EXISTS', `This instance already holds community ${id}`);
  }
  // The slug, also when the error does not say: the community's id was just looked up.
  return new ApiError(
    'COMMUNITY_EXISTS',
    `A community with slug "${slug}" exists here; choose another slug`,
  );
}

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
    lastErrorCode: mirror.lastErrorCode as MirrorErrorCode | null,
    promotion: (mirror.promotion as ExportPromotion | null) ?? null,
  };
}

interface PromotedRow {
  stopped_at: Date | null;
  promoted_at: Date | null;
  cursors: MirrorCursors;
  pulled_through: PulledThrough | null;
  origin_url: string;
  origin_slug: string;
  origin_rules: OriginRules;
}

const WITH_COMMUNITY = { community: { select: { id: true, slug: true } } } as const;

/** Following communities of other instances: the operator's side (the worker pulls). */
@Injectable()
export class MirrorsService implements OnModuleDestroy {
  private readonly logger = new Logger(MirrorsService.name);
  private readonly originFetch: OriginFetch;

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobProducer,
    private readonly env: Environment,
  ) {
    this.originFetch = new OriginFetch(env.MIRROR_ALLOW_PRIVATE_ORIGINS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.originFetch.close();
  }

  /**
   * Reads the origin's manifest, creates the community here under the origin's id and scope (so
   * every proof still checks), records what to follow, and asks for a first pull.
   */
  async create(input: CreateMirrorDto): Promise<MirrorDto> {
    const origin = input.origin.replace(/\/+$/, '');
    const manifest = await this.originManifest(origin, input.community);
    const { id, scope, name, slug, rules } = followable(manifest, input.slug);
    if (await this.prisma.community.findUnique({ where: { id }, select: { id: true } })) {
      throw new ApiError('COMMUNITY_EXISTS', `This instance already holds community ${id}`);
    }
    let mirror: MirrorWithCommunity;
    try {
      mirror = await this.prisma.$transaction(async (tx) => {
        await tx.community.create({
          // Members join at the origin: here the group only changes by what the origin publishes.
          // Its own window applies once it is promoted and takes writes.
          data: {
            id,
            slug,
            name,
            scope,
            admission: AdmissionPolicy.CLOSED,
            rootHistoryWindowSeconds: this.env.ROOT_HISTORY_WINDOW_SECONDS,
          },
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
      if (isUniqueViolation(error)) throw mirrorConflict(error, id, slug);
      throw error;
    }
    await this.enqueue(mirror.id).catch((error: Error) =>
      // The periodic pull will come; the mirror is recorded either way.
      this.logger.warn(`first pull of mirror ${mirror.id} not queued: ${error.message}`),
    );
    return mirrorDto(mirror);
  }

  /**
   * The origin's manifest, read as the worker's pulls read it (no redirect followed, no private
   * address unless `MIRROR_ALLOW_PRIVATE_ORIGINS`), within the request's own time.
   */
  private async originManifest(origin: string, community: string): Promise<ExportManifest> {
    const limits = originLimits(this.env);
    try {
      return await exportClient(origin, community, {
        fetcher: this.originFetch.fetcher,
        limits: { ...limits, timeoutMs: Math.min(limits.timeoutMs, ORIGIN_TIMEOUT_MS) },
      }).manifest();
    } catch (error) {
      const { code, message } = originFailure(error);
      throw INVALID_ANSWERS.includes(code)
        ? ApiError.of('ORIGIN_INVALID', message)
        : ApiError.of('ORIGIN_UNREACHABLE', message);
    }
  }

  /**
   * Follows a stopped mirror again, from its origin or from another base URL serving the same
   * community (the origin moved, or a saved export of it served with `bridgenotes serve`, whose
   * cursors are the origin's), and asks for a pull.
   */
  async follow(id: string, input: FollowMirrorDto): Promise<MirrorDto> {
    const mirror = await this.find(id);
    if (mirror.promotedAt) throw ApiError.of('MIRROR_PROMOTED', mirror.community.slug);
    const origin = (input.origin ?? mirror.originUrl).replace(/\/+$/, '');
    const slug = input.community ?? mirror.originSlug;
    if (origin !== mirror.originUrl || slug !== mirror.originSlug) {
      const manifest = await this.originManifest(origin, slug);
      const served = manifest.community?.id;
      if (served !== mirror.communityId) {
        throw ApiError.of(
          'ORIGIN_INVALID',
          `it serves community ${served}, not ${mirror.communityId}`,
        );
      }
      const checked = checkOriginManifest(manifest);
      if (!checked.ok) throw refuse(checked.problem);
      // Its cursors must be positions in what is served there (docs/verifiability.md).
      const held = mirror.pulledThrough as PulledThrough | null;
      const problem =
        lineageProblem(
          {
            origin: { url: mirror.originUrl, community: mirror.originSlug },
            cursors: mirror.cursors as MirrorCursors,
            pulledThrough: held,
          },
          manifest,
          true,
        ) ?? behindProblem(held, manifest);
      if (problem) throw ApiError.of(problem.code, problem.message);
    }
    await this.prisma.mirror.updateMany({
      where: { id, promotedAt: null },
      data: { stoppedAt: null, originUrl: origin, originSlug: slug },
    });
    await this.enqueue(id).catch((error: Error) =>
      this.logger.warn(`pull of mirror ${id} not queued: ${error.message}`),
    );
    return mirrorDto(await this.find(id));
  }

  /**
   * Makes a stopped mirror's community one of this instance's, which then takes writes: same id
   * and scope, its group and root history continued, its data scored on as before. Only when the
   * last pull ran to its end and nothing was stored since: the community is then exactly the
   * origin's as of a change horizon, which the promotion records (and the manifest states).
   */
  async promote(id: string): Promise<MirrorDto> {
    const { community } = await this.find(id);
    await this.prisma.$transaction(async (tx) => {
      // Locked as each page a pull stores locks it: no page lands during or after this.
      const [row] = await tx.$queryRaw<[PromotedRow]>`
        SELECT stopped_at, promoted_at, cursors, pulled_through, origin_url, origin_slug, origin_rules
          FROM mirrors WHERE id = ${id}::uuid FOR UPDATE`;
      if (row.promoted_at) throw ApiError.of('MIRROR_PROMOTED', community.slug);
      if (!row.stopped_at) throw ApiError.of('MIRROR_FOLLOWING');
      const through = row.pulled_through;
      if (!through || !same(through.cursors, row.cursors)) {
        throw ApiError.of('MIRROR_PULL_INCOMPLETE');
      }
      // A log naming a note the community lacks fails `verify` (REDACTION_NOT_APPLIED): once
      // promoted, nothing would bring the note any more.
      // The first such entry is named, and its note, so the operator can look it up.
      const [first] = await tx.$queryRaw<{ missing: number; seq: number; note: string }[]>`
        SELECT count(*) OVER ()::int AS missing, l.seq, substr(l.target, 6) AS note
          FROM moderation_log l
         WHERE l.community_id = ${community.id}::uuid AND l.target LIKE 'note:%'
           AND NOT EXISTS (SELECT 1 FROM notes n
                            WHERE n.community_id = l.community_id
                              AND n.id::text = substr(l.target, 6))
         ORDER BY l.seq LIMIT 1`;
      if (first) throw ApiError.of('MIRROR_LOG_INCOMPLETE', first.missing, first.seq, first.note);
      const { treeRoot, treeSize } = await tx.community.findUniqueOrThrow({
        where: { id: community.id },
        select: { treeRoot: true, treeSize: true },
      });
      const [{ next }] = await tx.$queryRaw<[{ next: string }]>`
        SELECT (last + 1)::text AS next FROM change_batches WHERE id = 1`;
      // The database's clock, as every other recorded time (roots' included, which `verify`
      // compares this with): not this process's. Never before the current root, which a pulled
      // root dated within the origin's allowed skew ahead of this clock can be: the root must be
      // current at the promotion (PROMOTION_INCONSISTENT), as nextRootTime dates new roots.
      const [{ at }] = await tx.$queryRaw<[{ at: Date }]>`
        SELECT greatest(clock_timestamp(),
                        (SELECT max(created_at) FROM group_roots
                          WHERE community_id = ${community.id}::uuid)) AS at`;
      const promotion: ExportPromotion = {
        from: { url: row.origin_url, community: row.origin_slug },
        at: at.toISOString(),
        root: treeRoot,
        treeSize,
        originChangeHorizon: through.changeHorizon,
        changeHorizon: next,
        originRules: row.origin_rules,
      };
      await tx.mirror.update({
        where: { id },
        data: { promotedAt: at, promotion: { ...promotion } },
      });
    });
    this.logger.log(`mirror ${id}: community ${community.slug} promoted into this instance`);
    return mirrorDto(await this.find(id));
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
    // Checked whatever there is to page through: a bad cursor is a 400 also before any run.
    const after = cursor === undefined ? undefined : decodeIdCursor(cursor);
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

const MAX_NAME_LENGTH = 120;

const refuse = (problem: string) => ApiError.of('ORIGIN_INVALID', problem);

/**
 * What of the origin's manifest is stored here, each field checked first (as every pull checks
 * it again): the origin is another party, and a value the database refuses would otherwise fail
 * the request as a 500. Its name and slug are read here only.
 */
function followable(manifest: ExportManifest, ownSlug: string | undefined) {
  const checked = checkOriginManifest(manifest);
  if (!checked.ok) throw refuse(checked.problem);
  const community = manifest.community as unknown as Record<string, unknown>;
  const { name } = community;
  if (typeof name !== 'string' || name.length < 1 || name.length > MAX_NAME_LENGTH) {
    throw refuse(`community.name is not 1 to ${MAX_NAME_LENGTH} characters of text`);
  }
  const forbidden = findForbiddenCharacter(name);
  if (forbidden !== undefined) {
    throw refuse(`community.name contains ${formatCodePoint(forbidden)}`);
  }
  // The origin's slug matters only where it is kept: a slug of our own replaces it.
  const slug = ownSlug ?? community['slug'];
  if (typeof slug !== 'string' || !SLUG_PATTERN.test(slug)) {
    throw refuse('community.slug is not a slug here: give one of your own (slug)');
  }
  return { id: checked.id, scope: checked.scope, name, slug, rules: checked.rules };
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
  if (!isInt64Text(text)) {
    throw ApiError.of('CURSOR_INVALID');
  }
  return text;
}
