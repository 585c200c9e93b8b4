import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import {
  EXPORT_FORMAT,
  type ExportManifest,
  type ExportStream,
  type SavedStreamFile,
} from './export-format';
import { ExportChangedError, type ExportSource } from './export-source';
import { ExportReadError } from './origin-read';

/**
 * The order streams are read in, the verifier's: the moderation log before the notes, whose
 * hidden and redacted state it explains, and the runs before the records that name them, so
 * that what changed during the read is found (`httpSource`). Streams the manifest lists and
 * this version does not know come last, saved as they are.
 */
const READ_ORDER: readonly ExportStream[] = [
  'roots',
  'members',
  'moderation',
  'runs',
  'status-changes',
  'results',
  'standings',
  'frozen-raters',
  'notes',
  'replaced-ratings',
  'ratings',
  'requests',
];

/** A stream's name becomes a file name: nothing that could leave the folder. */
const STREAM_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const STREAM_FILE = /^[a-z][a-z0-9-]{0,63}\.ndjson$/;

/** `--out` names something that is not an export folder: it is not replaced. */
export class ExportFolderError extends Error {
  override name = 'ExportFolderError';
}

export interface SaveExportOptions {
  /** Whole reads tried when the community changes while being read (3 when absent). */
  attempts?: number;
  /** Before a read starts again, with why and which attempt it is. */
  onRestart?: (reason: string, attempt: number) => void;
}

/**
 * Saves a whole export to a folder that `directorySource` reads: written to `<folder>.partial`
 * and renamed into place once complete, so the folder is either the previous export, untouched,
 * or the new one whole. Every stream the manifest lists is saved, and the saved manifest
 * records each file's record count and SHA-256. A live source that changed while being read
 * (`ExportChangedError`) is read again, up to `attempts` times in all.
 */
export async function saveExport(
  source: ExportSource,
  folder: string,
  onRecords: (stream: string, count: number) => void = () => undefined,
  options: SaveExportOptions = {},
): Promise<ExportManifest> {
  const target = resolve(folder);
  const partial = `${target}.partial`;
  await checkReplaceable(target);
  // Both are deleted on the way: only if they hold nothing but an export's files.
  await checkLeftOver(partial);
  await checkLeftOver(`${target}.replaced`);
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    try {
      const manifest = await saveOnce(source, partial, onRecords);
      await replace(partial, target);
      return manifest;
    } catch (error) {
      await rm(partial, { recursive: true, force: true });
      if (!(error instanceof ExportChangedError) || attempt >= attempts) throw error;
      options.onRestart?.(error.message, attempt + 1);
    }
  }
}

async function saveOnce(
  source: ExportSource,
  folder: string,
  onRecords: (stream: string, count: number) => void,
): Promise<ExportManifest> {
  const manifest = await source.manifest();
  const listed = manifest.streams as readonly string[];
  const streams = [
    ...READ_ORDER.filter((stream) => listed.includes(stream)),
    ...listed.filter((stream) => !(READ_ORDER as readonly string[]).includes(stream)),
  ] as ExportStream[];
  const badName = streams.find((stream) => !STREAM_NAME.test(stream));
  if (badName !== undefined) {
    throw new ExportReadError(`${source.location} lists a stream named ${JSON.stringify(badName)}`);
  }
  const files: Partial<Record<ExportStream, SavedStreamFile>> = {};
  for (const stream of streams) files[stream] = await saveStream(source, stream, folder, onRecords);
  await source.settle?.();
  // Written last: a folder with a manifest holds every stream.
  const saved: ExportManifest = { ...manifest, files };
  await writeFile(join(folder, 'manifest.json'), `${JSON.stringify(saved, null, 2)}\n`);
  return saved;
}

async function saveStream(
  source: ExportSource,
  stream: ExportStream,
  folder: string,
  onRecords: (stream: string, count: number) => void,
): Promise<SavedStreamFile> {
  const hash = createHash('sha256');
  let records = 0;
  async function* lines() {
    for await (const record of source.records(stream)) {
      const line = `${JSON.stringify(record)}\n`;
      hash.update(line);
      records += 1;
      if (records % 10_000 === 0) onRecords(stream, records);
      yield line;
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(join(folder, `${stream}.ndjson`)));
  onRecords(stream, records);
  return { records, sha256: hash.digest('hex') };
}

/**
 * An existing `--out` is replaced only if it is an export folder (or empty): one whose
 * manifest.json is this format's, with its files listed, and which holds nothing else. A
 * `manifest.json` alone is no sign: a browser extension's or a web app's folder has one too; and
 * a file of the user's own put beside an export (a verification report) would go with it.
 */
async function checkReplaceable(target: string): Promise<void> {
  const found = await stat(target).catch(() => undefined);
  if (!found) return;
  if (!found.isDirectory()) throw new ExportFolderError(`${target} exists and is not a folder`);
  const entries = await readdir(target);
  if (entries.length === 0) return;
  const manifest = entries.includes('manifest.json')
    ? await readFile(join(target, 'manifest.json'), 'utf8').then(parsed, () => undefined)
    : undefined;
  const files = manifest?.['files'];
  if (manifest?.['format'] !== EXPORT_FORMAT || typeof files !== 'object' || files === null) {
    throw new ExportFolderError(
      `${target} exists and is not an export folder (no manifest.json of ${EXPORT_FORMAT} listing its files): it is not replaced`,
    );
  }
  const saved = new Set(['manifest.json', ...Object.keys(files).map((name) => `${name}.ndjson`)]);
  const foreign = entries.find((entry) => !saved.has(entry));
  if (foreign !== undefined) {
    throw new ExportFolderError(
      `${target} holds ${JSON.stringify(foreign)}, which is not part of its export: move it away, the folder is not replaced`,
    );
  }
}

/**
 * `<out>.partial` and `<out>.replaced` are this tool's, left by a save cut short: deleted only if
 * every entry is an export's file (a stream's `.ndjson`, the manifest).
 */
async function checkLeftOver(folder: string): Promise<void> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') return [''];
    throw error;
  });
  const foreign = entries.find((entry) => entry !== 'manifest.json' && !STREAM_FILE.test(entry));
  if (foreign !== undefined) {
    throw new ExportFolderError(
      `${folder} exists and holds more than an export's files (${JSON.stringify(foreign)}): move it away, it is not deleted`,
    );
  }
}

const parsed = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

/** The complete export takes the folder's place; the previous one goes only then. */
async function replace(partial: string, target: string): Promise<void> {
  const previous = `${target}.replaced`;
  await rm(previous, { recursive: true, force: true });
  const existed = await rename(target, previous).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  await rename(partial, target);
  if (existed) await rm(previous, { recursive: true, force: true });
}
