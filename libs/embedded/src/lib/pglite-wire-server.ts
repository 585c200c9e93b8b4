import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

import type { PGlite } from '@electric-sql/pglite';

import {
  CANCEL_REQUEST,
  fatalMessage,
  firstValue,
  GSSENC_REQUEST,
  listenChanges,
  PROTOCOL_3,
  queryMessage,
  routeOutput,
  SSL_REQUEST,
  startupMessage,
  startupParameters,
  startupSettings,
  statementText,
  SYNC_MESSAGE,
  TERMINATE,
  withStatementText,
} from './wire-messages';

export interface PgliteWireServerOptions {
  /** Loopback by default: the embedded database has no authentication at all. */
  host?: string;
  /** 0 (the default) lets the system pick a free port. */
  port?: number;
  maxConnections?: number;
  /**
   * Called when a client gave the session back after holding it at least `longHoldMs` (5 s by
   * default): how long, and who waited behind it. Says nothing of what the client ran.
   */
  onLongHold?: (hold: LongHold) => void;
  longHoldMs?: number;
}

/** A client held the one session long enough for the others' requests to notice. */
export interface LongHold {
  heldMs: number;
  /** Clients still waiting for the session when it was given back. */
  waiting: number;
  /** The longest any of them had waited. */
  longestWaitMs: number;
}

class Connection {
  pending: Buffer[] = [];
  started = false;
  queued = false;
  /** When it last joined the queue, and when it last got the session (performance.now()). */
  queuedAt = 0;
  ownedAt = 0;
  closed = false;
  settings = new Map<string, string>();
  /** Its last batch may have set `application_name`: read it back when the batch is done. */
  naming = false;
  readonly channels = new Set<string>();
  private unread: Buffer = Buffer.alloc(0);

  constructor(readonly socket: Socket) {}

  /**
   * Appends a chunk and returns the complete messages it finishes. Packets of the startup phase
   * (SSL request, startup) have no type byte, so their first byte, the length's highest, is 0.
   */
  read(chunk: Buffer): Buffer[] {
    this.unread = this.unread.length === 0 ? chunk : Buffer.concat([this.unread, chunk]);
    const messages: Buffer[] = [];
    for (;;) {
      const header = this.started ? 5 : 8;
      if (this.unread.length < header) break;
      const length = this.started ? 1 + this.unread.readInt32BE(1) : this.unread.readInt32BE(0);
      if (this.unread.length < length) break;
      const message = Buffer.from(this.unread.subarray(0, length));
      this.unread = this.unread.subarray(length);
      if (!this.started && message.readInt32BE(4) === PROTOCOL_3) this.started = true;
      messages.push(message);
    }
    return messages;
  }
}

/**
 * Serves one PGlite database over PostgreSQL's wire protocol to many clients.
 *
 * PGlite is a single PostgreSQL session. Several clients can share it safely only if no client's
 * statements run in the middle of another client's unit of work, so the session belongs to one
 * client at a time: from that client's first message until PostgreSQL says the session is idle
 * again (ReadyForQuery with status `I`: its extended-protocol batch is synced and no transaction
 * is open). Everyone else waits their turn. `@electric-sql/pglite-socket` hands the session over
 * between any two messages outside an explicit transaction, so a batch split across TCP reads
 * (large parameters) could be bound to another client's statement; that does not happen here.
 *
 * What a real server keeps per connection is emulated where clients rely on it: run-time settings
 * from the startup packet (`options=-c search_path=…`, which BullMQ's PostgreSQL backend uses) are
 * applied whenever the session changes hands, and notifications go to the clients that LISTEN
 * to their channel. `application_name` is kept per connection too, however it was set (startup,
 * SET, or `set_config`, as BullMQ names its workers' connections), and `pg_stat_activity` is
 * answered from this server's own connections: PGlite's lists only its one session, and BullMQ's
 * PostgreSQL backend finds a queue's workers there (`getWorkers`, the queue dashboard's
 * "Workers"). Other settings changed later with SET, session advisory locks, temporary tables and
 * prepared statement names remain shared by everyone.
 *
 * Connecting never waits for the session: every client gets the greeting PGlite gave the first
 * startup packet (authentication ok, server parameters, ready), so a long transaction cannot make
 * new connections time out. A long statement can: PGlite runs it on this thread, which answers
 * nobody until it is done. Holds of the session long enough for requests to notice (5 s) are
 * reported (`onLongHold`), without a word of what the client ran.
 */
