import type { INestApplication } from '@nestjs/common';
import type { PrismaClient } from '@bridgenotes/database';
import { eventually } from '@bridgenotes/testing';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp, OPERATOR_KEY } from '../../testing/test-app';
import type { ErrorCode } from './error-catalogue';

/**
 * The 503s that mean "send it again later" and that a loaded machine answers with nothing wrong:
 * a readiness check past its 2 s, an enqueue past its 3 s. Accepted only from an operation that
 * documents the code; any other 5xx is a failure.
 */
const TRY_LATER: readonly ErrorCode[] = ['NOT_READY', 'QUEUE_UNAVAILABLE'];

/**
 * The inputs are drawn from this seed, a new one each run so that every `npm test` tries inputs
 * the last ones did not; a failure names it, and BRIDGENOTES_FUZZ_SEED=<seed> replays it.
 */
const SEED = Number(process.env['BRIDGENOTES_FUZZ_SEED'] ?? Math.floor(Math.random() * 0x7fffffff));

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: 'path' | 'query' | 'header' }[];
  /** The `TRY_LATER` codes the operation documents (as its 503's examples). */
  tryLater: Set<string>;
}

interface OpenApiOperation {
  parameters?: Operation['parameters'];
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

/** Every operation of the app's own OpenAPI document. */
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const documented = Object.keys(
        operation.responses?.['503']?.content?.['application/json']?.examples ?? {},
      );
      return {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        tryLater: new Set(documented.filter((code) => TRY_LATER.includes(code as ErrorCode))),
      };
    }),
  );
}

/** The `code` of an error answer's body, if it has one. */
function codeOf(body: string): string | undefined {
  try {
    const code: unknown = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** Text an attacker would try: plausible values, every kind of Unicode, and the known poisons. */
const hostileText = (plausible: string[]) =>
  fc.oneof(
    fc.constantFrom(...plausible),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('\u0000', 'a\u0000b', '\ufffe', '\ud800', '\u200b', '%', '%zz', '..', ''),
    fc.constantFrom('-1', '0', '1e309', 'NaN', '9'.repeat(40), 'null', 'true', '[]', '{}'),
  );

/** Percent-encodes, sending a lone surrogate as the bytes a careless client would (CESU-8). */
function encodeSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `%ED%A0%80${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, ''))}`;
  }
}

const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText(['x']),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileText(['text', 'proof', 'post']), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/**
 * A property-based fuzz test of every route in the OpenAPI document, over real HTTP (so a
 * dropped connection shows as a failed fetch): hostile path and query values, hostile JSON, a
 * note-shaped body with one field poisoned, raw bytes that are not JSON, corrupt gzip, with and
 * without the operator key. Whatever it sends, the answer always arrives and is never a 5xx, but
 * for a documented "try later" 503 (`TRY_LATER`) from a route that does answer otherwise.
 * Bounded (`RUNS` per operation: about 500 requests) so it stays seconds of `npm test`;
 * reproducible from `SEED`.
 */
