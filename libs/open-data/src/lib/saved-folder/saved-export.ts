import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import {
  CHANGE_STREAMS,
  CHANGE_STREAMS_NAMED,
  type ExportManifest,
  type RunRecord,
} from '../export-format';
import { checkManifest, parseLine } from '../export-source';
import { ExportReadError } from '../origin-read';
import { ChangeIndex, changeCursor, parseChangeCursor } from './change-index';
import { fileLines, linesAt } from './file-lines';

/** A stream's name becomes a file name: nothing that could leave the folder. */
const STREAM_NAME = /^[a-z][a-z0-9-]{0,63}$/;
/** Continuation points kept per stream: where the page after a cursor served last starts. */
const KEPT_CONTINUATIONS = 256;

/** A page asked for with a cursor or order this export cannot serve: a 400 with this code. */
export class SavedExportQueryError extends Error {
  override name = 'SavedExportQueryError';

  constructor(
    readonly code: 'CURSOR_INVALID' | 'ORDER_INVALID',
    message: string,
  ) {
    super(message);
  }
}

export interface SavedPageRequest {
  after?: string;
  limit: number;
  order: 'id' | 'changes';
  before?: string;
}

interface StreamFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** For a change stream whose records carry their batches: the records in change order. */
  changes?: ChangeIndex;
  /** Cursor served last on a page → where the next page starts, for a follower reading on. */
  continuations: Map<string, number>;
}

/**
 * A folder `bridgenotes export` saved, checked whole before anything of it is served (every
 * stream's record count and SHA-256 against its manifest, the change streams in id order with
 * their change batches), then read page by page as an instance's export is: by cursor, and
 * the change streams also in change order. Pages are read from the files as asked, never whole.
 */
export class SavedExport {
  private constructor(
    readonly folder: string,
    /** The manifest as the instance served it (without the saved file counts and hashes). */
    readonly manifest: ExportManifest,
    private readonly files: Map<string, StreamFile>,
  ) {}

  /** Checks the folder; an `ExportReadError` says what is wrong with it. */
  static async open(folder: string): Promise<SavedExport> {
    const text = await readFile(join(folder, 'manifest.json'), 'utf8').catch(() => {
      throw new ExportReadError(`${folder} has no manifest.json`);
    });
    const { files: saved, ...manifest } = checkManifest(
      parseLine(text, `${folder}/manifest.json`),
      folder,
    );
    if (!saved) {
      throw new ExportReadError(
        `${folder}/manifest.json records no file counts and SHA-256s: serve a folder \`bridgenotes export\` saved`,
      );
    }
    if (typeof manifest.community?.slug !== 'string' || !Array.isArray(manifest.streams)) {
      throw new ExportReadError(`${folder}/manifest.json has no community slug or streams`);
    }
    const files = new Map<string, StreamFile>();
    for (const stream of manifest.streams as string[]) {
      const expected = (saved as Record<string, { records: number; sha256: string }>)[stream];
      if (!STREAM_NAME.test(stream) || !expected) {
        throw new ExportReadError(
          `${folder}/manifest.json lists stream ${JSON.stringify(stream)} without its file`,
        );
      }
      files.set(stream, await checkFile(folder, stream, expected));
    }
    return new SavedExport(folder, manifest, files);
  }

  get streams(): string[] {
    return [...this.files.keys()];
  }

  /**
   * A page of `stream` as JSON lines, or undefined when the export has no such stream. A cursor
   * or order it cannot serve is refused before the first line (`SavedExportQueryError`).
   */
  async page(
    stream: string,
    request: SavedPageRequest,
  ): Promise<AsyncIterable<string> | undefined> {
    const file = this.files.get(stream);
    if (!file) return undefined;
    await this.unchanged(file);
    if (request.order === 'changes') return this.changePage(stream, file, request);
    const start = request.after === undefined ? 0 : await this.offsetAfter(file, request.after);
    return this.idPage(file, start, request.limit);
  }

