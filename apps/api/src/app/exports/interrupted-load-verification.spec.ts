import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { httpSource, verifyExport, type VerificationReport } from '@bridgenotes/open-data';
import { writeSyntheticCommunity } from '@bridgenotes/scoring-store';
import { Client } from 'pg';

import { createTestPrisma } from '../../testing/fixtures';
import { communityWithMembers, TestCommunity } from '../../testing/members';
import { publishScoringRun } from '../../testing/scoring';
import { createTestApp } from '../../testing/test-app';

/** What the verifier finds besides the synthetic records' missing proofs, which it reports. */
const findings = (report: VerificationReport) =>
  report.discrepancies.filter(({ code }) => !code.startsWith('PROOF_') && code !== 'NOTE_UNPROVEN');

/** Larger than every id `gen_random_uuid` gives: a rating the load reads in its last page. */
const LAST_ID = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

/**
 * Members rate while a full run loads its ratings, page after page: the run must still be the
 * one a verifier rebuilds from the export as of its cut (`changedThrough`), so its statuses are
 * recomputed, not reported as an input it cannot reproduce.
 */
describe('verification of a run whose load members wrote through', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let community: TestCommunity;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    prisma = createTestPrisma();
    community = await communityWithMembers(app, []);
    const client = new Client({ connectionString: process.env['DATABASE_URL'] });
    await client.connect();
    try {
      await writeSyntheticCommunity(client, community.id, {
        seed: 11,
        raters: 200,
        notes: 60,
        ratings: 3_000,
      });
    } finally {
      await client.end();
    }
  });

  afterAll(async () => {
    await app.close();
    await prisma.$disconnect();
  });

  it('recomputes a run whose ratings were replaced and written between its statements', async () => {
    const runId = await publishScoringRun(prisma, community.id, Date.now(), undefined, {
      ratingsPerCopy: 500,
      beforeCopy: async (table, page) => {
        if (table !== 'ratings' || page !== 2) return;
        const ratings = await prisma.rating.findMany({
          where: { communityId: community.id },
          orderBy: { id: 'asc' },
          select: { id: true, noteId: true },
        });
        // In one batch: a rating the load read already, one it reads later, and a new one. Read
        // as they are now, the run's input would be the data of no batch.
        const replace = (id: string) => prisma.$executeRaw`
          UPDATE ratings SET client_minute = client_minute + 1, tags = '{}',
                 helpfulness = CASE WHEN helpfulness = 'HELPFUL' THEN 'NOT_HELPFUL'
                                    ELSE 'HELPFUL' END::"Helpfulness"
           WHERE id = ${id}::uuid`;
        await prisma.$transaction([
          replace(ratings[0]?.id as string),
          replace(ratings.at(-1)?.id as string),
          prisma.$executeRaw`
            INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
            VALUES (${LAST_ID}::uuid, ${community.id}::uuid, ${ratings[0]?.noteId}::uuid,
                    'late-rater', 'HELPFUL', 1, '{}', '{}')`,
        ]);
      },
    });
    const run = await prisma.scoringRun.findUniqueOrThrow({ where: { id: runId } });
    // Not vacuous: both versions the run read were replaced after its cut, and a rating written.
    const late = await prisma.rating.findUniqueOrThrow({ where: { id: LAST_ID } });
    expect(late.changedBatch).toBeGreaterThan(run.changedThrough as bigint);
    expect(
      await prisma.replacedRating.count({
        where: { communityId: community.id, replacedBatch: late.changedBatch },
      }),
    ).toBe(2);
    // Every rating but the one written after its cut.
    expect(run.ratingCount).toBe(
      (await prisma.rating.count({ where: { communityId: community.id } })) - 1,
    );

    const report = await verifyExport(httpSource(baseUrl, community.slug), { sample: 1 });
    expect(findings(report)).toEqual([]);
    expect(report.run).toMatchObject({
      id: runId,
      recomputed: true,
      notesCompared: await prisma.note.count({ where: { communityId: community.id } }),
    });
  });
});
