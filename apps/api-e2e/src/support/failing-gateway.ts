import { createServer, request as forward, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An HTTP gateway in front of an instance, as a reverse proxy whose upstream hiccups: the first
 * `failures` requests for `method` `path` get its own `502 Bad Gateway` page (HTML, not the
 * API's JSON) without reaching the instance; every other request is passed on. It records the
 * bodies of the requests for `path`, failed or passed on.
 */
export async function startFailingGateway(
  target: string,
  method: string,
  path: string,
  failures = 1,
): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const to = new URL(target);
  const bodies: string[] = [];
  let failed = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const matched = incoming.method === method && incoming.url === path;
      if (matched) bodies.push(body.toString('utf8'));
      if (matched && failed < failures) {
        failed += 1;
        outgoing.writeHead(502, { 'Content-Type': 'text/html' });
        outgoing.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        return;
      }
      const upstream = forward(
        {
          host: to.hostname,
          port: to.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: to.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
