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
    socket.on('close', () => reject(new Error('closed without an answer')));
  });
}

/** Whether another server can bind `port` now (it is released at once if it could). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const other = createServer();
    other.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    other.listen(port, '127.0.0.1', () => other.close(() => resolve(true)));
  });
}

describe('TcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  let echoed = 0;

  beforeAll(async () => {
    echo = createServer((socket) => {
      echoed += 1;
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = new TcpProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
  });

  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => echo.close(resolve));
  });

  it('relays, resets while cut, and relays again on the same port once reopened', async () => {
    await proxy.open();
    const port = Number(proxy.url.split(':')[1]);
    expect(await send(port, 'ping')).toBe('ping');
    expect(echoed).toBe(1);

    // A connection open at the cut is dropped with it.
    const open = connect({ host: '127.0.0.1', port });
    open.on('error', () => undefined);
    const dropped = new Promise<void>((resolve) => open.once('close', () => resolve()));
    open.write('held');
    await new Promise((resolve) => open.once('data', resolve));
    expect(echoed).toBe(2);

    await proxy.cut();
    await dropped;
    // New connections are reset as soon as accepted: nothing reaches the target.
    await expect(send(port, 'ping')).rejects.toThrow(/ECONNRESET/);
    expect(echoed).toBe(2);
    // The port stays held while cut, so no other process can take it before the reopening.
    expect(await bindable(port)).toBe(false);

    await proxy.open();
    expect(Number(proxy.url.split(':')[1])).toBe(port);
    expect(await send(port, 'pong')).toBe('pong');
    expect(echoed).toBe(3);
  });

  it('releases its port on close, and binds it again when reopened', async () => {
    await proxy.open();
    const port = Number(proxy.url.split(':')[1]);
    await proxy.close();
    expect(await bindable(port)).toBe(true);
    await proxy.open();
    expect(await send(port, 'again')).toBe('again');
  });
});
