import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';

const FILE = 'rows.ndjson';

/**
 * Rows kept in a file of their own (one JSON a line) instead of in memory until they can be
 * stored: for a stream as long as the community has notes, stored only once read to its end, in
 * a transaction that must not wait on the origin meanwhile. `remove` deletes the file.
 */
export class RowSpill<T> {
  private constructor(
    private readonly folder: string,
    private readonly out: WriteStream,
  ) {}

  static async open<T>(): Promise<RowSpill<T>> {
    const folder = await mkdtemp(join(tmpdir(), 'bridgenotes-mirror-'));
    return new RowSpill<T>(folder, createWriteStream(join(folder, FILE)));
  }

  async write(rows: T[]): Promise<void> {
    if (!this.out.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''))) {
      await once(this.out, 'drain');
    }
  }

  /** The rows written, in order, `size` at a time; nothing more can be written. */
  async *chunks(size: number): AsyncGenerator<T[]> {
    this.out.end();
    await finished(this.out);
    const input = createReadStream(join(this.folder, FILE));
    try {
      let chunk: T[] = [];
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        chunk.push(JSON.parse(line) as T);
        if (chunk.length === size) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    } finally {
      input.destroy();
    }
  }

  async remove(): Promise<void> {
    this.out.destroy();
    await rm(this.folder, { recursive: true, force: true });
  }
}
