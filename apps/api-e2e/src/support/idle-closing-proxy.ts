import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of the API that closes a connection left idle for `idleMs` after an
 * answer, as the API's keep-alive timeout (5 s in Node) or a load balancer does. With `idleMs` shorter than a proof,
 * a client's proof always outlasts it, however fast the machine is.
 */
export async function idleClosingProxy(
  target: { host: string; port: number },
  idleMs: number,
): Promise<{ url: string; closedIdle: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let closedIdle = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    // Like a keep-alive timeout: the clock runs from the end of an answer until the client's
    // next request, never while the server works on one.
    let timer: NodeJS.Timeout | undefined;
    client.on('data', () => clearTimeout(timer));
    upstream.on('data', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        closedIdle += 1;
        client.end();
        upstream.destroy();
      }, idleMs);
    });
    client.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closedIdle: () => closedIdle,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