describe('fuzzing every route of the OpenAPI document', () => {
  const RUNS = 12;
  let app: INestApplication;
  let prisma: PrismaClient;
  let base: string;
  let operations: Operation[];
  let slug: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    prisma = createTestPrisma();
    ({ slug } = await createCommunity(prisma, 1));
    operations = operationsOf((await (await fetch(`${base}/docs-json`)).json()) as OpenApiDocument);
    // Fuzzing starts from a ready instance: its dependencies answer the readiness checks.
    await eventually(async () => expect((await fetch(`${base}/ready`)).status).toBe(200));
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await app.close();
  });

  it('covers the whole document', () => {
    expect(operations.length).toBeGreaterThan(30);
    // The routes that may answer "try later" are the ones that document it, and only those.
    const tryLater = operations
      .filter((operation) => operation.tryLater.size > 0)
      .map(({ method, path, tryLater }) => `${method} ${path}: ${[...tryLater].join(', ')}`);
    expect(tryLater.sort()).toEqual([
      'GET /ready: NOT_READY',
      'POST /communities/{slug}/scoring-runs: QUEUE_UNAVAILABLE',
      'POST /mirrors/{id}/pull: QUEUE_UNAVAILABLE',
    ]);
  });

  it('answers every operation without a 5xx (but a documented 503 "try later") or a dropped connection', async () => {
    const failures: string[] = [];
    // For each operation whose "try later" 503 was accepted, a request so answered.
    const triedLater = new Map<Operation, { sent: string; url: URL; init: RequestInit }>();
    for (const operation of operations) {
      const plausible = [slug, 'demo', '00000000-0000-4000-8000-000000000000', '1', 'mastodon'];
      const request = fc.record({
        path: fc.tuple(
          ...operation.parameters.filter((p) => p.in === 'path').map(() => hostileText(plausible)),
        ),
        query: fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(
                ...operation.parameters.filter((p) => p.in === 'query').map((p) => p.name),
                'x',
              ),
              hostileText(['limit']),
            ),
            hostileText(plausible),
          ),
          { maxLength: 4 },
        ),
        operator: fc.boolean(),
        body: fc.oneof(
          jsonish.map((value) => ({
            type: 'application/json',
            bytes: Buffer.from(JSON.stringify(value) ?? 'null'),
          })),
          fc
            .tuple(
              fc.constantFrom('text', 'reasons', 'post', 'proof', 'clientMinute', 'url', 'name'),
              jsonish,
            )
            .map(([field, value]) => ({
              type: 'application/json',
              bytes: Buffer.from(
                JSON.stringify({
                  post: { url: 'https://example.com/a' },
                  classification: 'NOT_MISLEADING',
                  reasons: ['FACTUALLY_CORRECT'],
                  text: 'Context.',
                  sources: [],
                  clientMinute: 1,
                  proof: { points: [] },
                  [field]: value,
                }),
              ),
            })),
          fc
            .uint8Array({ maxLength: 200 })
            .map((bytes) => ({ type: 'application/json', bytes: Buffer.from(bytes) })),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => ({
            type: 'application/json',
            encoding: 'gzip',
            bytes: Buffer.concat([gzipSync(Buffer.from('{"text":"x"}')).subarray(0, 10), bytes]),
          })),
          fc.constant({
            type: 'application/x-www-form-urlencoded',
            bytes: Buffer.from('a=%00&b[c]=1'),
          }),
        ),
      });
      await fc
        .assert(
          fc.asyncProperty(request, async ({ path, query, operator, body }) => {
            let index = 0;
            const url = new URL(
              base + operation.path.replace(/\{[^}]+\}/g, () => encodeSegment(path[index++] ?? '')),
            );
            for (const [name, value] of query) url.searchParams.append(name, value);
            const headers: Record<string, string> = {};
            if (operator) headers['authorization'] = `Bearer ${OPERATOR_KEY}`;
            const sendsBody = operation.method !== 'GET' && operation.method !== 'HEAD';
            if (sendsBody) {
              headers['content-type'] = body.type;
              if ('encoding' in body && body.encoding) headers['content-encoding'] = body.encoding;
            }
            const sent = `${operation.method} ${url.pathname}${url.search} (seed ${SEED})`;
            const init: RequestInit = {
              method: operation.method,
              headers,
              body: sendsBody ? body.bytes : undefined,
              redirect: 'manual',
            };
            let status: number;
            let answer: string;
            try {
              const response = await fetch(url, init);
              answer = await response.text();
              status = response.status;
            } catch (error) {
              failures.push(`${sent}: ${String(error)}`);
              return false;
            }
            if (status < 500) return true;
            const code = codeOf(answer);
            if (status === 503 && code !== undefined && operation.tryLater.has(code)) {
              if (!triedLater.has(operation)) triedLater.set(operation, { sent, url, init });
              return true;
            }
            failures.push(`${sent}: ${status} ${code ?? answer.slice(0, 200)}`);
            return false;
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        )
        .catch((error: Error) => failures.push(error.message.split('\n').slice(0, 6).join('\n')));
    }
    // "Try later" is accepted only if trying later works: else a regression that made a route
    // answer 503 to everything (or to every request that reaches the queue) would pass. A request
    // answered "try later" is sent again until it is answered otherwise: a busy machine answers in
    // the end, a broken route never does (and fails after the wait's patience, naming the seed).
    for (const { sent, url, init } of triedLater.values()) {
      await eventually(async () => {
        const response = await fetch(url, init);
        await response.text();
        expect(response.status).not.toBe(503);
        return response.status;
      })
        .then((status) => {
          if (status >= 500) failures.push(`${sent}: tried again, answered ${status}`);
        })
        .catch((error: Error) =>
          failures.push(
            `${sent}: answered "try later", and 503 each time sent again: ${error.message}`,
          ),
        );
    }
    expect(failures).toEqual([]);
  });
});
