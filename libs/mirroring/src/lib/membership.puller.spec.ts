import { PrismaPg } from '@prisma/adapter-pg';
import { Group } from '@semaphore-protocol/core';
import { GroupTreeStore, PrismaClient, PrismaService } from '@bridgenotes/database';
import type {
  ExportClient,
  ExportPageRequest,
  ExportRecords,
  ExportStream,
  MemberRecord,
  RootRecord,
} from '@bridgenotes/open-data';
import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import { randomBytes, randomUUID } from 'node:crypto';

import { MembershipPuller } from './membership.puller';
import { MirrorPullError, type MirrorCursors, type PullOutcome } from './mirror-state';
import { PageSettlement } from './page-settlement';

type Streams = { [S in ExportStream]?: ExportRecords[S][] };

/** An origin's export as it serves it: pages after a cursor, as `exportClient` reads over HTTP. */
function origin(streams: Streams): ExportClient {
  return {
    location: 'the test origin',
    manifest: () => Promise.reject(new Error('the membership stream reads no manifest')),
    async page<S extends ExportStream>(stream: S, request: ExportPageRequest) {
      const records = (streams[stream] ?? []) as ExportRecords[S][];
      const start =
        request.after === undefined
          ? 0
          : records.findIndex((record) => record.cursor === request.after) + 1;
      return records.slice(start, start + request.limit);
    },
  };
}

const commitment = () => BigInt(`0x${randomBytes(31).toString('hex')}`);
const minute = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
const members = (leaves: bigint[]): MemberRecord[] =>
  leaves.map((leaf, leafIndex) => ({
    cursor: String(leafIndex),
    leafIndex,
    commitment: leaf.toString(),
    removedAt: null,
  }));
/** The origin's root of its first `size` leaves, by Semaphore's own implementation. */
const rootOf = (leaves: bigint[], size: number, at: number, cursor: string): RootRecord => ({
  cursor,
  root: new Group(leaves.slice(0, size)).root.toString(),
  size,
  createdAt: minute(at),
  supersededAt: null,
});
const emptyOutcome = (): PullOutcome => ({
  accepted: { roots: 0, members: 0, notes: 0, ratings: 0 },
  refused: 0,
});

