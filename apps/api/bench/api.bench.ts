// `npm run bench:api`: the built API under load on this machine, against a scratch database.
//   1. Reads: GET /posts?url=… (a post with several notes), connections in parallel.
//   2. Ratings: PUT …/rating with real proofs made beforehand. Proofs cost ~1.5 s each to make,
//      so a set of distinct raters' proofs is cycled: a repeated one still goes through the whole
//      check (parse, scope, message, root, clock, Groth16) and the upsert, answered as a replay.
//   Each load runs unmeasured for a warm-up first, then measured: its rate and latency, and the
//   CPU time per request of the API (every process and thread, proof verifiers included; its
//   request threads alone), of PostgreSQL and of this process (the load generator), which share
//   this machine's cores: on a busy machine the rates drop, the CPU per request much less.
// Builds the API first (uses dist/apps/api). Options: --seconds 10 --warmup 5 --connections 20
// --raters 20 --processes <API_PROCESSES, default one per core> --only reads|ratings. Each API
// process gets PROOF_VERIFIER_THREADS from the environment, else cores ÷ processes (at least 1).
import {
  commitmentOf,
  createIdentity,
  groupFromLeaves,
  nodeArtifacts,
  proveAction,
} from '@bridgenotes/client';
import { releaseCurve } from '@bridgenotes/protocol';
import { createScratchDatabase } from '@bridgenotes/database/testing';
import { childProcessesOf, procStatFields, runBench } from '@bridgenotes/testing';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    raters: { type: 'string', default: '20' },
    port: { type: 'string', default: '3917' },
    processes: { type: 'string', default: String(availableParallelism()) },
    only: { type: 'string' },
  },
});
const root = join(__dirname, '../../..');
const KEY = 'bench-operator-key';

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
  return body;
}

function report(label: string, result: autocannon.Result): void {
  const ok = result['2xx'];
  console.log(
    `${label.padEnd(34)} ${(ok / result.duration).toFixed(0).padStart(6)} req/s ok   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   non-2xx ${result.non2xx}   errors ${result.errors}`,
  );
}

/** CPU time used, in ms, from a /proc stat file (utime + stime; USER_HZ is 100); 0 once gone. */
function cpuMs(statFile: string): number {
  const fields = procStatFields(statFile);
  return fields.length === 0 ? 0 : ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** PostgreSQL's processes on this machine (the server the bench's database lives in). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') {
        total += cpuMs(`/proc/${pid}/stat`);
      }
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU of the API (every process and thread), of its request threads alone, and of PostgreSQL. */
function sample(apiPid: number) {
  // The process started, and those it started (API_PROCESSES > 1).
  const pids = [apiPid, ...childProcessesOf(apiPid)];
  const serving = pids.length > 1 ? pids.slice(1) : pids;
  return {
    api: pids.reduce((sum, pid) => sum + cpuMs(`/proc/${pid}/stat`), 0),
    main: serving.reduce((sum, pid) => sum + cpuMs(`/proc/${pid}/task/${pid}/stat`), 0),
    postgres: postgresCpuMs(),
    own: process.cpuUsage(),
  };
}

/**
 * Runs one load unmeasured for the warm-up's seconds, so that V8 has compiled the path (its
 * compiler threads are busy for the first tens of seconds under a new load), then measured: its
 * rate, latency and CPU per request.
 */
