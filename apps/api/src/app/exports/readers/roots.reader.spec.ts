import { Group } from '@semaphore-protocol/core';
import { GroupTreeStore, type PrismaClient, type PrismaService } from '@bridgenotes/database';
import { checkRootHistory, type MemberRecord, type RootRecord } from '@bridgenotes/open-data';
import { randomBytes, randomUUID } from 'node:crypto';

import { createCommunity, createTestPrisma } from '../../../testing/fixtures';
import type { Position } from '../export-position';
import { rootsReader } from './roots.reader';

const commitment = () => BigInt(`0x${randomBytes(31).toString('hex')}`);
const minute = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000);

describe('the roots stream', () => {
  let prisma: PrismaClient;
  let trees: GroupTreeStore;

  beforeAll(() => {
    prisma = createTestPrisma();
    trees = new GroupTreeStore(prisma as PrismaService);
  });

  afterAll(() => prisma.$disconnect());

  /** Every root of the community as the export serves them, read `take` at a time. */
  async function exported(communityId: string, take: number): Promise<RootRecord[]> {
    const records: RootRecord[] = [];
    let after: Position | undefined;
    for (;;) {
      const rows = await rootsReader.batch(prisma as PrismaService, communityId, after, take);
      records.push(...rows.map((row) => row.record));
      if (rows.length < take) return records;
      after = rows[rows.length - 1]?.position;
    }
  }

  it("serves roots of one time and size in the order they were recorded: a mirror's, its origin's", async () => {
    const { id } = await createCommunity(prisma);
    const leaves = Array.from({ length: 9 }, commitment);
    // As a mirror records an origin's history: nine members at one minute, then eight removals
    // the origin dated alike (each removal a root of the same size), in the origin's order.
    const group = new Group(leaves);
    const origin = [group.root.toString()];
    await prisma.$transaction(async (tx) => {
      const tree = await trees.lock(tx, id);
      await trees.publish(tx, id, await trees.appended(tx, id, tree.size, leaves), minute(0));
      for (let leaf = 0; leaf < 8; leaf += 1) {
        await trees.publish(tx, id, await trees.withLeaf(tx, id, 9, leaf, 0n), minute(1));
        group.removeMember(leaf);
        origin.push(group.root.toString());
      }
    });

    for (const take of [3, 100]) {
      const roots = await exported(id, take);
      expect(roots.map((root) => root.root)).toEqual(origin);
      // What a verifier of this export replays: the removals by time (equal), then by leaf.
      const members: MemberRecord[] = leaves.map((leaf, leafIndex) => ({
        cursor: String(leafIndex),
        leafIndex,
        commitment: leaf.toString(),
        removedAt: leafIndex < 8 ? minute(1).toISOString() : null,
      }));
      expect(checkRootHistory(members, roots)).toEqual([]);
      // The current root is the last recorded.
      expect(roots.map((root) => root.supersededAt === null)).toEqual([
        ...Array<boolean>(8).fill(false),
        true,
      ]);
    }

    // A cursor naming no root of the community resumes after the roots at or before its time
    // and size, as when the cursor was the order's key.
    const made = { kind: 'timed' as const, at: minute(0), size: 9, id: randomUUID() };
    const rest = await rootsReader.batch(prisma as PrismaService, id, made, 100);
    expect(rest.map((row) => row.record.root)).toEqual(origin.slice(1));
  });
});