  /** The runs, newest first as an instance lists them (by request time, then id). */
  async runs(limit: number): Promise<RunRecord[]> {
    const file = this.files.get('runs');
    if (!file) return [];
    await this.unchanged(file);
    const runs: RunRecord[] = [];
    for await (const line of fileLines(file.path)) {
      if (line.text.length > 0) runs.push(parseLine<RunRecord>(line.text.toString(), file.path));
    }
    const key = (run: RunRecord) => `${run.requestedAt}|${run.id}`;
    return runs.sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0)).slice(0, limit);
  }

  private async *idPage(file: StreamFile, start: number, limit: number): AsyncGenerator<string> {
    let served = 0;
    let last: Buffer | undefined;
    for await (const line of fileLines(file.path, start)) {
      if (line.text.length === 0) continue;
      if (served === limit) {
        // A follower asks for the page after this one next: it starts here.
        const cursor = parseLine<{ cursor?: unknown }>(
          (last as Buffer).toString(),
          file.path,
        ).cursor;
        if (typeof cursor === 'string') remember(file.continuations, cursor, line.offset);
        return;
      }
      served += 1;
      last = line.text;
      yield `${line.text.toString()}\n`;
    }
  }

  /** Where the records after the one whose cursor is `after` start. */
  private async offsetAfter(file: StreamFile, after: string): Promise<number> {
    const kept = file.continuations.get(after);
    if (kept !== undefined) return kept;
    let found = false;
    for await (const line of fileLines(file.path)) {
      if (line.text.length === 0) continue;
      if (found) return line.offset;
      found = parseLine<{ cursor?: unknown }>(line.text.toString(), file.path).cursor === after;
    }
    if (found) return file.size;
    throw new SavedExportQueryError(
      'CURSOR_INVALID',
      'after is not the cursor of a record of this stream',
    );
  }

  private async changePage(stream: string, file: StreamFile, request: SavedPageRequest) {
    if (!file.changes || !/^[0-9]{1,19}$/.test(String(this.manifest.changeHorizon))) {
      throw new SavedExportQueryError(
        'ORDER_INVALID',
        (CHANGE_STREAMS as readonly string[]).includes(stream)
          ? 'this export has no change feed (its records carry no changedBatch)'
          : `order=changes is for ${CHANGE_STREAMS_NAMED} only`,
      );
    }
    const after = request.after === undefined ? undefined : parseChangeCursor(request.after);
    if (request.after !== undefined && !after) {
      throw new SavedExportQueryError('CURSOR_INVALID', 'after is not a change cursor');
    }
    const horizon = BigInt(this.manifest.changeHorizon);
    const asked = request.before === undefined ? horizon : BigInt(request.before);
    const places = file.changes.page(after, asked < horizon ? asked : horizon, request.limit);
    const lines = linesAt(file.path, places);
    return (async function* () {
      for (const [index, line] of lines.entries()) {
        const record = parseLine<{ id: string; cursor: string }>(line.toString(), file.path);
        const { batch } = places[index] as { batch: bigint };
        yield `${JSON.stringify({ ...record, cursor: changeCursor(batch, record.id) })}\n`;
      }
    })();
  }

  /** Pages are read from the files checked at the start, or not at all. */
  private async unchanged(file: StreamFile): Promise<void> {
    const now = await stat(file.path).catch(() => undefined);
    if (now?.size !== file.size || now.mtimeMs !== file.mtimeMs) {
      throw new ExportReadError(
        `${file.path} changed since it was checked: start serving it again`,
      );
    }
  }
}

function remember(continuations: Map<string, number>, cursor: string, offset: number): void {
  if (continuations.size >= KEPT_CONTINUATIONS) {
    continuations.delete(continuations.keys().next().value as string);
  }
  continuations.set(cursor, offset);
}

/** Reads a stream's file once: its count and SHA-256 as the manifest says, its change index. */
async function checkFile(
  folder: string,
  stream: string,
  expected: { records: number; sha256: string },
): Promise<StreamFile> {
  const path = join(folder, `${stream}.ndjson`);
  const before = await stat(path).catch(() => {
    throw new ExportReadError(`${folder} has no ${stream}.ndjson`);
  });
  const hash = createHash('sha256');
  const indexed = (CHANGE_STREAMS as readonly string[]).includes(stream);
  let changes: ChangeIndex | undefined = indexed ? new ChangeIndex(expected.records) : undefined;
  let records = 0;
  // The first record that cannot be indexed, said once the count and hash are known good.
  let unindexed: string | undefined;
  for await (const line of fileLines(path, 0, (chunk) => hash.update(chunk))) {
    if (line.text.length === 0) continue;
    records += 1;
    if (changes && unindexed === undefined) {
      let record: object = {};
      try {
        record = JSON.parse(line.text.toString()) as object;
      } catch {
        // Not JSON: `problem` below names it, unless the hash already says the file changed.
      }
      const problem = changes.add(line.offset, line.text.length, record ?? {});
      if (problem?.startsWith('it carries no changedBatch')) changes = undefined;
      else if (problem) unindexed = `${path} record ${records}: ${problem}`;
    }
  }
  const sha256 = hash.digest('hex');
  if (records !== expected.records || sha256 !== expected.sha256) {
    throw new ExportReadError(
      `${path} is not the file this export saved (${records} records, SHA-256 ${sha256}; its manifest says ${expected.records}, ${expected.sha256}): the folder was changed or is incomplete`,
    );
  }
  if (unindexed !== undefined) throw new ExportReadError(unindexed);
  changes?.seal();
  const after = await stat(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
    throw new ExportReadError(`${path} changed while it was checked`);
  }
  return { path, size: after.size, mtimeMs: after.mtimeMs, changes, continuations: new Map() };
}
