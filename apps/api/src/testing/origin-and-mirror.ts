import type { INestApplication } from '@nestjs/common';
import { Environment } from '@bridgenotes/config';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  GroupTreeStore,
  ModerationLogStore,
  PrismaClient,
  PrismaService,
  ScoringOutbox,
} from '@bridgenotes/database';
import { createInstanceDatabase, InstanceDatabase } from '@bridgenotes/embedded/testing';
import { MirrorPuller } from '@bridgenotes/mirroring';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import request from 'supertest';

import { createTestPrisma } from './fixtures';
import { createTestApp } from './test-app';

/** The puller the worker of `app`'s instance runs, over that instance's own services. */
export function pullerOf(app: INestApplication): MirrorPuller {
  return new MirrorPuller(
    app.get(PrismaService),
    app.get(GroupTreeStore),
    app.get(ScoringOutbox),
    app.get(ModerationLogStore),
    app.get(Environment),
  );
}

/** Starts `app` on a loopback port; its URL in IPv4 form, as another instance would dial it. */
export async function listenOnLoopback(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

export interface OriginAndMirror {
  /** The real API on the test run's database. */
  origin: INestApplication;
  originUrl: string;
  originDb: PrismaClient;
  /** The real API on a database of its own, which follows communities of the origin. */
  mirror: INestApplication;
  mirrorUrl: string;
  mirrorDb: PrismaClient;
  mirrorDatabase: InstanceDatabase;
  /** What the mirror's worker runs to follow the origin. */
  puller: MirrorPuller;
  /** Closes both apps and clients and drops the mirror's database (after a partial start too). */
  close(): Promise<void>;
}

/**
 * Two instances in one process, as the mirroring tests need them: the origin and a mirror whose
 * database is named after `mirrorName` (unique per file, so files can run side by side).
 */
export async function startOriginAndMirror(mirrorName: string): Promise<OriginAndMirror> {
  const started: Partial<OriginAndMirror> = {};
  const close = async () => {
    await started.mirror?.close();
    await started.origin?.close();
    await started.originDb?.$disconnect();
    await started.mirrorDb?.$disconnect();
    await started.mirrorDatabase?.drop();
  };
  try {
    started.origin = await createTestApp();
    started.originUrl = await listenOnLoopback(started.origin);
    started.originDb = createTestPrisma();
    started.mirrorDatabase = await createInstanceDatabase(currentTestRun(), mirrorName);
    started.mirror = await createTestApp({ DATABASE_URL: started.mirrorDatabase.url });
    started.mirrorUrl = await listenOnLoopback(started.mirror);
    started.mirrorDb = new PrismaClient({
      adapter: new PrismaPg({ connectionString: started.mirrorDatabase.url }),
    });
    started.puller = pullerOf(started.mirror);
    return { ...(started as Required<OriginAndMirror>), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Pulls `mirrorId` (through `fetcher` when given) once the origin's export covers every write
 * made before the call: the change feed stops at the last sealed batch, so a pull made at once
 * could miss the latest writes.
 */
export async function pullAfterEarlierWrites(
  instances: OriginAndMirror,
  communitySlug: string,
  mirrorId: string,
  fetcher?: typeof fetch,
) {
  const [{ last }] = await instances.originDb.$queryRaw<{ last: string }[]>`
    SELECT last::text FROM change_batches WHERE id = 1`;
  await eventually(async () => {
    const manifest = await request(instances.origin.getHttpServer())
      .get(`/communities/${communitySlug}/export`)
      .expect(200);
    expect(BigInt(manifest.body.changeHorizon)).toBeGreaterThan(BigInt(last));
  });
  return instances.puller.pull(mirrorId, fetcher);
}