describe('MembershipPuller', () => {
  let prisma: PrismaClient;
  let puller: MembershipPuller;

  beforeAll(() => {
    prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: currentTestRun().databaseUrl }),
    });
    const database = prisma as PrismaService;
    puller = new MembershipPuller(
      database,
      new GroupTreeStore(database),
      new PageSettlement(database),
      1_000,
    );
  });

  afterAll(() => prisma.$disconnect());

  /** A mirrored community as `POST /mirrors` leaves it: empty, following from the start. */
  async function mirrored() {
    const communityId = randomUUID();
    await prisma.community.create({
      data: {
        id: communityId,
        slug: `m-${communityId.slice(0, 8)}`,
        name: 'mirrored',
        scope: communityScope(communityId).toString(),
        admission: 'CLOSED',
      },
    });
    return prisma.mirror.create({
      data: {
        communityId,
        originUrl: 'http://origin.invalid',
        originSlug: 'origin',
        originRules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 5 },
      },
    });
  }

  async function pull(mirrorId: string, client: ExportClient, cursors?: MirrorCursors) {
    const mirror = await prisma.mirror.findUniqueOrThrow({ where: { id: mirrorId } });
    const outcome = emptyOutcome();
    await puller.pull(mirror, client, cursors ?? { ...(mirror.cursors as MirrorCursors) }, outcome);
    return outcome;
  }

  /** Why the change feeds wait after a pull of the roots (undefined: they are read). */
  async function feedsWait(mirrorId: string, client: ExportClient) {
    const mirror = await prisma.mirror.findUniqueOrThrow({ where: { id: mirrorId } });
    return puller.pull(mirror, client, { ...(mirror.cursors as MirrorCursors) }, emptyOutcome());
  }

  const treeOf = (communityId: string) =>
    prisma.community.findUniqueOrThrow({
      where: { id: communityId },
      select: { treeSize: true, treeRoot: true },
    });

  it("rebuilds the origin's roots from its members, at the origin's times, and keeps building", async () => {
    const mirror = await mirrored();
    const leaves = [commitment(), commitment(), commitment(), commitment(), commitment()];
    const roots = [rootOf(leaves, 2, 1, 'r1'), rootOf(leaves, 5, 2, 'r2')];
    const first = await pull(mirror.id, origin({ roots, members: members(leaves) }));

    expect(first).toEqual({
      ...emptyOutcome(),
      accepted: { ...first.accepted, roots: 2, members: 5 },
    });
    expect(await treeOf(mirror.communityId)).toEqual({ treeSize: 5, treeRoot: roots[1]?.root });
    const history = await prisma.groupRoot.findMany({
      where: { communityId: mirror.communityId },
      orderBy: { createdAt: 'asc' },
    });
    expect(
      history.map((root) => [
        root.root,
        root.createdAt.toISOString(),
        root.supersededAt?.toISOString() ?? null,
        root.liveMembers,
      ]),
    ).toEqual([
      [roots[0]?.root, minute(1), minute(2), 2],
      [roots[1]?.root, minute(2), null, 5],
    ]);
    expect(await prisma.member.count({ where: { communityId: mirror.communityId } })).toBe(5);
    expect((await prisma.mirror.findUniqueOrThrow({ where: { id: mirror.id } })).cursors).toEqual({
      roots: 'r2',
      members: '4',
    });

    // The next admission is applied to the tree the mirror stored, not rebuilt from scratch.
    leaves.push(commitment());
    const next = await pull(
      mirror.id,
      origin({ roots: [...roots, rootOf(leaves, 6, 3, 'r3')], members: members(leaves) }),
    );
    expect(next.accepted).toMatchObject({ roots: 1, members: 1 });
    expect(await treeOf(mirror.communityId)).toEqual({
      treeSize: 6,
      treeRoot: new Group(leaves).root.toString(),
    });

    // A removal zeroes a leaf: the tree keeps its size, its live members (the anonymity set of
    // a proof against the root) drop by one.
    const removal = new Group(leaves);
    removal.removeMember(0);
    const removed = await pull(
      mirror.id,
      origin({
        roots: [
          ...roots,
          rootOf(leaves, 6, 3, 'r3'),
          { ...rootOf(leaves, 6, 4, 'r4'), root: removal.root.toString() },
        ],
        members: members(leaves).map((member) =>
          member.leafIndex === 0 ? { ...member, removedAt: minute(4) } : member,
        ),
      }),
    );
    expect(removed.accepted).toMatchObject({ roots: 1, members: 0 });
    const counts = await prisma.groupRoot.findMany({
      where: { communityId: mirror.communityId },
      orderBy: { createdAt: 'asc' },
      select: { size: true, liveMembers: true },
    });
    expect(counts.slice(2)).toEqual([
      { size: 6, liveMembers: 6 },
      { size: 6, liveMembers: 5 },
    ]);
    expect(
      await prisma.community.findUniqueOrThrow({
        where: { id: mirror.communityId },
        select: { treeSize: true, treeMembers: true },
      }),
    ).toEqual({ treeSize: 6, treeMembers: 5 });
  });

  it('refuses the first root its members do not give, with every root after it, once per pull', async () => {
    const mirror = await mirrored();
    const leaves = [commitment(), commitment(), commitment(), commitment()];
    const hidden = [...leaves.slice(0, 2), commitment()];
    const forged = rootOf(hidden, 3, 2, 'r2');
    const client = origin({
      roots: [rootOf(leaves, 2, 1, 'r1'), forged, rootOf(leaves, 4, 3, 'r3')],
      members: members(leaves),
    });

    const outcome = await pull(mirror.id, client);
    expect(outcome).toEqual({
      accepted: { roots: 1, members: 2, notes: 0, ratings: 0 },
      refused: 1,
    });
    expect(await treeOf(mirror.communityId)).toEqual({
      treeSize: 2,
      treeRoot: new Group(leaves.slice(0, 2)).root.toString(),
    });
    await pull(mirror.id, client);
    const refusals = await prisma.mirrorRefusal.findMany({ where: { mirrorId: mirror.id } });
    expect(refusals).toEqual([
      expect.objectContaining({
        stream: 'roots',
        subject: `root ${forged.root}`,
        code: 'ROOT_NOT_FROM_MEMBERS',
        times: 2,
      }),
    ]);
    expect(await prisma.groupRoot.count({ where: { communityId: mirror.communityId } })).toBe(1);
  });

  // Only a root within the hour past the skew holds the feeds back: a clock that jumped (2099)
  // dates every root after it later still, and waiting for it would stall them for good.
  it.each([
    ['dated before the root it follows', minute(0), false],
    ['dated ahead of this clock by 30 minutes', () => new Date(Date.now() + 30 * 60_000), true],
    ['dated ahead of this clock', '2099-01-01T00:00:00.000Z', false],
    ['dated in a year PostgreSQL cannot store', '-010000-01-01T00:00:00Z', false],
  ])('refuses a root %s, with every root after it', async (_, dated, waits) => {
    const createdAt = typeof dated === 'function' ? dated().toISOString() : dated;
    const mirror = await mirrored();
    const leaves = [commitment(), commitment(), commitment(), commitment()];
    const misdated = { ...rootOf(leaves, 3, 2, 'r2'), createdAt };
    const client = origin({
      roots: [rootOf(leaves, 2, 1, 'r1'), misdated, rootOf(leaves, 4, 3, 'r3')],
      members: members(leaves),
    });

    expect(await pull(mirror.id, client)).toEqual({
      accepted: { roots: 1, members: 2, notes: 0, ratings: 0 },
      refused: 1,
    });
    expect(await prisma.mirrorRefusal.findMany({ where: { mirrorId: mirror.id } })).toEqual([
      expect.objectContaining({
        stream: 'roots',
        subject: `root ${misdated.root}`,
        code: 'ROOT_TIME_INVALID',
      }),
    ]);
    // Pulled again: still refused, and the feeds wait only for a root this clock will reach.
    expect(await feedsWait(mirror.id, client)).toEqual(
      waits ? expect.stringContaining(`root ${misdated.root}`) : undefined,
    );
    const history = await prisma.groupRoot.findMany({
      where: { communityId: mirror.communityId },
      select: { size: true, createdAt: true },
    });
    expect(history).toEqual([{ size: 2, createdAt: new Date(minute(1)) }]);
    expect((await prisma.mirror.findUniqueOrThrow({ where: { id: mirror.id } })).cursors).toEqual({
      roots: 'r1',
      members: '1',
    });
  });

  it('stores nothing when another pull moved the cursors first', async () => {
    const mirror = await mirrored();
    const leaves = [commitment(), commitment()];
    const client = origin({ roots: [rootOf(leaves, 2, 1, 'r1')], members: members(leaves) });
    const stale: MirrorCursors = {};
    await prisma.mirror.update({ where: { id: mirror.id }, data: { cursors: { roots: 'r0' } } });

    await expect(pull(mirror.id, client, stale)).rejects.toThrow(MirrorPullError);
    expect(await treeOf(mirror.communityId)).toEqual({ treeSize: 0, treeRoot: '0' });
    expect(await prisma.member.count({ where: { communityId: mirror.communityId } })).toBe(0);
    expect(await prisma.groupRoot.count({ where: { communityId: mirror.communityId } })).toBe(0);
  });
});
