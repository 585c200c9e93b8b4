import type { INestApplication } from '@nestjs/common';
import type { Community, PrismaClient } from '@bridgenotes/database';
import type { ExportRecords, ExportStream } from '@bridgenotes/open-data';
import { eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  get,
  type ClientRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import zlib from 'node:zlib';

import { createCommunity, createTestPrisma } from '../../testing/fixtures';
import { createTestApp } from '../../testing/test-app';
import type { Position, ReadOrder } from './export-position';
import { ExportsService } from './exports.service';

type Encoding = 'gzip' | 'identity';

const NOTES = 100;
const RATERS = 60;

/** One gzip stream of the compression middleware: how often it drained, its most listeners. */
interface WatchedGzip {
  drains: number;
  /** The most 'drain' listeners it had at once, besides the one counting `drains`. */
  mostDrainListeners: number;
}

/**
 * Watches each gzip stream made until the returned function is called. `createGzip` is read-only
 * (jest.spyOn cannot replace it), hence its property redefined.
 */
function watchGzipStreams(into: WatchedGzip[]): () => void {
  const descriptor = Object.getOwnPropertyDescriptor(zlib, 'createGzip') as PropertyDescriptor;
  const createGzip = zlib.createGzip;
  Object.defineProperty(zlib, 'createGzip', {
    ...descriptor,
    value: (options?: zlib.ZlibOptions) => {
      const gzip = createGzip(options);
      const watched: WatchedGzip = { drains: 0, mostDrainListeners: 0 };
      gzip.on('drain', () => (watched.drains += 1));
      // Emitted before the listener is added: the count is then the others, with the new one.
      gzip.on('newListener', (event: string) => {
        if (event !== 'drain') return;
        watched.mostDrainListeners = Math.max(
          watched.mostDrainListeners,
          gzip.listenerCount('drain'),
        );
      });
      into.push(watched);
      return gzip;
    },
  });
  return () => Object.defineProperty(zlib, 'createGzip', descriptor);
}

/** What the export's reader (ExportsService.records) gave and whether it was closed. */
interface Reads {
  /** Asked for its first record. */
  started: boolean;
  records: number;
  closed: boolean;
}

/** How a followed read misbehaves: held before its first record, or failing after some. */
interface Misread {
  held?: Promise<void>;
  fail?: { after: number; error: Error };
}

/**
 * Each export answer's side of the server, waiting on its reader when it cannot send more. The
 * API listens on a Unix socket, which buffers some 200 kB where loopback TCP buffers megabytes:
 * a stream of 6,000 ratings then fills it, compressed or not.
 */
describe('export streams to a client slower than the database', () => {
  let app: INestApplication;
  let prisma: PrismaClient;
  let folder: string;
  let socketPath: string;
  let slug: string;
  let ratings: number;
  const gzips: WatchedGzip[] = [];
  let unwatch: () => void;

  beforeAll(async () => {
    unwatch = watchGzipStreams(gzips);
    app = await createTestApp();
    folder = await mkdtemp(join(tmpdir(), 'bn-back-pressure-'));
    socketPath = join(folder, 'api.sock');
    await app.listen(socketPath);
    prisma = createTestPrisma();
    const community = await createCommunity(prisma, NOTES);
    slug = community.slug;
    // Each rating with a proof's worth of digits (a nullifier, eight points) unique to it, as a
    // community's ratings have: what makes a compressed export large.
    ratings = await prisma.$executeRaw`
      INSERT INTO ratings (id, community_id, note_id, rater_pseudonym, helpfulness, client_minute, tags, proof)
      SELECT gen_random_uuid(), community_id, note_id, nullifier, 'HELPFUL', 29000000, '{CLEAR}',
             jsonb_build_object('nullifier', nullifier, 'points', (
               SELECT jsonb_agg(translate(md5(nullifier || p) || md5(p || nullifier), 'abcdef', '012345'))
                 FROM generate_series(1, 8) AS p))
        FROM (SELECT n.community_id, n.id AS note_id,
                     translate(md5(n.id::text || r) || md5(r || n.id::text), 'abcdef', '012345') AS nullifier
                FROM notes n CROSS JOIN generate_series(1, ${RATERS}) AS r
               WHERE n.community_id = ${community.id}::uuid) AS rated`;
    expect(ratings).toBe(NOTES * RATERS);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    unwatch();
    await app.close();
    await prisma.$disconnect();
    await rm(folder, { recursive: true, force: true });
  });

  /** Asks for the stream of every rating, and reads none of it; with the server's side of it. */
  function askRatings(encoding: Encoding): {
    request: ClientRequest;
    answer: Promise<ServerResponse>;
  } {
    const answered = once(app.getHttpServer() as Server, 'request');
    const request = get({
      socketPath,
      path: `/communities/${slug}/export/ratings?limit=${ratings}`,
      headers: { 'accept-encoding': encoding },
      agent: false,
    });
    return { request, answer: answered.then(([, answer]) => answer as ServerResponse) };
  }

  /** `askRatings`, once the answer has begun. */
  async function requestRatings(encoding: Encoding): Promise<{
    request: ClientRequest;
    response: IncomingMessage;
    answer: ServerResponse;
  }> {
    const { request, answer } = askRatings(encoding);
    const [[response], served] = await Promise.all([once(request, 'response'), answer]);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding === 'gzip' ? 'gzip' : undefined);
    return { request, response, answer: served };
  }

  /** The server waits on its reader: its socket is full. */
  const waitsOnReader = (answer: ServerResponse) =>
    eventually(async () => expect(answer.writableNeedDrain).toBe(true));

  /**
   * Reads the response a chunk at a time, each only once the server waits on this reader, until
   * the server has ended it: the slowest reader that still reads. Returns the body and how often
   * the server was found waiting.
   */
  async function readSlowly(
    response: IncomingMessage,
    answer: ServerResponse,
  ): Promise<{ body: Buffer; waits: number }> {
    const chunks: Buffer[] = [];
    let waits = 0;
    for (;;) {
      const waiting = await eventually(
        async () => {
          if (answer.writableEnded) return false;
          if (answer.writableNeedDrain) return true;
          throw new Error('The server neither waits on its reader nor has ended the answer');
        },
        PATIENCE_MS,
        5,
      );
      if (!waiting) break;
      waits += 1;
      let chunk = response.read() as Buffer | null;
      while (chunk === null) {
        await once(response, 'readable');
        chunk = response.read() as Buffer | null;
      }
      chunks.push(chunk);
    }
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { body: Buffer.concat(chunks), waits };
  }

  /** Follows what the export's reader gives, and whether it is closed, from now on. */
  function followReads({ held, fail }: Misread = {}): Reads {
    const reads: Reads = { started: false, records: 0, closed: false };
    const service = app.get(ExportsService);
    const records = service.records.bind(service);
    async function* followed<S extends ExportStream>(
      inner: AsyncGenerator<ExportRecords[S]>,
    ): AsyncGenerator<ExportRecords[S]> {
      reads.started = true;
      try {
        await held;
        for await (const record of inner) {
          if (reads.records === fail?.after) {
            // After a turn of the event loop, as a database's answer would come.
            await new Promise((resolve) => setImmediate(resolve));
            throw fail.error;
          }
          reads.records += 1;
          yield record;
        }
      } finally {
        reads.closed = true;
      }
    }
    jest
      .spyOn(service, 'records')
      .mockImplementation(
        <S extends ExportStream>(
          community: Community,
          stream: S,
          after: Position | undefined,
          limit: number,
          order?: ReadOrder,
        ) => followed<S>(records(community, stream, after, limit, order)),
      );
    return reads;
  }

  it('waits on a slow reader of a compressed stream with one drain listener, however often', async () => {
    const made = gzips.length;
    const { response, answer } = await requestRatings('gzip');
    const { body, waits } = await readSlowly(response, answer);

    const lines = zlib.gunzipSync(body).toString('utf8').split('\n').filter(Boolean);
    expect(new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id)).size).toBe(
      ratings,
    );
    // The reader was slow (the server waited on it), and the server waited on its compression
    // many times, a 'drain' each; each wait used to leave one more listener on the gzip stream.
    expect(waits).toBeGreaterThanOrEqual(5);
    expect(gzips).toHaveLength(made + 1);
    const gzip = gzips[made] as WatchedGzip;
    expect(gzip.drains).toBeGreaterThanOrEqual(20);
    expect(gzip.mostDrainListeners).toBeLessThanOrEqual(1);
  });

  it.each<Encoding>(['gzip', 'identity'])(
    'closes the read of a %s stream whose client hangs up while the server waits on it',
    async (encoding) => {
      const reads = followReads();
      const { request, answer } = await requestRatings(encoding);
      await waitsOnReader(answer);
      expect(reads.closed).toBe(false);

      request.destroy();
      // The reader holds no connection between its batches (one pooled query each): what an
      // abandoned answer kept was its handler, the reader with its batch of rows, and the
      // response, all let go once the reader is closed.
      await eventually(async () => expect(reads.closed).toBe(true));
      expect(reads.records).toBeLessThan(ratings);
    },
  );

  it.each<Encoding>(['gzip', 'identity'])(
    'closes the read of a %s stream whose client hangs up before its first record',
    async (encoding) => {
      let release!: () => void;
      const reads = followReads({ held: new Promise<void>((resolve) => (release = resolve)) });
      const { request, answer: answered } = askRatings(encoding);
      const hungUp = once(request, 'error');
      const answer = await answered;
      await eventually(async () => expect(reads.started).toBe(true));
      const closed = once(answer, 'close');

      request.destroy();
      await hungUp;
      await closed;
      // The first batch comes once the client has gone.
      release();
      await eventually(async () => expect(reads.closed).toBe(true));
      expect(reads.records).toBeLessThan(ratings);
    },
  );

  it('cuts a stream whose read fails after its first records: the client sees it incomplete', async () => {
    const reads = followReads({ fail: { after: 3, error: new Error('the database went away') } });
    const { response } = await requestRatings('identity');
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    await expect(finished(response)).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(reads.closed).toBe(true);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
    // Every record sent before the cut, whole: the client resumes after the last.
    expect(lines.map((line) => (JSON.parse(line) as { cursor: string }).cursor)).toHaveLength(3);
  });
});
