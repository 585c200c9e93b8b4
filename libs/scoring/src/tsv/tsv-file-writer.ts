import { closeSync, openSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

/** Writes TSV rows through a 1 MB buffer with synchronous writes: simple, ordered, bounded memory. */
export class TsvFileWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(path: string, header: readonly string[]) {
    this.fd = openSync(path, 'w');
    this.row(header);
  }

  row(cells: readonly (string | number)[]): void {
    const line = cells.join('\t') + '\n';
    this.pending.push(line);
    this.pendingLength += line.length;
    if (this.pendingLength >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** Numbers as JavaScript's shortest round-trip decimal (identical on every machine), NaN empty. */
export function formatNumber(value: number): string {
  return Number.isNaN(value) ? '' : String(value);
}