async function measure(
  label: string,
  apiPid: number,
  run: (seconds: number) => Promise<autocannon.Result>,
) {
  if (Number(values.warmup) > 0) await run(Number(values.warmup));
  const before = sample(apiPid);
  const result = await run(Number(values.seconds));
  const after = sample(apiPid);
  report(label, result);
  // Max 0: a PostgreSQL backend that ends during the load takes its CPU time out of the sum.
  const per = (ms: number) =>
    `${(Math.max(0, ms) / Math.max(1, result.requests.total)).toFixed(2)} ms`;
  const own = process.cpuUsage(before.own);
  console.log(
    `${''.padEnd(34)} CPU per request: API ${per(after.api - before.api)} (request threads ${per(after.main - before.main)}), PostgreSQL ${per(after.postgres - before.postgres)}, load generator ${per((own.user + own.system) / 1000)} (sharing ${availableParallelism()} cores)`,
  );
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase();
  const databaseUrl = scratch.url;
  const base = `http://127.0.0.1:${values.port}`;
  const api = spawn(process.execPath, [join(root, 'dist/apps/api/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `bn-bench-${Date.now().toString(36)}`,
      PORT: values.port,
      LOG_LEVEL: 'warn',
      API_PROCESSES: values.processes,
      PROOF_VERIFIER_THREADS:
        process.env['PROOF_VERIFIER_THREADS'] ??
        String(Math.max(1, Math.floor(availableParallelism() / Number(values.processes)))),
      NODE_ENV: 'production',
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(KEY).digest('hex'),
    },
    stdio: 'inherit',
  });
  const { prisma } = scratch;
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        if ((await fetch(`${base}/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (attempt > 100) throw new Error('the API did not become ready');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const community = await json(
      await fetch(`${base}/communities`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ slug: 'bench', name: 'Bench', admission: 'OPEN' }),
      }),
    );
    const raters = Array.from({ length: Number(values.raters) }, () => createIdentity());
    const author = createIdentity();
    for (const member of [author, ...raters]) {
      await json(
        await fetch(`${base}/communities/bench/members`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ commitment: commitmentOf(member) }),
        }),
      );
    }
    const group = groupFromLeaves(
      (await json(await fetch(`${base}/communities/bench/group/leaves`))) as never,
    );
    const artifacts = nodeArtifacts();
    const target = { id: community['id'] as string, scope: community['scope'] as string };

    // A post with five notes to read.
    const url = 'https://example.com/bench/story';
    const post = await prisma.post.create({ data: { canonicalUrl: url } });
    const notes: { id: string }[] = [];
    for (let index = 0; index < 5; index += 1) {
      notes.push(
        await prisma.note.create({
          data: {
            communityId: target.id,
            postId: post.id,
            authorPseudonym: '1',
            classification: 'NOT_MISLEADING',
            reasons: ['FACTUALLY_CORRECT'],
            text: `Note ${index} on the bench post`,
            sources: [],
          },
        }),
      );
    }

    const connections = Number(values.connections);
    if (values.only !== 'ratings')
      await measure(`reads: GET /posts (${connections} conn)`, api.pid as number, (seconds) =>
        autocannon({
          url: `${base}/posts?url=${encodeURIComponent(url)}`,
          connections,
          duration: seconds,
        }),
      );

    if (values.only === 'reads') return;
    const started = Date.now();
    const bodies: string[] = [];
    for (const rater of raters) {
      const proven = await proveAction(
        rater,
        group,
        {
          kind: 'rating.put',
          community: target,
          target: `note:${notes[0]?.id}`,
          payload: { helpfulness: 'HELPFUL', tags: ['CLEAR'] },
        },
        artifacts,
      );
      bodies.push(
        JSON.stringify({
          ...proven.action.payload,
          clientMinute: proven.action.clientMinute,
          proof: proven.proof,
        }),
      );
    }
    console.log(
      `made ${bodies.length} rating proofs in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    let next = 0;
    await measure(`ratings: PUT …/rating (${connections} conn)`, api.pid as number, (seconds) =>
      autocannon({
        url: `${base}/communities/bench/notes/${notes[0]?.id}/rating`,
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        connections,
        duration: seconds,
        setupClient: (client) => {
          client.setBody(bodies[next++ % bodies.length] as string);
        },
      }),
    );
    console.log(`ratings stored: ${await prisma.rating.count()} (one per rater)`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await scratch.drop();
    // Proving built snarkjs' curve with worker threads, which would keep this process alive.
    await releaseCurve();
  }
}

runBench(main);
