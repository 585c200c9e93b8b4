import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

/**
 * What one response of another instance may cost before the read stops and the connection is
 * closed. A mirror reads origins it does not control: without these, an endless body, one
 * enormous line or a trickle of bytes would hold its memory or its pull for ever.
 */
export interface ResponseLimits {
  /** Bytes of one record: an NDJSON line, or a whole JSON document (the manifest, a list). */
  maxRecordBytes: number;
  /** Bytes of one response body. */
  maxResponseBytes: number;
  /** Longest wait, in ms, for the headers or for the next bytes of the body. */
  idleTimeoutMs: number;
  /** Longest time, in ms, from the request to the last byte of its response. */
  timeoutMs: number;
}

/** An auditor's own choice of instance: read as a stream, with no limit of its own. */
export const NO_LIMITS: ResponseLimits = {
  maxRecordBytes: Infinity,
  maxResponseBytes: Infinity,
  idleTimeoutMs: Infinity,
  timeoutMs: Infinity,
};

export const EXPORT_READ_CODES = [
  /** No answer, or an HTTP error status (only the status, and a Bridgenotes error code, kept). */
  'ORIGIN_UNREACHABLE',
  /** An answer that is not the export format (a redirect, not JSON, a page larger than asked…). */
  'ORIGIN_INVALID',
  'ORIGIN_RECORD_TOO_LARGE',
  'ORIGIN_RESPONSE_TOO_LARGE',
  /** Nothing arrived for `idleTimeoutMs`. */
  'ORIGIN_STALLED',
  /** The response was not complete after `timeoutMs`. */
  'ORIGIN_TOO_SLOW',
] as const;

export type ExportReadCode = (typeof EXPORT_READ_CODES)[number];

export class ExportReadError extends Error {
  override name = 'ExportReadError';

  constructor(
    message: string,
    readonly code: ExportReadCode = 'ORIGIN_INVALID',
  ) {
    super(message);
  }
}

export interface ReadOptions {
  fetcher?: typeof fetch;
  /** Those not given are `NO_LIMITS`'. */
  limits?: Partial<ResponseLimits>;
}

const NEWLINE = 0x0a;
/** The most of an error's body read, for the error code of a Bridgenotes error answer. */
const ERROR_BODY_BYTES = 4_096;
/** An error code as Bridgenotes instances answer it (`{"code": "NOT_FOUND", …}`). */
const ERROR_CODE = /^[A-Z_]{2,64}$/;

/** What a network error's code says, as a fixed sentence. */
const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'the origin refused the connection',
  ECONNRESET: 'the origin closed the connection',
  UND_ERR_SOCKET: 'the origin closed the connection',
  EPIPE: 'the origin closed the connection',
  ENOTFOUND: "the origin's name did not resolve",
  EAI_AGAIN: "the origin's name did not resolve for now",
  ETIMEDOUT: 'the connection to the origin timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection to the origin timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the origin sent no answer in time',
  UND_ERR_BODY_TIMEOUT: 'the origin stopped sending its answer',
  EHOSTUNREACH: "there is no route to the origin's host",
  ENETUNREACH: "there is no route to the origin's network",
};
/** TLS's codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID…). */
const TLS_CODE = /CERT|TLS|SSL|SIGNATURE/;
/** A code as Node and undici name theirs (ECONNREFUSED, UND_ERR_SOCKET, CERT_HAS_EXPIRED…). */
const NETWORK_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/**
 * Why a read got no (whole) answer, from the network error's code only: fetch's cause, or the
 * error itself. Never its message, which names the address the origin's name resolved to
 * (`connect ECONNREFUSED 203.0.113.5:443`), a local one, or whatever a lower layer put there:
 * what fails a read ends up in `lastError`, which `GET /mirrors` shows to anyone.
 */