export class PgliteWireServer {
  private server?: Server;
  private readonly connections = new Set<Connection>();
  private readonly waiting: Connection[] = [];
  private owner?: Connection;
  private pumping = false;
  /** The startup settings currently applied to the session. */
  private applied = new Map<string, string>();
  /** PGlite's answer to a startup packet, ending with ReadyForQuery `I`. */
  private greeting?: Buffer;

  constructor(
    private readonly db: PGlite,
    private readonly options: PgliteWireServerOptions = {},
  ) {}

  async start(): Promise<AddressInfo> {
    this.greeting = Buffer.from(
      await this.execute(startupMessage({ user: 'postgres', database: 'postgres' })),
    );
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** Closes every connection (open transactions are rolled back) and stops listening. */
  async stop(): Promise<void> {
    const server = this.server;
    for (const connection of this.connections) connection.socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    // Let the rollback of an abandoned transaction finish before the caller closes PGlite.
    while (this.pumping || this.owner) await new Promise((resolve) => setImmediate(resolve));
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    if (this.connections.size >= (this.options.maxConnections ?? 100)) {
      socket.end(fatalMessage('53300', 'sorry, too many clients already'));
      return;
    }
    const connection = new Connection(socket);
    this.connections.add(connection);
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.close(connection));
  }

  private receive(connection: Connection, chunk: Buffer): void {
    for (const message of connection.read(chunk)) {
      if (message[0] === 0) {
        this.handleStartup(connection, message);
        continue;
      }
      if (message[0] === TERMINATE) {
        connection.socket.end();
        return;
      }
      const sql = statementText(message);
      if (sql !== undefined) this.track(connection, sql);
      connection.pending.push(message);
    }
    if (connection.pending.length > 0 && connection !== this.owner) this.enqueue(connection);
    void this.pump();
  }

  private enqueue(connection: Connection): void {
    if (connection.queued) return;
    connection.queued = true;
    connection.queuedAt = performance.now();
    this.waiting.push(connection);
  }

