// `npm run bench:abuse`: genuine members' ratings while the API is attacked, on this machine,
// against a scratch database, with the production limits (docs/operations.md).
//   - Genuine members: --raters members (each its own client address), each rating every
//     --interval ms with a real proof made beforehand (a repeat still goes through the whole
//     check and is answered as a replay, as in bench:api).
//   - A forger: one client (--forgers addresses) flooding --forge-connections connections with
//     forged proofs: a genuine proof's public signals with another proof's points, which pass
//     every cheap check and fail only the Groth16 verification.
//   - A join flooder: one client flooding --join-connections connections with joins of new
//     commitments (with --pow N the community asks an N-bit proof-of-work the flooder lacks).
// First the members alone (baseline), then with both floods. Prints the members' p50/p99 and
// refusals, the floods' answers by status, and the API's CPU per second in each phase: the
// difference is what the flood costs the API. Passes when the members' p99 ≤ 500 ms under the
// flood and none of their ratings is refused.
// Builds the API first (uses dist/apps/api). Options: --seconds 30 --warmup 5 --raters 10
// --interval 1000 --forgers 1 --forge-connections 20 --join-connections 10 --pow 0 --processes 1
// --cpu-prof <dir> (a V8 profile of each API process, to open in Chrome's DevTools)
import { PrismaPg } from '@prisma/adapter-pg';
import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
  type ProvenAction,
} from '@bridgenotes/client';
import { createMigratedDatabase, dropDatabase, PrismaClient } from '@bridgenotes/database';
import { releaseCurve, SNARK_SCALAR_FIELD } from '@bridgenotes/protocol';
import { childProcessesOf, procStatFields } from '@bridgenotes/testing';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const MIGRATIONS = join(__dirname, '../../../prisma/migrations');
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    raters: { type: 'string', default: '10' },
    interval: { type: 'string', default: '1000' },
    forgers: { type: 'string', default: '1' },
    'forge-connections': { type: 'string', default: '20' },
    'join-connections': { type: 'string', default: '10' },
    pow: { type: 'string', default: '0' },
    port: { type: 'string', default: '3918' },
    processes: { type: 'string', default: '1' },
    // A directory: the API writes a V8 CPU profile there (node --cpu-prof) when it stops.
    'cpu-prof': { type: 'string' },
  },
});
const root = join(__dirname, '../../..');
const KEY = 'bench-operator-key';
const P99_LIMIT_MS = 500;

/**
 * fetch, once more when the connection was closed before any answer: a pooled keep-alive
 * connection the API closed while this process was busy (making identities or proofs on a
 * loaded machine) fails so, and the request never reached a handler.
 */
async function send(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    return fetch(url, init);
  }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** CPU time of the API, in ms: every process it started and all their threads (USER_HZ 100). */
function apiCpuMs(apiPid: number): number {
  return [apiPid, ...childProcessesOf(apiPid)].reduce((sum, pid) => {
    const fields = procStatFields(`/proc/${pid}/stat`);
    return fields.length === 0 ? sum : sum + (Number(fields[11]) + Number(fields[12])) * 10;
  }, 0);
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN);

/** One member's client: rates every `interval` ms until `until`, recording each answer. */
async function member(
  url: string,
  body: string,
  address: string,
  until: number,
  record: { latencies: number[]; refused: Record<string, number> },
): Promise<void> {
  const interval = Number(values.interval);
  while (Date.now() < until) {
    const started = performance.now();
    let refusal: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body,
      });
      const text = await response.text();
      if (!response.ok) refusal = `${response.status} ${/"code":"(\w+)"/.exec(text)?.[1] ?? ''}`;
    } catch (error) {
      refusal = `no answer: ${(error as Error).message}`;
    }
    record.latencies.push(performance.now() - started);
    if (refusal) record.refused[refusal] = (record.refused[refusal] ?? 0) + 1;
    const elapsed = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - elapsed)));
  }
}