function networkFailure(error: unknown): string {
  const codeOf = (value: unknown) => {
    const code = (value as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'string' && NETWORK_CODE.test(code) ? code : undefined;
  };
  const code = codeOf((error as { cause?: unknown } | null | undefined)?.cause) ?? codeOf(error);
  if (code === undefined) return 'the connection to the origin failed';
  const what =
    NETWORK_FAILURES[code] ??
    (TLS_CODE.test(code)
      ? "the origin's TLS certificate was not accepted"
      : 'the connection to the origin failed');
  return `${what} (${code})`;
}

/** One GET: its deadline, its idle timer, and what to call a failure. */
class OriginRead {
  readonly signal: AbortSignal;
  private readonly idle = new AbortController();
  private readonly deadline: AbortSignal | undefined;
  private readonly idleTimer: NodeJS.Timeout | undefined;
  private stalled = false;

  constructor(
    readonly url: string,
    readonly limits: ResponseLimits,
  ) {
    this.deadline = Number.isFinite(limits.timeoutMs)
      ? AbortSignal.timeout(limits.timeoutMs)
      : undefined;
    this.signal = this.deadline
      ? AbortSignal.any([this.deadline, this.idle.signal])
      : this.idle.signal;
    if (Number.isFinite(limits.idleTimeoutMs)) {
      this.idleTimer = setTimeout(() => {
        this.stalled = true;
        this.idle.abort();
      }, limits.idleTimeoutMs);
    }
  }

  /** Bytes arrived: the idle timer starts again. */
  progress(): void {
    this.idleTimer?.refresh();
  }

  /** Ends the read; a body not read to its end is aborted, which closes the connection. */
  close(): void {
    clearTimeout(this.idleTimer);
    this.idle.abort();
  }

  fail(message: string, code: ExportReadCode): ExportReadError {
    return new ExportReadError(`GET ${this.url}: ${message}`, code);
  }

  /** What stopped the read, whatever fetch or the body stream threw for it. */
  failure(error: unknown): ExportReadError {
    if (error instanceof ExportReadError) return error;
    if (this.deadline?.aborted) {
      return this.fail(`not complete after ${this.limits.timeoutMs} ms`, 'ORIGIN_TOO_SLOW');
    }
    if (this.stalled) {
      return this.fail(`nothing arrived for ${this.limits.idleTimeoutMs} ms`, 'ORIGIN_STALLED');
    }
    return new ExportReadError(
      `GET ${this.url} failed: ${networkFailure(error)}`,
      'ORIGIN_UNREACHABLE',
    );
  }

  private recordTooLarge(document: boolean, line: number): ExportReadError {
    const limit = this.limits.maxRecordBytes;
    return this.fail(
      document ? `the JSON document is over ${limit} bytes` : `line ${line} is over ${limit} bytes`,
      'ORIGIN_RECORD_TOO_LARGE',
    );
  }

  /**
   * The body's bytes as they arrive, stopped as soon as the response, or one record in it, is
   * over its limit: when `document`, the whole body is one record; otherwise each line is.
   */
  async *chunks(body: ReadableStream<Uint8Array> | null, document: boolean) {
    if (!body) return;
    const { maxRecordBytes, maxResponseBytes } = this.limits;
    let total = 0;
    let line = 1;
    let lineBytes = 0;
    for await (const chunk of body) {
      this.progress();
      total += chunk.byteLength;
      if (total > maxResponseBytes) {
        throw this.fail(
          `the response is over ${maxResponseBytes} bytes`,
          'ORIGIN_RESPONSE_TOO_LARGE',
        );
      }
      // Counted here rather than left to readline, which holds a line however long it grows.
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let start = 0;
      for (let end = document ? -1 : bytes.indexOf(NEWLINE); end !== -1;) {
        if (lineBytes + end - start > maxRecordBytes) throw this.recordTooLarge(document, line);
        lineBytes = 0;
        line += 1;
        start = end + 1;
        end = bytes.indexOf(NEWLINE, start);
      }
      lineBytes += bytes.length - start;
      if (lineBytes > maxRecordBytes) throw this.recordTooLarge(document, line);
      yield bytes;
    }
  }
}

function checkLength(read: OriginRead, response: Response, document: boolean): void {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > read.limits.maxResponseBytes) {
    throw read.fail(
      `it announces ${declared} bytes, over ${read.limits.maxResponseBytes}`,
      'ORIGIN_RESPONSE_TOO_LARGE',
    );
  }
  if (document && declared > read.limits.maxRecordBytes) {
    throw read.fail(
      `the JSON document announces ${declared} bytes, over ${read.limits.maxRecordBytes}`,
      'ORIGIN_RECORD_TOO_LARGE',
    );
  }
}

