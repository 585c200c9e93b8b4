import { setTimeout as sleep } from 'node:timers/promises';

import type { ExportManifest, ExportRecords, ExportStream } from './export-format';
import { checkManifest } from './export-source';
import { ExportReadError, fetchJson, fetchNdjson, type ReadOptions } from './origin-read';

export interface ExportPageRequest {
  /** `cursor` of the last record received. */
  after?: string;
  limit: number;
  /** `changes`: in change order (notes, ratings, requests), for following a community. */
  order?: 'id' | 'changes';
  /** With `order: 'changes'`: only changes below this batch (a manifest's `changeHorizon`). */
  before?: string;
}

/** One instance's export of one community, read a page at a time. */
export interface ExportClient {
  readonly location: string;
  manifest(): Promise<ExportManifest>;
  page<S extends ExportStream>(stream: S, request: ExportPageRequest): Promise<ExportRecords[S][]>;
}

export interface ExportClientOptions extends ReadOptions {
  /**
   * How many times a request that may pass later is sent again: no answer, an answer cut off
   * or too slow (`limits`), a 5xx or 429. The same URL: a page is asked again from its cursor.
   */
  retries?: number;
  /** The wait before the first retry, doubled at each further one (or the Retry-After asked). */
  retryDelayMs?: number;
  onRetry?: (notice: RetryNotice) => void;
}

export interface RetryNotice {
  url: string;
  /** The attempt about to be made (2 for the first retry). */
  attempt: number;
  reason: string;
  delayMs: number;
}

/** The longest wait between two attempts, whatever the server's Retry-After says. */
const MAX_DELAY_MS = 60_000;

/** Failures another attempt may not meet: no answer, or an answer cut off, stalled or slow. */
const TRANSIENT = new Set(['ORIGIN_UNREACHABLE', 'ORIGIN_STALLED', 'ORIGIN_TOO_SLOW']);

/**
 * Each response is read as it arrives, within `options.limits` (none unless given): a page line
 * by line, never the whole body at once; with `retries`, a failure that may pass is retried.
 */
export function exportClient(
  baseUrl: string,
  slug: string,
  options: ExportClientOptions = {},
): ExportClient {
  const root = `${baseUrl.replace(/\/+$/, '')}/communities/${encodeURIComponent(slug)}/export`;
  const { retries = 0, retryDelayMs = 1_000, onRetry, ...read } = options;
  const fetcher = read.fetcher ?? fetch;

  /** `get` of `url`, again while it fails in a way that may pass. */
  const retried = async <T>(url: string, get: (options: ReadOptions) => Promise<T>) => {
    for (let tries = 1; ; tries++) {
      // What this attempt answered, if it answered: a status says whether to try again.
      let answer: Response | undefined;
      const watched: typeof fetch = async (input, init) => (answer = await fetcher(input, init));
      try {
        return await get({ ...read, fetcher: watched });
      } catch (error) {
        if (!(error instanceof ExportReadError)) throw error;
        const status = answer?.ok === false ? answer.status : undefined;
        const transient =
          status === undefined ? TRANSIENT.has(error.code) : status >= 500 || status === 429;
        if (!transient || tries > retries) {
          if (tries === 1) throw error;
          throw new ExportReadError(`${error.message} (after ${tries} attempts)`, error.code);
        }
        const asked = Number(answer?.headers.get('retry-after'));
        const backoff = retryDelayMs * 2 ** (tries - 1);
        const delayMs = Math.min(MAX_DELAY_MS, Math.max(backoff, asked > 0 ? asked * 1_000 : 0));
        onRetry?.({ url, attempt: tries + 1, reason: error.message, delayMs });
        await sleep(delayMs);
      }
    }
  };

  return {
    location: root,
    async manifest() {
      return checkManifest(await retried(root, (options) => fetchJson(root, options)), root);
    },
    async page<S extends ExportStream>(stream: S, request: ExportPageRequest) {
      const query = new URLSearchParams({ limit: String(request.limit) });
      if (request.after !== undefined) query.set('after', request.after);
      if (request.order !== undefined) query.set('order', request.order);
      if (request.before !== undefined) query.set('before', request.before);
      const url = `${root}/${stream}?${query}`;
      return retried(url, (options) => fetchNdjson<ExportRecords[S]>(url, options, request.limit));
    },
  };
}
