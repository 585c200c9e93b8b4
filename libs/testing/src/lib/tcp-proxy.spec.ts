import { createServer, connect, Server } from 'node:net';

import { TcpProxy } from './tcp-proxy';

function send(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString());
    });
    socket.on('error', reject);
  });
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
  });

  afterAll(async () => {
    await proxy.cut();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('relays, refuses while cut, and relays again on the same port once reopened', async () => {
    await proxy.open();
    const port = Number(proxy.url.split(':')[1]);
    expect(await send(port, 'ping')).toBe('ping');

    await proxy.cut();
    await expect(send(port, 'ping')).rejects.toThrow(/ECONNREFUSED/);

    await proxy.open();
    expect(Number(proxy.url.split(':')[1])).toBe(port);
    expect(await send(port, 'pong')).toBe('pong');
  });
});
