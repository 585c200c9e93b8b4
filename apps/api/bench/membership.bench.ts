// `npm run bench:membership`: what membership costs on this machine.
//   1. Proof checks per second per core: the full shared check (parse, scope, message, root,
//      clock, Groth16) on real depth-20 proofs, CPU time measured.
//   2. Growing a community of 100,000 members by 10,000: in batches (one root each) and, for
//      comparison, single joins, against a scratch PostgreSQL database that is dropped afterwards.
// Options: --members 100000 --added 10000 --batch 1000 --proofs 8 --rounds 25 --single 200
import { Group } from '@semaphore-protocol/core';
import { createIdentity, nodeArtifacts, proveAction, ProvenAction } from '@bridgenotes/client';
import { Environment } from '@bridgenotes/config';
import { GroupTreeStore, PrismaService } from '@bridgenotes/database';
import {
  checkActionProof,
  communityScope,
  releaseCurve,
  useSingleThreadedCurve,
} from '@bridgenotes/protocol';
import { createScratchDatabase } from '@bridgenotes/database/testing';
import { runBench, timed } from '@bridgenotes/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { Clock } from '../src/app/common/clock';
import { CredentialAdmissionService } from '../src/app/credentials/credential-admission.service';
import { TicketVerifierService } from '../src/app/credentials/ticket-verifier.service';
import { Sealer } from '../src/app/sealing/sealer.service';
import { WriteBuffer } from '../src/app/sealing/write-buffer.service';
import { WalRetirer } from '../src/app/sealing/wal-retirer.service';
import { MembersService } from '../src/app/membership/members.service';

const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    added: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '1000' },
    proofs: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '25' },
    single: { type: 'string', default: '200' },
  },
});
const option = (name: keyof typeof values) => Number(values[name]);

/** One measured step of this bench, its lines aligned. */
const measure = <T>(label: string, work: () => Promise<T>) =>
  timed(label, work, { labelWidth: 52 });

async function benchVerification(): Promise<void> {
  const community = { id: randomUUID(), scope: '' };
  community.scope = communityScope(community.id).toString();
  const members = Array.from({ length: 16 }, () => createIdentity());
  const group = new Group(members.map((member) => member.commitment));
  const artifacts = nodeArtifacts();
  const { result: proofs } = await measure(
    `generate ${option('proofs')} depth-20 proofs`,
    async () => {
      const made: ProvenAction[] = [];
      for (let index = 0; index < option('proofs'); index += 1) {
        made.push(
          await proveAction(
            members[index % members.length] as never,
            group,
            { kind: 'bench.verify', community, payload: { index } },
            artifacts,
          ),
        );
      }
      return made;
    },
  );
  const checks = proofs.length * option('rounds');
  const { cpu } = await measure(`check ${checks} proofs (shared check, sequential)`, async () => {
    for (let round = 0; round < option('rounds'); round += 1) {
      for (const proven of proofs) {
        const result = await checkActionProof({
          proof: proven.proof,
          action: proven.action,
          scope: BigInt(community.scope),
          rootStatus: async () => 'current',
        });
        if (!result.ok) throw new Error(`a valid proof failed: ${result.code}`);
      }
    }
  });
  console.log(
    `=> ${(checks / cpu).toFixed(0)} proof checks per second per core (${((cpu / checks) * 1000).toFixed(1)} ms CPU each)`,
  );
}

async function benchGroupGrowth(): Promise<void> {
  const scratch = await createScratchDatabase();
  const { prisma } = scratch;
  try {
    const database = prisma as PrismaService;
    // Each join sealed in its request: this measures the tree's growth, not the batching.
    const env = Object.assign(new Environment(), { SEAL_WINDOW_SECONDS: 0 });
    const clock = new Clock();
    const credentials = new CredentialAdmissionService(
      database,
      new TicketVerifierService(),
      env,
      clock,
    );
    const buffer = new WriteBuffer(database, env, new WalRetirer(env));
    const members = new MembersService(
      database,
      new GroupTreeStore(database),
      credentials,
      buffer,
      new Sealer(database, buffer, env),
      env,
      clock,
    );
    const id = randomUUID();
    const community = await prisma.community.create({
      data: {
        id,
        slug: 'bench',
        name: 'Bench',
        scope: communityScope(id).toString(),
        admission: 'OPEN',
      },
    });
    // Leaves only need to be distinct field elements; deriving real identities would cost ~20 ms
    // of elliptic-curve work each and measure the wrong thing.
    const commitments = (count: number) =>
      Array.from({ length: count }, () =>
        BigInt(`0x${randomBytes(31).toString('hex')}`).toString(),
      );
    const batch = option('batch');
    const addInBatches = async (count: number) => {
      for (let added = 0; added < count; added += batch) {
        await members.addMany(community, commitments(Math.min(batch, count - added)));
      }
    };
    await measure(`build a community of ${option('members')} (batches of ${batch})`, () =>
      addInBatches(option('members')),
    );
    const { wall } = await measure(
      `add ${option('added')} members to it (batches of ${batch})`,
      () => addInBatches(option('added')),
    );
    console.log(
      `=> ${option('added')} members added to ${option('members')} in ${wall.toFixed(1)} s`,
    );
    const { wall: singleWall } = await measure(
      `then ${option('single')} single joins, one root each`,
      async () => {
        for (const commitment of commitments(option('single')))
          await members.join(community, commitment);
      },
    );
    console.log(
      `=> ${((singleWall / option('single')) * 1000).toFixed(1)} ms per single join at ${option('members') + option('added')} members`,
    );
  } finally {
    await scratch.drop();
  }
}

async function main(): Promise<void> {
  console.log(`membership benchmark, Node ${process.version}`);
  await useSingleThreadedCurve();
  await benchVerification();
  await benchGroupGrowth();
  await releaseCurve();
}

runBench(main);
