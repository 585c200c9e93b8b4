import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import {
  GroupTreeStore,
  ModerationLogStore,
  PrismaService,
  ScoringOutbox,
  type Mirror,
} from '@bridgenotes/database';
import {
  exportClient,
  type ActionCheckContext,
  type ExportClient,
  type ExportManifest,
  type NoteRecord,
  type RatingRecord,
  type RequestRecord,
} from '@bridgenotes/open-data';
import { createProofVerifier } from '@bridgenotes/protocol';

import { MembershipPuller } from './membership.puller';
import { ModerationPuller } from './moderation.puller';
import {
  MirrorPullError,
  type MirrorCursors,
  type OriginRules,
  type PulledThrough,
  type PullOutcome,
} from './mirror-state';
import { NotePageSettler } from './note-page.settler';
import { OriginFetch } from './origin-fetch';
import {
  checkPullLimits,
  originFailure,
  originLimits,
  type OriginFailure,
  type OriginLimits,
} from './origin-limits';
import { checkOriginManifest } from './origin-manifest.rules';
import { behindProblem, groupProblem, lineageProblem } from './origin-lineage.rules';
import { OriginResultsPuller } from './origin-results.puller';
import { nextCursor, pageEnd, PageSettlement } from './page-settlement';
import { RatingPageSettler } from './rating-page.settler';
import { storedText } from './record-rules';
import { RequestPageSettler } from './request-page.settler';
import { requestsOrder } from './requests-order';

/** Records per page of a feed: one page is verified, then settled in one transaction. */
const PAGE = 500;

/** The change feeds a pull reads, in this order. */
const FEEDS = ['notes', 'ratings', 'requests'] as const;

/**
 * Follows one community of another instance. A pull reads each export stream from where the
 * last one stopped, checks every record as `bridgenotes verify` does (the root history rebuilt
 * from the published members, every proof's form, scope, message, pseudonym, root at its
 * minute and Groth16 equation, the instance's rules) BEFORE storing anything, stores what passed
 * with the cursor advance in one transaction per page, and records what failed (which, and
 * why) without storing it: what the mirror had stays. Scoring is left to this instance's own
 * worker, asked for through the scoring outbox like any accepted write.
 *
 * One room per stream: `MembershipPuller` (roots and members), `NotePageSettler`,
 * `RatingPageSettler`, `RequestPageSettler`, `OriginResultsPuller`, around one `PageSettlement`; `ModerationPuller`
 * reads the origin's moderation log before the notes, and copies it (applying its hides and
 * redactions) as far as the notes it names are held.
 *
 * Every response of the origin is read within `OriginLimits` (the MIRROR_* settings): over a
 * limit, the read stops, the connection is closed, and the pull ends as any failed pull does.
 * No redirect is followed, no origin's answer is kept in `lastError` beyond its status (and
 * its Bridgenotes error code), and unless `MIRROR_ALLOW_PRIVATE_ORIGINS` no private address is
 * dialled (`OriginFetch`): `GET /mirrors` shows `lastError` to anyone.
 */
@Injectable()
export class MirrorPuller implements OnModuleDestroy {
  private readonly membership: MembershipPuller;
  private readonly moderation: ModerationPuller;
  private readonly notes: NotePageSettler;
  private readonly ratings: RatingPageSettler;
  private readonly requests: RequestPageSettler;
  private readonly originResults: OriginResultsPuller;
  private readonly limits: OriginLimits;
  private readonly originFetch: OriginFetch;
  private readonly logger = new Logger(MirrorPuller.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly trees: GroupTreeStore,
    outbox: ScoringOutbox,
    moderationLog: ModerationLogStore,
    env: Environment,
  ) {
    this.limits = originLimits(env);
    this.originFetch = new OriginFetch(env.MIRROR_ALLOW_PRIVATE_ORIGINS);
    const settlement = new PageSettlement(prisma);
    this.membership = new MembershipPuller(prisma, trees, settlement, this.limits.maxStreamRecords);
    this.moderation = new ModerationPuller(
      moderationLog,
      prisma,
      settlement,
      this.limits.maxStreamRecords,
    );
    this.notes = new NotePageSettler(prisma, outbox, settlement);
    this.ratings = new RatingPageSettler(prisma, outbox, settlement);
    this.requests = new RequestPageSettler(prisma, settlement);
    this.originResults = new OriginResultsPuller(prisma, this.limits);
  }

  async onModuleDestroy(): Promise<void> {
    await this.originFetch.close();
  }