/** Every member rates for `seconds`, while `during` runs (the floods, or nothing). */
async function phase(
  url: string,
  bodies: string[],
  seconds: number,
  apiPid: number,
  during: () => Promise<unknown> = async () => undefined,
) {
  const record = { latencies: [] as number[], refused: {} as Record<string, number> };
  const cpuBefore = apiCpuMs(apiPid);
  const started = Date.now();
  const until = started + seconds * 1_000;
  const [flood] = await Promise.all([
    during(),
    ...bodies.map((body, index) => member(url, body, `198.51.100.${index + 1}`, until, record)),
  ]);
  const elapsedSeconds = (Date.now() - started) / 1_000;
  const cpuPerSecond = (apiCpuMs(apiPid) - cpuBefore) / elapsedSeconds;
  const sorted = [...record.latencies].sort((a, b) => a - b);
  return {
    flood,
    ratings: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    refused: record.refused,
    cpuPerSecond,
  };
}

/** autocannon's answers by status, as `{ "429": n, … }`. */
function statuses(result: autocannon.Result): Record<string, number> {
  const counts = (result as unknown as { statusCodeStats: Record<string, { count: number }> })
    .statusCodeStats;
  const answers = Object.fromEntries(
    Object.entries(counts).map(([code, { count }]) => [code, count]),
  );
  // autocannon gives up on a request after 10 s: a timeout, not an answer.
  return result.timeouts > 0 ? { ...answers, 'no answer in 10 s': result.timeouts } : answers;
}

const randomCommitment = () =>
  (BigInt(`0x${randomBytes(32).toString('hex')}`) % (SNARK_SCALAR_FIELD - 1n)) + 1n;

