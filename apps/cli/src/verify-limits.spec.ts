import {
  DEFAULT_MAX_RECORD_BYTES,
  EXPORT_FORMAT,
  EXPORT_STREAMS,
  type ExportManifest,
} from '@bridgenotes/open-data';
import { communityScope, TREE_DEPTH } from '@bridgenotes/protocol';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { verifyCommand } from './audit-commands';
import { EXIT, failureOf } from './exit-codes';

const id = randomUUID();
const MANIFEST: ExportManifest = {
  format: EXPORT_FORMAT,
  community: {
    id,
    slug: 'endless',
    name: 'endless',
    admission: 'OPEN',
    scope: communityScope(id).toString(),
    treeDepth: TREE_DEPTH,
    treeSize: 0,
    root: '0',
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  rules: { rootHistoryWindowSeconds: 3_600, clockSkewMinutes: 5 },
  generatedAt: '2026-01-01T00:10:00.000Z',
  changeHorizon: '1000',
  streams: EXPORT_STREAMS,
};

/**
 * An instance whose manifest is `manifest` (or only announces a body that long, when a number)
 * and whose every stream is one line that never ends: what `verify <URL>` reads unless it stops.
 */
async function endlessInstance(manifest: ExportManifest | number) {
  const open = new Set<ServerResponse>();
  const server = createServer((incoming, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    const stream = new URL(incoming.url ?? '/', 'http://x').pathname.split('/')[4];
    if (stream === undefined) {
      if (typeof manifest === 'number') {
        // Headers, then a little of the body, then nothing: the size alone must stop the read.
        response.writeHead(200, { 'content-length': String(manifest) });
        return void response.write('{');
      }
      return void response.writeHead(200).end(JSON.stringify(manifest));
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const chunk = Buffer.alloc(16_384, 'x');
    const more = () => {
      while (!response.destroyed && response.write(chunk));
    };
    response.on('drain', more);
    more();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const response of open) response.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('verify <URL>: the most bytes of one record', () => {
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('stops a line over --max-record-bytes with an unreadable exit, naming the limit', async () => {
    const instance = await endlessInstance(MANIFEST);
    try {
      const failure = await verifyCommand([instance.url], {
        community: 'endless',
        'max-record-bytes': '65536',
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toMatchObject({ name: 'ExportReadError', code: 'ORIGIN_RECORD_TOO_LARGE' });
      const said = failureOf(failure);
      expect(said.code).toBe(EXIT.UNREADABLE);
      expect(said.message).toContain('is over 65536 bytes');
    } finally {
      await instance.close();
    }
  });

  it('holds a record to the default limit when none is given', async () => {
    // Announced one byte over the default: refused from its headers, nothing of it read.
    const instance = await endlessInstance(DEFAULT_MAX_RECORD_BYTES + 1);
    try {
      await expect(verifyCommand([instance.url], { community: 'endless' })).rejects.toMatchObject({
        name: 'ExportReadError',
        code: 'ORIGIN_RECORD_TOO_LARGE',
        message: expect.stringContaining(`over ${DEFAULT_MAX_RECORD_BYTES}`),
      });
    } finally {
      await instance.close();
    }
  });

  it('refuses a limit below 1024 bytes, and one for an export folder', async () => {
    await expect(
      verifyCommand(['http://127.0.0.1:1'], { community: 'x', 'max-record-bytes': '10' }),
    ).rejects.toMatchObject({ name: 'UsageError' });
    await expect(
      verifyCommand(['./some-folder'], { 'max-record-bytes': '65536' }),
    ).rejects.toMatchObject({ name: 'UsageError' });
  });
});
