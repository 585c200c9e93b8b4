import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import {
  EXPORT_FORMAT,
  type ExportManifest,
  type ExportRecords,
  type ExportStream,
} from './export-format';
import { ExportReadError } from './origin-read';

/** Where an export is read from: a saved folder or a live instance. */
export interface ExportSource {
  readonly location: string;
  manifest(): Promise<ExportManifest>;
  /** The stream's records in the export's order (the order the verifier's hashes need). */
  records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]>;
  /**
   * A live source's check, once everything was read, that nothing it read changed in a way its
   * manifest's bounds could not leave out (`httpSource`): throws `ExportChangedError` if it did,
   * and the next `manifest()` starts a new read.
   */
  settle?(): Promise<void>;
}

/** A live community changed while it was read, so what was read is not one state of it. */
export class ExportChangedError extends Error {
  override name = 'ExportChangedError';
}

export function checkManifest(value: unknown, location: string): ExportManifest {
  const manifest = value as ExportManifest;
  if (manifest?.format !== EXPORT_FORMAT) {
    throw new ExportReadError(`${location} is not a ${EXPORT_FORMAT} export`);
  }
  return manifest;
}

export function parseLine<T>(line: string, where: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new ExportReadError(`${where} is not JSON`);
  }
}

/**
 * A folder holding `manifest.json` and one `{stream}.ndjson` per stream. When the manifest
 * records the files (a folder `saveExport` wrote), each stream's count and SHA-256 are checked
 * once it is read to its end.
 */
export function directorySource(folder: string): ExportSource {
  let read: Promise<ExportManifest> | undefined;
  const manifest = () =>
    (read ??= readFile(join(folder, 'manifest.json'), 'utf8').then(
      (text) => checkManifest(parseLine(text, `${folder}/manifest.json`), folder),
      () => {
        throw new ExportReadError(`${folder} has no manifest.json`);
      },
    ));
  return {
    location: folder,
    manifest,
    async *records<S extends ExportStream>(stream: S): AsyncIterable<ExportRecords[S]> {
      const expected = (await manifest()).files?.[stream];
      const path = join(folder, `${stream}.ndjson`);
      const input = createReadStream(path, { highWaterMark: 1 << 20 });
      await once(input, 'open').catch(() => {
        throw new ExportReadError(`${folder} has no ${stream}.ndjson`);
      });
      const hash = createHash('sha256');
      input.on('data', (chunk) => hash.update(chunk));
      let number = 0;
      let records = 0;
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        number += 1;
        if (line.length === 0) continue;
        records += 1;
        yield parseLine<ExportRecords[S]>(line, `${path} line ${number}`);
      }
      const sha256 = hash.digest('hex');
      if (expected && (expected.records !== records || expected.sha256 !== sha256)) {
        throw new ExportReadError(
          `${path} is not the file this export saved (${records} records, SHA-256 ${sha256}; its manifest says ${expected.records}, ${expected.sha256}): the folder was changed or is incomplete`,
        );
      }
    },
  };
}