async function main(): Promise<void> {
  const databaseUrl = await createMigratedDatabase(
    process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/bridgenotes',
    `bridgenotes_bench_${Date.now().toString(36)}`,
    MIGRATIONS,
  );
  const base = `http://127.0.0.1:${values.port}`;
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
  const api = spawn(process.execPath, [...profile, join(root, 'dist/apps/api/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      // Shared buckets, as a deployment with several API processes runs them (docs/operations.md).
      RATE_LIMIT_REDIS_URL:
        process.env['RATE_LIMIT_REDIS_URL'] ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `bn-bench-${Date.now().toString(36)}`,
      PORT: values.port,
      LOG_LEVEL: 'warn',
      API_PROCESSES: values.processes,
      NODE_ENV: 'production',
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(KEY).digest('hex'),
      // The bench stands for many clients from one machine: each names its address (as a
      // reverse proxy would); the limits are the production defaults unless set outside.
      TRUST_PROXY_HOPS: '1',
    },
    stdio: 'inherit',
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
  const operator = { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` };
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        if ((await fetch(`${base}/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (attempt > 300) throw new Error('the API did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const community = await json(
      await send(`${base}/communities`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({
          slug: 'abuse',
          name: 'Abuse bench',
          admission: 'OPEN',
          joinWorkDifficulty: Number(values.pow),
        }),
      }),
    );
    const raters = Array.from({ length: Number(values.raters) }, () => createIdentity());
    await json(
      await send(`${base}/communities/abuse/members/batch`, {
        method: 'POST',
        headers: operator,
        body: JSON.stringify({ commitments: raters.map(commitmentOf) }),
      }),
    );
    const group = groupFromLeaves(
      (await json(await send(`${base}/communities/abuse/group/leaves`))) as never,
    );
    const target = { id: community['id'] as string, scope: community['scope'] as string };
    const post = await prisma.post.create({ data: { canonicalUrl: 'https://example.com/abuse' } });
    const noteOn = async (text: string) =>
      (
        await prisma.note.create({
          data: {
            communityId: target.id,
            postId: post.id,
            authorPseudonym: '1',
            classification: 'NOT_MISLEADING',
            reasons: ['FACTUALLY_CORRECT'],
            text: `The ${text} note`,
            sources: [],
          },
        })
      ).id;
    const rated = await noteOn('rated');
    const forgedOn = await noteOn('forged');
    const artifacts = nodeArtifacts();
    const rate = (rater: (typeof raters)[number], noteId: string) =>
      proveAction(
        rater,
        group,
        {
          kind: 'rating.put',
          community: target,
          target: `note:${noteId}`,
          payload: { helpfulness: 'HELPFUL', tags: ['CLEAR'] },
        },
        artifacts,
      );
    const bodyOf = (proven: ProvenAction, points = proven.proof.points) =>
      JSON.stringify({
        ...proven.action.payload,
        clientMinute: proven.action.clientMinute,
        proof: { ...proven.proof, points },
      });
    const started = Date.now();
    const proofs: ProvenAction[] = [];
    for (const rater of raters) proofs.push(await rate(rater, rated));
    const bodies = proofs.map((proven) => bodyOf(proven));
    // The forgery: the first rater's rating of the other note, with the second rater's points.
    const [firstRater] = raters;
    const [, second] = proofs;
    if (!firstRater || !second) throw new Error('--raters must be at least 2');
    const forged = bodyOf(await rate(firstRater, forgedOn), second.proof.points);
    console.log(
      `made ${bodies.length + 1} proofs in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );

    const url = `${base}/communities/abuse/notes/${rated}/rating`;
    const seconds = Number(values.seconds);
    const apiPid = api.pid as number;
    await phase(url, bodies, Number(values.warmup), apiPid);
    const baseline = await phase(url, bodies, seconds, apiPid);

    const forgers = Number(values.forgers);
    let forgerCount = 0;
    const floods = () =>
      Promise.all([
        autocannon({
          url: `${base}/communities/abuse/notes/${forgedOn}/rating`,
          method: 'PUT',
          connections: Number(values['forge-connections']),
          duration: seconds,
          headers: { 'content-type': 'application/json' },
          body: forged,
          setupClient: (client) => {
            client.setHeaders({
              'content-type': 'application/json',
              'x-forwarded-for': `203.0.113.${(forgerCount++ % forgers) + 1}`,
            });
          },
        }),
        autocannon({
          url: `${base}/communities/abuse/members`,
          method: 'POST',
          connections: Number(values['join-connections']),
          duration: seconds,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.200' },
          requests: [
            {
              setupRequest: (request) => ({
                ...request,
                body: JSON.stringify({ commitment: randomCommitment().toString() }),
              }),
            },
          ],
        }),
      ]);
    const attacked = await phase(url, bodies, seconds, apiPid, floods);
    const [forging, joining] = attacked.flood as [autocannon.Result, autocannon.Result];

    const line = (label: string, result: Awaited<ReturnType<typeof phase>>) =>
      console.log(
        `${label.padEnd(22)} ${result.ratings} ratings   p50 ${result.p50.toFixed(0)} ms   p99 ${result.p99.toFixed(0)} ms   refused ${JSON.stringify(result.refused)}   API CPU ${(result.cpuPerSecond / 10).toFixed(0)} % of a core (${result.cpuPerSecond.toFixed(0)} ms/s)`,
      );
    console.log(`\n${raters.length} members, one rating each every ${values.interval} ms:`);
    line('members alone', baseline);
    line('members under flood', attacked);
    console.log(
      `forger (${forgers} address${forgers === 1 ? '' : 'es'}, ${values['forge-connections']} conn): ${forging.requests.total} forged proofs sent, answers ${JSON.stringify(statuses(forging))}`,
    );
    console.log(
      `join flooder (1 address, ${values['join-connections']} conn, pow ${values.pow}): ${joining.requests.total} joins sent, answers ${JSON.stringify(statuses(joining))}; members now ${await prisma.member.count()}`,
    );
    console.log(
      `API CPU spent on the flood: ${Math.max(0, attacked.cpuPerSecond - baseline.cpuPerSecond).toFixed(0)} ms per second (${availableParallelism()} cores); load average ${loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}`,
    );
    const refused = Object.values(attacked.refused).reduce((sum, count) => sum + count, 0);
    const passed = attacked.p99 <= P99_LIMIT_MS && refused === 0;
    console.log(
      passed
        ? `PASS: members' p99 ${attacked.p99.toFixed(0)} ms ≤ ${P99_LIMIT_MS} ms, none refused`
        : `FAIL: members' p99 ${attacked.p99.toFixed(0)} ms (limit ${P99_LIMIT_MS}), ${refused} refused`,
    );
    process.exitCode = passed ? 0 : 1;
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await prisma.$disconnect();
    await dropDatabase(databaseUrl);
    // Proving built snarkjs' curve with worker threads, which would keep this process alive.
    await releaseCurve();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
