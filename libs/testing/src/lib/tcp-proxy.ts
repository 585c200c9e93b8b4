import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A loopback TCP proxy a test can cut and restore, to see how the system behaves while one of
 * its dependencies is away, without stopping the real server other tests share.
 *
 * The proxy keeps its port bound from `open()` until `close()`, even while cut: were the port
 * released at the cut, another process of a busy machine (a parallel Jest job, a neighbour's
 * server) could take it meanwhile, and reopening would fail with EADDRINUSE.
 */
export class TcpProxy {
  private server?: Server;
  /** Whether accepted connections are relayed (open) or reset at once (cut). */
  private relaying = false;
  /** Whether nothing is forwarded, and new connections are held unanswered (`stall`). */
  private stalled = false;
  private readonly sockets = new Set<Socket>();
  /** Each relayed connection: the client's socket and the target's. */
  private readonly pairs = new Set<[Socket, Socket]>();

  constructor(
    private readonly target: { host: string; port: number },
    private port = 0,
  ) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * Relays connections again. Binds the port when none is bound: on the first call (the
   * constructor's port, or a free one), and on the first after `close()`, which binds the same
   * port again (EADDRINUSE if another process took it meanwhile).
   */
  async open(): Promise<void> {
    if (!this.server) await this.listen();
    this.relaying = true;
    this.stalled = false;
  }

  /**
   * Stops forwarding, both ways, on every open connection, and holds every new one accepted but
   * unanswered, until `open()` (which relays new connections again; a stalled one stays
   * stalled) or `cut()`: nothing is reset and nothing errors, as with a peer gone silent (a
   * half-open connection, a hung network path). A client waits for an answer for ever unless it
   * gives up by itself.
   */
  async stall(): Promise<void> {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /**
   * Drops the open connections and resets every new one as soon as it is accepted: nothing
   * reaches the target, and the port stays held. Unlike a crashed server, whose port refuses a
   * connection (ECONNREFUSED), the cut proxy accepts it and then resets it: the client sees
   * ECONNRESET.
   */
  async cut(): Promise<void> {
    this.relaying = false;
    this.stalled = false;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Cuts, then releases the port for good: call it when the test is done with the proxy. */
  async close(): Promise<void> {
    await this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => {
      if (!this.relaying) {
        client.on('error', () => undefined);
        client.resetAndDestroy();
        return;
      }
      if (this.stalled) {
        client.on('error', () => undefined);
        client.pause();
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        return;
      }
      const upstream = connect(this.target);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }
}
