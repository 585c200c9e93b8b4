import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

const NEWLINE = 0x0a;

/** One line of a file, without its newline, and where it starts. */
export interface FileLine {
  text: Buffer;
  offset: number;
}

/**
 * The lines of a file from byte `start`, read in chunks as they are needed: one line is the most
 * ever held beyond the chunk. `onChunk` sees every byte read (to hash the file as it passes).
 */
export async function* fileLines(
  path: string,
  start = 0,
  onChunk?: (chunk: Buffer) => void,
): AsyncGenerator<FileLine> {
  let pending: Buffer[] = [];
  let lineStart = start;
  let position = start;
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1 << 20 })) {
    const bytes = chunk as Buffer;
    onChunk?.(bytes);
    let from = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, from)) {
      pending.push(bytes.subarray(from, end));
      yield { text: Buffer.concat(pending), offset: lineStart };
      pending = [];
      from = end + 1;
      lineStart = position + from;
    }
    if (from < bytes.length) pending.push(bytes.subarray(from));
    position += bytes.length;
  }
  if (pending.length > 0) yield { text: Buffer.concat(pending), offset: lineStart };
}

/** Reads the lines at the given places of a file (offset and length each), in that order. */
export async function linesAt(
  path: string,
  places: readonly { offset: number; length: number }[],
): Promise<Buffer[]> {
  const file = await open(path, 'r');
  try {
    const lines: Buffer[] = [];
    for (const { offset, length } of places) {
      const line = Buffer.alloc(length);
      const { bytesRead } = await file.read(line, 0, length, offset);
      if (bytesRead !== length) throw new Error(`${path} is shorter than when it was checked`);
      lines.push(line);
    }
    return lines;
  } finally {
    await file.close();
  }
}
