// The few pieces of PostgreSQL's wire protocol (v3) the embedded server has to understand itself:
// everything else passes through to PGlite untouched.

export const SSL_REQUEST = 80877103;
export const GSSENC_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;
export const PROTOCOL_3 = 196608;

export const TERMINATE = 0x58; // 'X'
const QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'
const SYNC = 0x53; // 'S'
const READY_FOR_QUERY = 0x5a; // 'Z'
const NOTIFICATION = 0x41; // 'A'
const DATA_ROW = 0x44; // 'D'

/** `I` idle, `T` in a transaction, `E` in a failed transaction. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** A startup packet's parameters (user, database, options…). */
export function startupParameters(packet: Buffer): Map<string, string> {
  const parameters = new Map<string, string>();
  const fields = packet.toString('utf8', 8, packet.length).split('\0');
  for (let i = 0; i + 1 < fields.length && fields[i] !== ''; i += 2) {
    parameters.set(fields[i] as string, fields[i + 1] as string);
  }
  return parameters;
}

/**
 * The run-time settings a client asked for in its startup `options` (`-c name=value` or
 * `--name=value`, backslash escaping a space), as libpq and node-postgres send them.
 */
export function startupSettings(packet: Buffer): Map<string, string> {
  const settings = new Map<string, string>();
  const options = startupParameters(packet).get('options') ?? '';
  const words = options.match(/(?:\\.|\S)+/g)?.map((word) => word.replace(/\\(.)/g, '$1')) ?? [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const setting = word === '-c' ? words[++i] : word.startsWith('--') ? word.slice(2) : undefined;
    const match = setting?.match(/^([A-Za-z_][A-Za-z0-9_.]*)=(.*)$/);
    if (match) settings.set((match[1] as string).toLowerCase(), match[2] as string);
  }
  return settings;
}

/** A startup packet (protocol 3.0) with the given parameters. */
export function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(
    `${Object.entries(parameters)
      .map(([name, value]) => `${name}\0${value}\0`)
      .join('')}\0`,
  );
  const packet = Buffer.alloc(8 + body.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(PROTOCOL_3, 4);
  body.copy(packet, 8);
  return packet;
}

/** A simple-protocol query message. */
export function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

export const SYNC_MESSAGE = Buffer.from([SYNC, 0, 0, 0, 4]);

/** An ErrorResponse with severity FATAL, then nothing: for refusing a connection. */
export function fatalMessage(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, 'utf8');
  const message = Buffer.alloc(5 + fields.length);
  message[0] = 0x45; // 'E'
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}

/** The SQL text of a Query or Parse message, else undefined. */
export function statementText(message: Buffer): string | undefined {
  if (message[0] === QUERY) return message.toString('utf8', 5, message.length - 1);
  if (message[0] === PARSE) {
    const nameEnd = message.indexOf(0, 5);
    const textEnd = message.indexOf(0, nameEnd + 1);
    return message.toString('utf8', nameEnd + 1, textEnd);
  }
  return undefined;
}

/** The same Query or Parse message with another SQL text (a Parse keeps its name and types). */
export function withStatementText(message: Buffer, sql: string): Buffer {
  if (message[0] === QUERY) return queryMessage(sql);
  const nameEnd = message.indexOf(0, 5);
  const textEnd = message.indexOf(0, nameEnd + 1);
  const name = message.subarray(5, nameEnd + 1);
  const types = message.subarray(textEnd + 1);
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const rebuilt = Buffer.alloc(5 + name.length + text.length + types.length);
  rebuilt[0] = PARSE;
  rebuilt.writeInt32BE(rebuilt.length - 1, 1);
  Buffer.concat([name, text, types]).copy(rebuilt, 5);
  return rebuilt;
}

/** The first column of the first row of a query's output (text format), null if none or NULL. */
export function firstValue(output: Uint8Array): string | null {
  const buffer = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  let offset = 0;
  while (offset + 5 <= buffer.length) {
    if (buffer[offset] === DATA_ROW && buffer.readInt16BE(offset + 5) > 0) {
      const length = buffer.readInt32BE(offset + 7);
      return length < 0 ? null : buffer.toString('utf8', offset + 11, offset + 11 + length);
    }
    offset += 1 + buffer.readInt32BE(offset + 1);
  }
  return null;
}

/**
 * The channels a statement starts (`listen`) or stops (`unlisten`) listening to, as
 * PostgreSQL names them (unquoted identifiers folded to lower case; `*` for UNLISTEN *).
 */
export function listenChanges(sql: string): { listen: string[]; unlisten: string[] } {
  const listen: string[] = [];
  const unlisten: string[] = [];
  for (const match of sql.matchAll(/\b(UN)?LISTEN\s+(\*|"(?:[^"]|"")+"|[A-Za-z_][\w$]*)/gi)) {
    const raw = match[2] as string;
    const channel = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
    (match[1] ? unlisten : listen).push(channel);
  }
  return { listen, unlisten };
}

export interface RoutedOutput {
  /** What goes back to the client whose messages produced it. */
  own: Buffer;
  /** NotificationResponse messages, each with its channel, for whoever listens to it. */
  notifications: { channel: string; message: Buffer }[];
  /** The status of the last ReadyForQuery, if the output has one. */
  status?: TransactionStatus;
}

/**
 * Splits PGlite's answer: the session's notifications are taken out (they belong to whoever
 * listens to their channel, not to the client that happened to be running a statement), and the
 * final ReadyForQuery tells whether the session is idle again.
 */
export function routeOutput(output: Uint8Array): RoutedOutput {
  const buffer = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  const notifications: RoutedOutput['notifications'] = [];
  const kept: Buffer[] = [];
  let status: TransactionStatus | undefined;
  let keptFrom = 0;
  let offset = 0;
  while (offset + 5 <= buffer.length) {
    const type = buffer[offset];
    const end = offset + 1 + buffer.readInt32BE(offset + 1);
    if (type === READY_FOR_QUERY)
      status = String.fromCharCode(buffer[offset + 5] ?? 0) as TransactionStatus;
    if (type === NOTIFICATION) {
      const channelStart = offset + 9;
      const channel = buffer.toString('utf8', channelStart, buffer.indexOf(0, channelStart));
      notifications.push({ channel, message: Buffer.from(buffer.subarray(offset, end)) });
      kept.push(buffer.subarray(keptFrom, offset));
      keptFrom = end;
    }
    offset = end;
  }
  const own =
    notifications.length === 0 ? buffer : Buffer.concat([...kept, buffer.subarray(keptFrom)]);
  return { own, notifications, ...(status ? { status } : {}) };
}