  /**
   * Pulls once; undefined when the mirror is gone or stopped. A failed pull is recorded (code and
   * message) in the mirror's state and thrown; what earlier pages settled stays. `given` (tests)
   * replaces `OriginFetch`'s fetch, and its address check with it.
   */
  async pull(mirrorId: string, given?: typeof fetch): Promise<PullOutcome | undefined> {
    const mirror = await this.prisma.mirror.findUnique({ where: { id: mirrorId } });
    if (!mirror || mirror.stoppedAt) return undefined;
    const fetcher = given ?? this.originFetch.fetcher;
    const client = exportClient(mirror.originUrl, mirror.originSlug, {
      fetcher,
      limits: this.limits,
    });
    const startedAt = new Date();
    try {
      const { outcome, pulledThrough, resultsFailure } = await this.sync(mirror, client, fetcher);
      // A wait, or results not read, is said where the operator reads the mirror's state, as a
      // pull's failure: the pull itself ran to its end.
      // Both: the wait's code, and the results' failure said beside it.
      const said: OriginFailure | undefined = outcome.changesWait
        ? {
            code: 'ROOT_TIME_INVALID',
            message: resultsFailure
              ? `${outcome.changesWait}; the origin's results not read: ${resultsFailure.message}`
              : outcome.changesWait,
          }
        : resultsFailure && {
            code: resultsFailure.code,
            message: `pulled through, the origin's results not read (divergence compares the last run read): ${resultsFailure.message}`,
          };
      await this.prisma.mirror.update({
        where: { id: mirror.id },
        data: {
          lastPullAt: startedAt,
          lastSuccessAt: new Date(),
          lastError: said ? storedText(said.message, 2_000) : null,
          lastErrorCode: said?.code ?? null,
          // What a promotion may take the community at: every change below the horizon.
          ...(pulledThrough && {
            pulledThrough: {
              changeHorizon: pulledThrough.changeHorizon,
              cursors: { ...pulledThrough.cursors },
              promotion: pulledThrough.promotion ? { ...pulledThrough.promotion } : null,
            },
          }),
        },
      });
      return outcome;
    } catch (error) {
      const { code, message } = originFailure(error);
      await this.prisma.mirror.update({
        where: { id: mirror.id },
        data: {
          lastPullAt: startedAt,
          lastError: storedText(message, 2_000),
          lastErrorCode: code,
        },
      });
      throw error;
    }
  }

  /**
   * The rules kept for the mirror: each bound the largest the origin has stated, as the records
   * stored so far were accepted under it. A later, narrower statement (an origin whose operator
   * narrowed its window, from before it kept the widest) must not make them fail the mirror's
   * own export, which restates these; the pull checks what it reads under them too, as the
   * origin accepted it under the wider one. Raised in one statement, so a pull that read an older
   * statement never lowers what another stored.
   */
  private async widenRules(mirror: Mirror, stated: OriginRules): Promise<OriginRules> {
    const kept = mirror.originRules as unknown as OriginRules;
    if (
      kept.rootHistoryWindowSeconds >= stated.rootHistoryWindowSeconds &&
      kept.clockSkewMinutes >= stated.clockSkewMinutes
    ) {
      return kept;
    }
    const [row] = await this.prisma.$queryRaw<[{ rules: OriginRules }]>`
      UPDATE mirrors
         SET origin_rules = jsonb_build_object(
               'rootHistoryWindowSeconds', GREATEST(
                 (origin_rules->>'rootHistoryWindowSeconds')::bigint,
                 ${stated.rootHistoryWindowSeconds}::bigint),
               'clockSkewMinutes', GREATEST(
                 (origin_rules->>'clockSkewMinutes')::bigint, ${stated.clockSkewMinutes}::bigint)),
             updated_at = now()
       WHERE id = ${mirror.id}::uuid
      RETURNING origin_rules AS rules`;
    return row.rules;
  }

