import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';

import {
  EXPORT_FORMAT,
  EXPORT_STREAMS,
  type ExportManifest,
  type ExportRecords,
  type ExportStream,
} from './export-format';
import { ExportReadError, fetchJson, fetchNdjson, type ReadOptions } from './origin-read';

/** Where an export is read from: a saved folder or a live instance. */
export interface ExportSource {
  readonly location: string;
  manifest(): Promise<ExportManifest>;
  /** The stream's records in the export's order (the order the verifier's hashes need). */
  records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]>;
}

function checkManifest(value: unknown, location: string): ExportManifest {
  const manifest = value as ExportManifest;
  if (manifest?.format !== EXPORT_FORMAT) {
    throw new ExportReadError(`${location} is not a ${EXPORT_FORMAT} export`);
  }
  return manifest;
}

function parseLine<T>(line: string, where: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new ExportReadError(`${where} is not JSON`);
  }
}

/** A folder holding `manifest.json` and one `{stream}.ndjson` per stream. */
export function directorySource(folder: string): ExportSource {
  return {
    location: folder,
    async manifest() {
      const text = await readFile(join(folder, 'manifest.json'), 'utf8').catch(() => {
        throw new ExportReadError(`${folder} has no manifest.json`);
      });
      return checkManifest(parseLine(text, `${folder}/manifest.json`), folder);
    },
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      const path = join(folder, `${stream}.ndjson`);
      const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
      const opened = once(input, 'open').catch(() => {
        throw new ExportReadError(`${folder} has no ${stream}.ndjson`);
      });
      await opened;
      let number = 0;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        number += 1;
        if (line.length > 0) yield parseLine<ExportRecords[S]>(line, `${path} line ${number}`);
      }
    },
  };
}

export interface ExportPageRequest {
  /** `cursor` of the last record received. */
  after?: string;
  limit: number;
  /** `changes`: in change order (notes and ratings), for following a community. */
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

/**
 * Each response is read as it arrives, within `options.limits` (none unless given): a page line
 * by line, never the whole body at once.
 */
export function exportClient(
  baseUrl: string,
  slug: string,
  options: ReadOptions = {},
): ExportClient {
  const root = `${baseUrl.replace(/\/+$/, '')}/communities/${encodeURIComponent(slug)}/export`;
  return {
    location: root,
    async manifest() {
      return checkManifest(await fetchJson(root, options), root);
    },
    async page<S extends ExportStream>(stream: S, request: ExportPageRequest) {
      const query = new URLSearchParams({ limit: String(request.limit) });
      if (request.after !== undefined) query.set('after', request.after);
      if (request.order !== undefined) query.set('order', request.order);
      if (request.before !== undefined) query.set('before', request.before);
      return fetchNdjson<ExportRecords[S]>(`${root}/${stream}?${query}`, options, request.limit);
    },
  };
}

/**
 * A live instance's export, read page by page with the cursor of the last record, so an
 * interrupted read resumes where it stopped instead of starting over.
 */
export function httpSource(
  baseUrl: string,
  slug: string,
  options: ReadOptions & { pageSize?: number } = {},
): ExportSource {
  const client = exportClient(baseUrl, slug, options);
  const limit = options.pageSize ?? 5_000;
  return {
    location: client.location,
    manifest: () => client.manifest(),
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      for (let after: string | undefined; ;) {
        const records = await client.page(stream, { after, limit });
        yield* records;
        const last = records[records.length - 1];
        if (records.length < limit || last === undefined) return;
        after = last.cursor;
      }
    },
  };
}

/** Saves a whole export to a folder that `directorySource` reads. */
export async function saveExport(
  source: ExportSource,
  folder: string,
  onRecords: (stream: ExportStream, count: number) => void = () => undefined,
): Promise<ExportManifest> {
  await mkdir(folder, { recursive: true });
  const manifest = await source.manifest();
  // Only the streams the source has (an older instance's export lacks the newer ones).
  for (const stream of EXPORT_STREAMS.filter((known) => manifest.streams.includes(known))) {
    const out = createWriteStream(join(folder, `${stream}.ndjson`), { encoding: 'utf8' });
    let count = 0;
    for await (const record of source.records(stream)) {
      if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
      count += 1;
      if (count % 10_000 === 0) onRecords(stream, count);
    }
    out.end();
    await once(out, 'finish');
    onRecords(stream, count);
  }
  // Written last: a folder with a manifest holds every stream.
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
