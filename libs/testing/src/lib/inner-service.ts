import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A service inside the deployment's network, as a redirect or a hostile name would reach it. */
export interface InnerService {
  /** Its base URL, on loopback. */
  url: string;
  /** How many requests reached it. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * Stands for a neighbour's admin port or the cloud's metadata service: answers every request
 * `500 <secret>`, and counts them, for tests that a read never reaches it and never repeats it.
 */
export async function startInnerService(secret: string): Promise<InnerService> {
  let requests = 0;
  const server = createServer((_, response) => {
    requests += 1;
    response.writeHead(500).end(secret);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
