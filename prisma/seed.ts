// Seeds the demo community once: a database that already has it is left as it is. Run by
// `npm start` and `npm run db:seed` (with the workspace's path aliases: TSX_TSCONFIG_PATH=
// tsconfig.base.json). Its members, notes and ratings carry real proofs made here from seeded
// identities, and the scorer decides their statuses; see demo/seed-demo.ts.
import 'reflect-metadata';

import { PrismaPg } from '@prisma/adapter-pg';

import { readEnvironment } from '@bridgenotes/config';
import { PrismaClient } from '@bridgenotes/database';
import { DEMO_COMMUNITY_ID, DEMO_SLUG } from './demo/demo-community';
import { seedDemoCommunity } from './demo/seed-demo';

async function main(): Promise<void> {
  const connectionString = readEnvironment()['DATABASE_URL'];
  if (!connectionString) throw new Error('DATABASE_URL is not set');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  try {
    // By its id too, the same on every install: a demo renamed here, or another instance's
    // mirrored here, holds it.
    const demo = { OR: [{ slug: DEMO_SLUG }, { id: DEMO_COMMUNITY_ID }] };
    if (await prisma.community.findFirst({ where: demo, select: { id: true } })) {
      console.log('demo community already present; nothing seeded');
      return;
    }
    console.log('seeding the demo community: making its members’ proofs (about a minute)…');
    const started = performance.now();
    const outcome = await seedDemoCommunity(prisma, connectionString, Date.now(), (line) =>
      console.log(line),
    );
    console.log(
      `seeded community "${DEMO_SLUG}": ${outcome.proofs} proven notes and ratings, scored in ${outcome.runIds.length} runs (${((performance.now() - started) / 1000).toFixed(1)} s in all)`,
    );
  } finally {
    await prisma.$disconnect();
  }
}

main().then(
  // The prover's worker threads would keep the process alive after the last proof.
  () => process.exit(0),
  (error: Error) => {
    console.error(`seeding failed: ${error.message}`);
    process.exit(1);
  },
);
