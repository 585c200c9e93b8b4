// `npm run db:copy -- (--to <postgresql URL> | --to-data-dir <folder>) [--from <postgresql URL> |
// --data-dir data]`: moves a Bridgenotes instance's data to another PostgreSQL database, typically
// from the embedded mode to a server. Without --from it opens the embedded database in the data
// folder itself (stop `npm start` first: the folder is locked while it runs). --to-data-dir copies
// into a new embedded database in that folder instead: the embedded mode's backup, a logical copy
// that, unlike a copy of the folder's files, holds no deleted rows and no WAL (the order in which
// recent writes arrived: docs/threat-model.md). The target must hold no data yet; it is created and
// migrated if needed. Queue contents are not copied: what was pending is picked up again on the
// target (see FINISH).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { readEnvironment } from '../../libs/config/src/lib/read-environment';
import { copyDatabase } from '../../libs/database/src/lib/copy-database';
import {
  EmbeddedDatabase,
  startEmbeddedDatabase,
} from '../../libs/embedded/src/lib/embedded-database';

/**
 * This tool writes every table (it copies a whole instance), so these statements live here rather
 * than in the tables' stores, which need a running Nest application; they run in the copy's own
 * transaction, so the target never holds a half-finished copy.
 *
 * Jobs lived in the source's queues and do not move: webhook deliveries neither made nor given up
 * (after their last attempt) go back to the outbox, so the target's worker enqueues them again; runs that had not finished are closed
 * as failed (the next rescoring, hourly by default, takes over); no scoring lease survives.
 */
const FINISH = `
  UPDATE webhook_deliveries SET enqueued_at = NULL
   WHERE delivered_at IS NULL AND gave_up_at IS NULL;
  UPDATE scoring_runs SET status = 'FAILED', finished_at = now(),
         error_code = 'COPIED_UNFINISHED'
   WHERE status IN ('QUEUED', 'RUNNING');
  UPDATE communities
     SET scoring_lease_until = NULL, scoring_lease_owner = NULL, scoring_lease_token = NULL
   WHERE scoring_lease_owner IS NOT NULL;`;

function sameFolder(a: string, b: string): boolean {
  const real = (folder: string) => (existsSync(folder) ? realpathSync(folder) : folder);
  if (real(a) === real(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      'data-dir': { type: 'string' },
      'to-data-dir': { type: 'string' },
    },
  });
  if (!values.to === !values['to-data-dir']) {
    throw new Error('one of --to <postgresql URL> or --to-data-dir <folder> is required');
  }
  const fromDir = resolve(
    values['data-dir'] ?? readEnvironment()['BRIDGENOTES_DATA_DIR'] ?? 'data',
  );
  const toDir = values['to-data-dir'] && resolve(values['to-data-dir']);
  // Through a symbolic link or a case-insensitive disk, one folder has several names.
  if (!values.from && toDir && sameFolder(toDir, fromDir)) {
    throw new Error('--to-data-dir is the source folder');
  }
  const embedded = values.from ? undefined : await startEmbeddedDatabase({ dataDir: fromDir });
  let target: EmbeddedDatabase | undefined;
  try {
    if (toDir) target = await startEmbeddedDatabase({ dataDir: toDir });
    const copied = await copyDatabase({
      from: values.from ?? (embedded?.url as string),
      to: values.to ?? (target?.url as string),
      migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
      finish: FINISH,
      log: (line) => console.log(line),
    });
    const rows = Object.values(copied).reduce((sum, count) => sum + count, 0);
    console.log(
      toDir
        ? `copied ${rows} rows into ${toDir}; start it with BRIDGENOTES_DATA_DIR=${toDir}`
        : `copied ${rows} rows; set DATABASE_URL to the target to use it`,
    );
  } finally {
    await target?.stop();
    await embedded?.stop();
  }
}

main().catch((error: Error) => {
  console.error(`copy failed: ${error.message}`);
  process.exit(1);
});
