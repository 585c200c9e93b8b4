import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  NoteClassification,
  PrismaClient,
  ScoringRun,
  ScoringRunStatus,
} from '@bridgenotes/database';
import { communityScope } from '@bridgenotes/protocol';
import { JobName, QueueName, ScoreCommunityJob } from '@bridgenotes/queue';
import { Queue } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';

import { currentTestRun, eventually } from '@bridgenotes/testing';
import { WorkerModule } from '../worker.module';

const run = currentTestRun();

describe('scoring worker', () => {
  let worker: INestApplicationContext;
  let prisma: PrismaClient;
  let queue: Queue<ScoreCommunityJob, void, JobName>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    worker = await moduleRef.init();
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: run.databaseUrl }) });
    queue = new Queue(QueueName.Scoring, {
      prefix: run.queuePrefix,
      connection: { url: run.redisUrl },
    });
  });

  afterAll(async () => {
    await worker.close();
    await queue.close();
    await prisma.$disconnect();
  });

  async function communityWithNotes(count: number): Promise<string> {
    const slug = `w-${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    const community = await prisma.community.create({
      data: { id, slug, name: slug, scope: communityScope(id).toString() },
    });
    const post = await prisma.post.create({ data: { platform: 'test', externalId: slug } });
    for (let index = 0; index < count; index += 1) {
      await prisma.note.create({
        data: {
          communityId: community.id,
          postId: post.id,
          authorPseudonym: String(index),
          classification: NoteClassification.MISINFORMED_OR_POTENTIALLY_MISLEADING,
          reasons: ['FACTUAL_ERROR'],
          text: `note ${index}`,
          sources: ['https://example.org/source'],
        },
      });
    }
    return community.id;
  }

  async function score(communityId: string): Promise<ScoringRun> {
    const requested = await prisma.scoringRun.create({ data: { communityId } });
    await queue.add(
      JobName.ScoreCommunity,
      { communityId, runId: requested.id },
      { jobId: requested.id },
    );
    return eventually(async () => {
      const current = await prisma.scoringRun.findUniqueOrThrow({ where: { id: requested.id } });
      if (
        current.status !== ScoringRunStatus.SUCCEEDED &&
        current.status !== ScoringRunStatus.FAILED
      ) {
        throw new Error(`run ${current.id} is still ${current.status}`);
      }
      return current;
    });
  }

  it("records the run's input figures and a hash anyone can recompute", async () => {
    const communityId = await communityWithNotes(3);
    const finished = await score(communityId);
    expect(finished).toMatchObject({
      status: ScoringRunStatus.SUCCEEDED,
      noteCount: 3,
      attempts: 1,
      error: null,
    });
    expect(finished.startedAt?.getTime()).toBeLessThanOrEqual(finished.finishedAt?.getTime() ?? 0);

    const notes = await prisma.note.findMany({ where: { communityId }, orderBy: { id: 'asc' } });
    const expected = createHash('sha256');
    for (const note of notes) {
      expected.update(
        [
          note.id,
          note.postId,
          note.authorPseudonym,
          note.classification,
          note.createdAt.toISOString(),
          '',
        ].join('\t') + '\n',
      );
    }
    expect(finished.inputHash).toBe(expected.digest('hex'));
  });

  it('gives the same hash for the same input and another when the input changes', async () => {
    const communityId = await communityWithNotes(2);
    const first = await score(communityId);
    const again = await score(communityId);
    expect(again.inputHash).toBe(first.inputHash);

    const note = await prisma.note.findFirstOrThrow({ where: { communityId } });
    await prisma.note.update({ where: { id: note.id }, data: { deletedAt: new Date() } });
    const changed = await score(communityId);
    expect(changed.inputHash).not.toBe(first.inputHash);
    expect(changed.noteCount).toBe(2);
  });

  it('reads communities larger than one batch', async () => {
    const communityId = await communityWithNotes(0);
    const post = await prisma.post.create({ data: { platform: 'test', externalId: randomUUID() } });
    await prisma.note.createMany({
      data: Array.from({ length: 2_345 }, (_, index) => ({
        communityId,
        postId: post.id,
        authorPseudonym: String(index),
        classification: NoteClassification.NOT_MISLEADING,
        reasons: [],
        text: 'bulk',
        sources: [],
      })),
    });
    expect((await score(communityId)).noteCount).toBe(2_345);
  });

  it('fails a job whose run is not pending once, without retrying, and leaves the run as it was', async () => {
    const communityId = await communityWithNotes(1);
    const done = await score(communityId);
    const job = await queue.add(
      JobName.ScoreCommunity,
      { communityId, runId: done.id },
      { jobId: randomUUID(), attempts: 3 },
    );
    const failed = await eventually(async () => {
      if (!(await job.isFailed())) throw new Error('job has not failed yet');
      return queue.getJob(job.id as string);
    });
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/is not pending/);
    expect(await prisma.scoringRun.findUniqueOrThrow({ where: { id: done.id } })).toEqual(done);
  });
});
