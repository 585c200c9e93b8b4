import { SavedExport, SavedExportQueryError, type SavedPageRequest } from '@bridgenotes/open-data';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { CliOptions } from './cli-options';
import { EXIT } from './exit-codes';
import { positiveInteger, required, UsageError } from './usage-error';

const DEFAULT_PORT = 8787;

/** A refusal, answered as the API answers its own: status, `code`, `message`. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `?name=` as the API validates it: unknown parameters refused, each value by its pattern. */
function query(url: URL, allowed: Record<string, RegExp>): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [name, value] of url.searchParams) {
    // Own properties only: `constructor`, `__proto__` or `toString` are no parameter's name.
    const pattern = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (!pattern) throw new Refusal(400, 'VALIDATION_FAILED', `property ${name} should not exist`);
    if (!pattern.test(value)) throw new Refusal(400, 'VALIDATION_FAILED', `${name} is not valid`);
    values[name] = value;
  }
  return values;
}

function limitOf(text: string | undefined, fallback: number, max: number): number {
  const limit = text === undefined ? fallback : Number(text);
  if (!(limit >= 1 && limit <= max)) {
    throw new Refusal(400, 'VALIDATION_FAILED', `limit must be from 1 to ${max}`);
  }
  return limit;
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response
    .writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    })
    .end(JSON.stringify(body));

/**
 * The export endpoints a mirror, `export` and `verify <URL>` read, answered from the folder:
 * the manifest, each stream by cursor (notes and ratings also in change order), and the runs
 * list. Nothing else, and only GET (HEAD).
 */
async function answer(saved: SavedExport, request: IncomingMessage, response: ServerResponse) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    throw new Refusal(405, 'METHOD_NOT_ALLOWED', 'this origin serves a saved export: read only');
  }
  const url = new URL(request.url ?? '/', 'http://served');
  const [, communities, slug, resource, stream, extra] = url.pathname.split('/');
  const { id, slug: ownSlug } = saved.manifest.community;
  if (communities !== 'communities' || (slug !== ownSlug && slug !== id) || extra !== undefined) {
    throw new Refusal(404, 'NOT_FOUND', `this origin serves community ${ownSlug} only, its export`);
  }
  if (resource === 'scoring-runs' && stream === undefined) {
    const { limit } = query(url, { limit: /^[0-9]{1,3}$/, cursor: /^$/ });
    return json(response, 200, {
      items: await saved.runs(limitOf(limit, 20, 100)),
      nextCursor: null,
    });
  }
  if (resource !== 'export')
    throw new Refusal(404, 'NOT_FOUND', `${url.pathname} is not served here`);
  if (stream === undefined || stream === '') return json(response, 200, saved.manifest);
  const asked = query(url, {
    limit: /^[0-9]{1,5}$/,
    after: /^[A-Za-z0-9_-]{1,200}$/,
    order: /^(id|changes)$/,
    before: /^[0-9]{1,19}$/,
  });
  const page: SavedPageRequest = {
    after: asked['after'],
    limit: limitOf(asked['limit'], 1_000, 10_000),
    order: asked['order'] === 'changes' ? 'changes' : 'id',
    before: asked['before'],
  };
  const lines = await saved.page(stream, page);
  if (!lines) throw new Refusal(404, 'NOT_FOUND', `this export has no ${stream} stream`);
  response.writeHead(200, {
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  // pipeline, not a once('drain') per wait: a mirror that aborts a page (its read limits do) would
  // leave that wait, and the page's open file, pending for ever; pipeline closes the source.
  await pipeline(Readable.from(lines), response).catch(() => undefined);
}

/**
 * `serve <export folder> [--port N] [--host H]`: the folder `export` saved, checked whole, then
 * served read-only as the instance served it, for a mirror to follow (`POST /mirrors`) when the
 * instance itself is gone. Runs until interrupted.
 */
export async function serveCommand(args: string[], options: CliOptions): Promise<number> {
  const folder = required(args[0], 'an export folder');
  const port = positiveInteger(options.port, '--port') ?? DEFAULT_PORT;
  if (port > 65_535) throw new UsageError('--port must be from 0 to 65535');
  const host = options.host ?? '127.0.0.1';
  process.stderr.write(`checking ${folder}…\n`);
  const saved = await SavedExport.open(folder);
  const server = createServer((request, response) => {
    answer(saved, request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy(error as Error);
      if (error instanceof Refusal || error instanceof SavedExportQueryError) {
        const status = error instanceof Refusal ? error.status : 400;
        return json(response, status, { code: error.code, message: error.message });
      }
      process.stderr.write(`${request.url}: ${(error as Error).message}\n`);
      json(response, 500, { code: 'INTERNAL_ERROR', message: (error as Error).message });
    });
  });
  server.listen(port, host);
  await once(server, 'listening');
  const { port: listening } = server.address() as AddressInfo;
  const { slug, id } = saved.manifest.community;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${listening}`;
  console.log(`serving community ${slug} (${id}) from ${folder} at ${base}`);
  console.log(`follow it with POST /mirrors {"origin": "${base}", "community": "${slug}"}`);
  // Mirrors refuse private addresses by default (a hostile origin could point them inward).
  console.log(
    '(an instance reaching it at a private address needs MIRROR_ALLOW_PRIVATE_ORIGINS=true)',
  );
  await Promise.race(['SIGINT', 'SIGTERM'].map((signal) => once(process, signal)));
  server.closeAllConnections();
  server.close();
  return EXIT.OK;
}
