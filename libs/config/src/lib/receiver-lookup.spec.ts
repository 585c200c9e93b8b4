import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';

import { PRIVATE_ADDRESS_CODE, receiverLookup, refusedReceiver } from './receiver-address';

describe('the webhook receiver check', () => {
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

  it.each([
    ['http://user:pw@hooks.example/x', 'the webhook URL holds a user name or password'],
    ['http://:pw@hooks.example/x', 'the webhook URL holds a user name or password'],
    ['ftp://hooks.example/x', 'the webhook URL is not http(s)'],
    ['http://10.0.0.1/x', 'the webhook is a loopback, private or link-local address'],
    ['http://localhost:8080/x', 'the webhook is a loopback, private or link-local address'],
  ])('refuses %s before connecting', (url, reason) => {
    expect(refusedReceiver(url, false)).toMatch(reason);
    expect(refusedReceiver(url, false)).not.toContain('pw');
  });

  it('lets private receivers through when they are allowed, and public ones always', () => {
    expect(refusedReceiver('http://10.0.0.1/x', true)).toBeUndefined();
    expect(refusedReceiver('https://hooks.example/x', false)).toBeUndefined();
    expect(refusedReceiver('http://user:pw@10.0.0.1/x', true)).toMatch(/user name or password/);
  });
});
