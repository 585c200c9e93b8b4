import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';

import { PRIVATE_ADDRESS_CODE, receiverLookup } from './receiver-lookup';

describe('the lookup that refuses private addresses (webhooks, mirrors)', () => {
  it.each([{}, { all: true }])(
    'fails the lookup of a name that resolves to loopback (%j)',
    async (options) => {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
        receiverLookup('localhost', options, (failure) => resolve(failure)),
      );
      expect(error?.code).toBe(PRIVATE_ADDRESS_CODE);
    },
  );

  it('is what the sockets of an agent built with it dial through', async () => {
    let requests = 0;
    const server: Server = createServer((_, response) => {
      requests += 1;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ connect: { lookup: receiverLookup } });
    try {
      const error = await fetch(`http://localhost:${port}/x`, { dispatcher: agent }).then(
        () => undefined,
        (thrown: Error) => thrown,
      );
      expect((error?.cause as NodeJS.ErrnoException | undefined)?.code).toBe(PRIVATE_ADDRESS_CODE);
      // The same agent without the check reaches the receiver: the refusal is the lookup's.
      const open = new Agent();
      expect((await fetch(`http://localhost:${port}/x`, { dispatcher: open })).status).toBe(200);
      await open.close();
      expect(requests).toBe(1);
    } finally {
      await agent.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
