import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readEnvironment } from './read-environment';

describe('readEnvironment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-environment-'));
  const file = join(dir, '.env');
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file, under the real environment', () => {
    writeFileSync(file, 'BN_FROM_FILE=file\nBN_IN_BOTH=file\n');
    process.env['BN_IN_BOTH'] = 'environment';
    const read = readEnvironment(file);
    expect(read['BN_FROM_FILE']).toBe('file');
    expect(read['BN_IN_BOTH']).toBe('environment');
    // The file is read, not loaded: the process's own environment is left as it was.
    expect(process.env['BN_FROM_FILE']).toBeUndefined();
  });

  it('is the real environment alone without a file', () => {
    process.env['BN_ONLY_ENV'] = 'environment';
    const read = readEnvironment(join(dir, 'missing.env'));
    expect(read['BN_ONLY_ENV']).toBe('environment');
    expect(read['BN_FROM_FILE']).toBeUndefined();
  });
});
