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
  /** The schema of its JSON body, if it takes one. */
  body?: Schema;
}

/** The part of an OpenAPI schema the body cases read. */
interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
}

interface OpenApiOperation {
  parameters?: Operation['parameters'];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }>;
}

/** Every operation of the app's own OpenAPI document. */
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
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
        body: operation.requestBody?.content?.['application/json']?.schema,
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

/**
 * Host names validator.js's `isURL` takes and WHATWG's parser (`new URL`, fetch) refuses: a
 * route that checked a URL with the one and used it with the other answered 500.
 */
const UNPARSABLE_URLS = [
  'http://0x100000000/',
  'https://1.2.3.0x100/x',
  'https://foo.0x100/x',
  'https://xn--a/x',
];

/** Names of the fields that hold a URL, whose plausible value fails at once if ever fetched. */
const URL_FIELD = /url|origin/i;
const UNREACHABLE_URL = 'http://127.0.0.1:9/';

/** A schema with its `$ref` (or single `allOf`) followed. */
function resolved(document: OpenApiDocument, schema: Schema): Schema {
  const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0].$ref : undefined);
  if (!ref) return schema;
  return resolved(document, document.components?.schemas?.[ref.split('/').pop() ?? ''] ?? {});
}

/**
 * A plausible value for a schema: its example, else its first allowed value, else one of its
 * type, an object with its required fields; URLs point where nothing listens, so a request
 * that gets as far as fetching one fails at once rather than waiting on the network.
 */
function plausibleValue(document: OpenApiDocument, schema: Schema, name = '', depth = 0): unknown {
  const own = resolved(document, schema);
  if (own.type === 'string' && URL_FIELD.test(name)) return UNREACHABLE_URL;
  if (own.example !== undefined) return own.example;
  if (own.enum?.length) return own.enum[0];
  switch (own.type) {
    case 'string':
      return own.format === 'uuid'
        ? '00000000-0000-4000-8000-000000000000'
        : own.format === 'date-time'
          ? new Date().toISOString()
          : 'x';
    case 'integer':
    case 'number':
      return own.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      if (!own.properties || depth > 3) return {};
      return Object.fromEntries(
        (own.required ?? []).map((field) => [
          field,
          plausibleValue(document, own.properties?.[field] ?? {}, field, depth + 1),
        ]),
      );
  }
}

/**
 * Bodies that are plausible but for one field: each field (at any depth) set to null, and each
 * URL field set to each of `UNPARSABLE_URLS`. Deterministic: the same bodies every run.
 */
function oneFieldBodies(
  document: OpenApiDocument,
  schema: Schema,
): { change: string; body: Record<string, unknown> }[] {
  const base = plausibleValue(document, schema) as Record<string, unknown>;
  const bodies: { change: string; body: Record<string, unknown> }[] = [];
  const visit = (own: Schema, path: string[], depth: number) => {
    for (const [field, property] of Object.entries(resolved(document, own).properties ?? {})) {
      const at = [...path, field];
      const values: unknown[] = [null];
      const type = resolved(document, property).type;
      if (type === 'string' && URL_FIELD.test(field)) values.push(...UNPARSABLE_URLS);
      for (const value of values) {
        const body = structuredClone(base);
        let parent = body;
        for (const step of path) {
          parent[step] ??= plausibleValue(document, {}, step);
          parent = parent[step] as Record<string, unknown>;
        }
        parent[field] = value;
        bodies.push({ change: `${at.join('.')}=${JSON.stringify(value)}`, body });
      }
      if (depth < 3 && resolved(document, property).properties) visit(property, at, depth + 1);
    }
  };
  visit(schema, [], 0);
  return bodies;
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
  let document: OpenApiDocument;
  let slug: string;

  beforeAll(async () => {
    app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    prisma = createTestPrisma();
    ({ slug } = await createCommunity(prisma, 1));
    document = (await (await fetch(`${base}/docs-json`)).json()) as OpenApiDocument;
    operations = operationsOf(document);
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

  it('answers a body plausible but for one null field, or one URL WHATWG cannot parse, without a 5xx', async () => {
    // An optional field sent as null passed `@IsOptional()` and reached the service or the
    // database (an issuer stored without keys, invites with a null count); a URL `isURL` takes
    // and `new URL` refuses reached `new URL` (500).
    const pathValues: Record<string, string> = { slug, stream: 'notes', file: 'notes' };
    const failures: string[] = [];
    let sent = 0;
    for (const operation of operations.filter((candidate) => candidate.body)) {
      const path = operation.path.replace(
        /\{([^}]+)\}/g,
        (_, name: string) => pathValues[name] ?? '00000000-0000-4000-8000-000000000000',
      );
      for (const { change, body } of oneFieldBodies(document, operation.body as Schema)) {
        sent += 1;
        const response = await fetch(`${base}${path}`, {
          method: operation.method,
          headers: {
            authorization: `Bearer ${OPERATOR_KEY}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(body),
          redirect: 'manual',
        });
        const answer = await response.text();
        const code = codeOf(answer);
        const tryLater = response.status === 503 && operation.tryLater.has(code ?? '');
        if (response.status >= 500 && !tryLater) {
          failures.push(`${operation.method} ${path} ${change}: ${response.status} ${code}`);
        }
      }
    }
    // Every body-taking route, each of its fields: well over a hundred requests.
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });
});