/**
 * The error code of an error answer, when its body is a Bridgenotes error (JSON with a `code` of
 * capitals and underscores), read within `ERROR_BODY_BYTES`; undefined otherwise. Nothing else of
 * the body is ever kept: what fails a read ends up in `lastError`, which `GET /mirrors` shows to
 * anyone, and an origin's answer is not this instance's to publish.
 */
async function errorCode(read: OriginRead, response: Response): Promise<string | undefined> {
  const kept: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of response.body ?? []) {
    read.progress();
    kept.push(chunk);
    length += chunk.byteLength;
    if (length > ERROR_BODY_BYTES) return undefined;
  }
  try {
    const { code } = JSON.parse(Buffer.concat(kept).toString('utf8')) as { code?: unknown };
    return typeof code === 'string' && ERROR_CODE.test(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GETs `url` and hands its body, as bytes checked against the limits, to `consume`. Every way
 * the read can stop (a limit, the deadline, the idle timer, the network) is an
 * `ExportReadError` with its code, and closes the connection.
 */
async function get<T>(
  url: string,
  options: ReadOptions,
  document: boolean,
  consume: (chunks: AsyncIterable<Buffer>, origin: OriginRead) => Promise<T>,
): Promise<T> {
  const origin = new OriginRead(url, { ...NO_LIMITS, ...options.limits });
  try {
    // A redirect is not followed: an origin could send the read to an address inside this
    // instance's network (the cloud's metadata service, a neighbour), which it never dials.
    const response = await (options.fetcher ?? fetch)(url, {
      signal: origin.signal,
      redirect: 'manual',
    });
    origin.progress();
    if (response.status >= 300 && response.status < 400) {
      throw origin.fail(
        `answered a redirect (${response.status}), which is not followed: give the URL the export is served at`,
        'ORIGIN_INVALID',
      );
    }
    if (!response.ok) {
      const code = await errorCode(origin, response);
      throw origin.fail(
        `answered ${response.status}${code ? ` (${code})` : ''}`,
        'ORIGIN_UNREACHABLE',
      );
    }
    checkLength(origin, response, document);
    return await consume(origin.chunks(response.body, document), origin);
  } catch (error) {
    throw origin.failure(error);
  } finally {
    origin.close();
  }
}

/** A JSON document (the manifest, a list), at most `maxRecordBytes`. */
export function fetchJson(url: string, options: ReadOptions = {}): Promise<unknown> {
  return get(url, options, true, async (chunks, origin) => {
    const kept: Buffer[] = [];
    for await (const chunk of chunks) kept.push(chunk);
    try {
      return JSON.parse(Buffer.concat(kept).toString('utf8')) as unknown;
    } catch {
      throw origin.fail('the answer is not JSON', 'ORIGIN_INVALID');
    }
  });
}

/**
 * An NDJSON page, parsed line by line as it arrives (node:readline; the raw body is never held
 * whole), of at most `maxRecords` records: a page larger than asked for is refused at once.
 */
export function fetchNdjson<T>(
  url: string,
  options: ReadOptions,
  maxRecords: number,
): Promise<T[]> {
  return get(url, options, false, async (chunks, origin) => {
    const records: T[] = [];
    const input = Readable.from(chunks);
    let number = 0;
    try {
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        number += 1;
        if (line.length === 0) continue;
        if (records.length === maxRecords) {
          throw origin.fail(`more than the ${maxRecords} records asked for`, 'ORIGIN_INVALID');
        }
        try {
          records.push(JSON.parse(line) as T);
        } catch {
          throw origin.fail(`line ${number} is not JSON`, 'ORIGIN_INVALID');
        }
      }
    } finally {
      input.destroy();
    }
    return records;
  });
}