  private async sync(mirror: Mirror, client: ExportClient, fetcher: typeof fetch | undefined) {
    const manifest = await client.manifest();
    // Checked on every pull as when the mirror was created: the origin may serve another since.
    const checked = checkOriginManifest(manifest);
    if (!checked.ok) {
      throw new MirrorPullError(
        'ORIGIN_INVALID',
        `${client.location}: the manifest's ${checked.problem}: nothing pulled`,
      );
    }
    const { id, scope } = checked;
    if (id !== mirror.communityId) {
      throw new MirrorPullError(
        'ORIGIN_INVALID',
        `${client.location} now serves community ${id}, not ${mirror.communityId}: nothing pulled`,
      );
    }
    await this.continuesLineage(mirror, client, manifest);
    const rules = await this.widenRules(mirror, checked.rules);
    const outcome: PullOutcome = {
      accepted: { roots: 0, members: 0, notes: 0, ratings: 0 },
      refused: 0,
    };
    const cursors = { ...(mirror.cursors as MirrorCursors) };
    // Read after the horizon was taken: every root a change below it was proven against is
    // committed by now, so its proofs find their roots.
    const changesWait = await this.membership.pull(mirror, client, cursors, outcome);
    if (changesWait) outcome.changesWait = changesWait;
    const context: ActionCheckContext = {
      scope: BigInt(scope),
      roots: await this.membership.rootIndex(mirror.communityId, rules),
      clockSkewMinutes: rules.clockSkewMinutes,
    };
    // The log's new entries, copied as far as the notes they name are held; the rest after the
    // notes, and what still names a note not held waits for a later pull.
    const pending = await this.moderation.read(mirror, client, manifest);
    let moderationEntries = await this.moderation.copy(mirror, pending);
    const verifier = createProofVerifier(0);
    try {
      const horizon = manifest.changeHorizon;
      const requests = await requestsOrder(client, manifest);
      // Notes first: a rating changed below the horizon rates a note changed below it. Requests
      // after the notes, as the API seals them.
      // None while a root waits for this clock: what is proven against it would be passed.
      const feeds = changesWait
        ? []
        : requests === 'changes'
          ? FEEDS
          : FEEDS.filter((s) => s !== 'requests');
      for (const stream of feeds) {
        for (let read = 0; ;) {
          const after = cursors[stream];
          const page = await client.page(stream, {
            after,
            limit: PAGE,
            order: 'changes',
            before: horizon,
          });
          if (page.length === 0) break;
          // The cursor the page's settlement stores: checked before anything of it is.
          pageEnd(client, stream, page);
          if (stream === 'notes') {
            const notes = page as NoteRecord[];
            await this.notes.settle(mirror, notes, context, verifier, cursors, outcome, pending);
          } else if (stream === 'ratings') {
            const ratings = page as RatingRecord[];
            await this.ratings.settle(mirror, ratings, context, verifier, cursors, outcome);
          } else {
            const asked = page as RequestRecord[];
            await this.requests.settle(
              mirror,
              asked,
              context,
              verifier,
              cursors,
              outcome,
              'changes',
            );
          }
          read += page.length;
          checkPullLimits(this.limits, client.location, stream, read, outcome.refused);
          if (page.length < PAGE) break;
          nextCursor(client, stream, after, page);
        }
      }
      if (requests === 'whole' && !changesWait) {
        for (let after: string | undefined, read = 0; ;) {
          const page = (await client.page('requests', { after, limit: PAGE })) as RequestRecord[];
          if (page.length === 0) break;
          await this.requests.settle(mirror, page, context, verifier, cursors, outcome, 'whole');
          read += page.length;
          checkPullLimits(this.limits, client.location, 'requests', read, outcome.refused);
          if (page.length < PAGE) break;
          after = nextCursor(client, 'requests', after, page);
        }
      }
    } finally {
      await verifier.close();
    }
    moderationEntries += await this.moderation.copy(mirror, pending);
    await this.moderation.explainWait(mirror, pending);
    if (moderationEntries > 0) outcome.moderationEntries = moderationEntries;
    if (pending.length > 0) outcome.moderationHeldBack = pending.length;
    // The origin's results only inform the divergence report: their failure never stops the
    // pull (docs/verifiability.md), which is through the horizon all the same.
    let resultsFailure: OriginFailure | undefined;
    try {
      outcome.originRunFetched = await this.originResults.pull(mirror, client, fetcher);
    } catch (error) {
      resultsFailure = originFailure(error);
      this.logger.warn(
        `mirror ${mirror.id}: the origin's results not read (${resultsFailure.code}): the pull goes on`,
      );
    }
    // Not through the horizon while the feeds wait: a promotion takes the pull before.
    const pulledThrough: PulledThrough | undefined = changesWait
      ? undefined
      : { changeHorizon: manifest.changeHorizon, cursors, promotion: manifest.promotion ?? null };
    return { outcome, pulledThrough, resultsFailure };
  }

  /** Stops the pull, storing nothing, where the manifest is another lineage (`lineageProblem`). */
  private async continuesLineage(mirror: Mirror, client: ExportClient, manifest: ExportManifest) {
    const held = {
      origin: { url: mirror.originUrl, community: mirror.originSlug },
      cursors: mirror.cursors as MirrorCursors,
      pulledThrough: mirror.pulledThrough as PulledThrough | null,
    };
    let problem =
      lineageProblem(held, manifest, false) ?? behindProblem(held.pulledThrough, manifest);
    const read = held.pulledThrough?.promotion;
    if (!problem && manifest.promotion && read === null) {
      const communityId = mirror.communityId;
      problem = await groupProblem(manifest.promotion, {
        size: await this.trees.size(communityId),
        rootsAt: (size) => this.trees.rootsOfSize(communityId, size),
      });
    }
    if (problem) {
      throw new MirrorPullError(
        problem.code,
        `${client.location}: ${problem.message}: nothing pulled`,
      );
    }
    // Before any page: a pull cut short still leaves the horizon it may have stored under.
    await this.prisma.$executeRaw`
      UPDATE mirrors
         SET pulled_through = coalesce(pulled_through, '{}'::jsonb)
                              || jsonb_build_object('reading', ${manifest.changeHorizon}::text)
       WHERE id = ${mirror.id}::uuid
         AND coalesce((pulled_through->>'reading')::numeric, 0) < ${manifest.changeHorizon}::numeric`;
  }
}