  /** Answers the packets of the startup phase, none of which needs the session. */
  private handleStartup(connection: Connection, message: Buffer): void {
    const code = message.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      // No encryption on a loopback socket: the client goes on in plain text.
      connection.socket.write('N');
    } else if (code === CANCEL_REQUEST) {
      // Cancelling would need a second session to run on; PGlite has one.
      connection.socket.destroy();
    } else if (code === PROTOCOL_3) {
      connection.settings = startupSettings(message);
      const name = startupParameters(message).get('application_name');
      if (name) connection.settings.set('application_name', name);
      connection.socket.write(this.greeting as Buffer);
    } else {
      connection.socket.end(fatalMessage('08P01', 'unsupported frontend protocol'));
    }
  }

  private track(connection: Connection, sql: string): void {
    if (/application_name/i.test(sql)) connection.naming = true;
    if (!/listen/i.test(sql)) return;
    const { listen, unlisten } = listenChanges(sql);
    for (const channel of listen) connection.channels.add(channel);
    for (const channel of unlisten) {
      if (channel === '*') connection.channels.clear();
      else connection.channels.delete(channel);
    }
  }

  private close(connection: Connection): void {
    connection.closed = true;
    connection.pending = [];
    this.connections.delete(connection);
    void this.pump();
  }

  /** Runs the session's work, one owner at a time, until nobody has anything to run. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const connection = this.owner ?? this.nextWaiting();
        if (!connection) return;
        if (this.owner !== connection) connection.ownedAt = performance.now();
        this.owner = connection;
        if (connection.closed) {
          await this.abandon();
          this.owner = undefined;
          continue;
        }
        // The owner keeps the session while it is mid-batch or in a transaction, even if idle.
        if (connection.pending.length === 0) return;
        await this.adoptSettings(connection.settings);
        const input = Buffer.concat(connection.pending.splice(0).map((m) => this.rewrite(m)));
        let routed;
        try {
          routed = routeOutput(await this.execute(input));
        } catch {
          // PGlite rejects only what it cannot parse at all: that client is beyond help.
          connection.socket.destroy();
          continue;
        }
        if (routed.status === 'I' || routed.status === 'T') await this.readName(connection);
        if (!connection.closed && routed.own.length > 0) connection.socket.write(routed.own);
        this.notify(routed.notifications);
        if (routed.status === 'I') {
          this.owner = undefined;
          this.reportHold(connection);
          // What it sent meanwhile waits behind the others, like anyone else's.
          if (connection.pending.length > 0) this.enqueue(connection);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private reportHold(connection: Connection): void {
    const now = performance.now();
    const heldMs = now - connection.ownedAt;
    if (!this.options.onLongHold || heldMs < (this.options.longHoldMs ?? 5_000)) return;
    const waiting = this.waiting.filter((other) => !other.closed && other.pending.length > 0);
    this.options.onLongHold({
      heldMs,
      waiting: waiting.length,
      longestWaitMs: Math.max(0, ...waiting.map((other) => now - other.queuedAt)),
    });
  }

  private nextWaiting(): Connection | undefined {
    for (;;) {
      const next = this.waiting.shift();
      if (!next) return undefined;
      next.queued = false;
      if (!next.closed && next.pending.length > 0) return next;
    }
  }

  private execute(input: Uint8Array): Promise<Uint8Array> {
    return this.db.runExclusive(() => this.db.execProtocolRaw(input));
  }

  /** A client went away while owning the session: close its batch and roll back its transaction. */
  private async abandon(): Promise<void> {
    await this.execute(SYNC_MESSAGE);
    if (this.db.isInTransaction()) await this.execute(queryMessage('ROLLBACK'));
  }

  private async adoptSettings(settings: Map<string, string>): Promise<void> {
    const statements: string[] = [];
    for (const name of this.applied.keys()) {
      if (!settings.has(name)) statements.push(`RESET ${name}`);
    }
    for (const [name, value] of settings) {
      if (this.applied.get(name) !== value) {
        statements.push(`SELECT set_config('${name}', '${value.replace(/'/g, "''")}', false)`);
      }
    }
    if (statements.length === 0) return;
    this.applied = new Map(settings);
    // The output (and any error, e.g. an unknown setting) is the server's business, not a client's.
    await this.execute(queryMessage(statements.join('; ')));
  }

  /** After a batch that may have named its connection: keep the name with that connection. */
  private async readName(connection: Connection): Promise<void> {
    if (!connection.naming) return;
    connection.naming = false;
    const name =
      firstValue(await this.execute(queryMessage("SELECT current_setting('application_name')"))) ??
      '';
    for (const settings of [connection.settings, this.applied]) {
      if (name) settings.set('application_name', name);
      else settings.delete('application_name');
    }
  }

  /** A statement reading `pg_stat_activity` reads this server's connections instead. */
  private rewrite(message: Buffer): Buffer {
    const sql = statementText(message);
    const activity = /\b(?:pg_catalog\.)?pg_stat_activity\b/gi;
    if (sql === undefined || !activity.test(sql)) return message;
    const names = [...this.connections]
      .filter((connection) => !connection.closed)
      .map(
        (connection) =>
          `'${(connection.settings.get('application_name') ?? '').replace(/'/g, "''")}'`,
      );
    // The columns BullMQ's PostgreSQL backend reads; one row per open connection.
    const view = `(SELECT current_database()::name AS datname, a.application_name,
      a.pid::int AS pid, 'idle'::text AS state, now() AS backend_start, now() AS state_change,
      NULL::inet AS client_addr, NULL::int AS client_port
      FROM unnest(ARRAY[${names.join(', ')}]::text[]) WITH ORDINALITY AS a(application_name, pid))`;
    return withStatementText(message, sql.replace(activity, view));
  }

  private notify(notifications: { channel: string; message: Buffer }[]): void {
    for (const { channel, message } of notifications) {
      for (const connection of this.connections) {
        if (!connection.closed && connection.channels.has(channel)) {
          connection.socket.write(message);
        }
      }
    }
  }
}
