import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Client } from 'pg';

import { currentTestRun } from '@bridgenotes/testing';
import { findSchemaDrift } from './schema-drift';

const schema = readFileSync(join(__dirname, '../../../../prisma/schema.prisma'), 'utf8');

describe('prisma/schema.prisma and prisma/migrations', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: currentTestRun().databaseUrl });
    await client.connect();
  });

  afterAll(() => client.end());

  it('describe the same database', async () => {
    expect(await findSchemaDrift(schema, client)).toEqual([]);
  });

  it('are told apart when a migration and the schema disagree', async () => {
    // The detector must see drift; do it in a transaction that is always rolled back.
    await client.query('BEGIN');
    try {
      await client.query('ALTER TABLE posts ALTER COLUMN platform TYPE VARCHAR(32)');
      await client.query('ALTER TABLE notes ADD COLUMN stray INTEGER');
      await client.query('ALTER TYPE "NoteStatus" ADD VALUE \'EXTRA\'');
      await client.query('DROP INDEX notes_post_id_idx');
      expect(await findSchemaDrift(schema, client)).toEqual(
        expect.arrayContaining([
          'column posts.platform has length 32, schema says 64',
          'column notes.stray is not in the schema',
          expect.stringMatching(/^enum NoteStatus is \[.*EXTRA\]/),
          'index notes(post_id) is missing',
        ]),
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
