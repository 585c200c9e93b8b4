// `npm run db:embedded -- --data-dir data [--port 5433] [--reset] [--max-connections 100]
// [--long-hold-ms 5000]`:
// serves the embedded database (PGlite) on a loopback port until stopped; without --data-dir it
// lives in memory and is gone at exit, started from `--cluster-dump <file>` if given (a dump
// PGlite made: the tests' migrated cluster, instead of initdb and every migration). `npm start` runs it in embedded mode; on its own it lets
// psql or `npm run db:copy` reach the data while the apps are stopped. It prints a line whenever
// one client held the session --long-hold-ms or longer, with how many waited behind it.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { startEmbeddedDatabase, wipeEmbeddedData } from '../lib/embedded-database';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      reset: { type: 'boolean', default: false },
      'max-connections': { type: 'string', default: '100' },
      'long-hold-ms': { type: 'string', default: '5000' },
      'cluster-dump': { type: 'string' },
    },
  });
  const dataDir = values['data-dir'];
  const clusterDump = values['cluster-dump'];
  if (dataDir && clusterDump) throw new Error('--cluster-dump starts a database in memory only');
  if (values.reset && dataDir) wipeEmbeddedData(dataDir);
  const database = await startEmbeddedDatabase({
    ...(dataDir ? { dataDir } : {}),
    ...(clusterDump ? { clusterDump: new Blob([readFileSync(clusterDump)]) } : {}),
    port: Number(values.port),
    maxConnections: Number(values['max-connections']),
    // What made requests wait (docs/operations.md): often, the instance outgrows embedded mode.
    longHoldMs: Number(values['long-hold-ms']),
    onLongHold: ({ heldMs, waiting, longestWaitMs }) =>
      console.log(
        `one client held the session ${(heldMs / 1000).toFixed(1)} s; ${waiting} waiting for it` +
          (waiting > 0 ? `, the longest ${(longestWaitMs / 1000).toFixed(1)} s` : ''),
      ),
  });
  // One line a parent process (npm start) waits for; people read the same line.
  console.log(`ready ${database.url}`);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= database.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`could not stop cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Started by another Node process (npm start) with an IPC channel: stop when that process is
  // gone, however it ended, so the data folder is never left locked by an orphan.
  if (process.connected) process.on('disconnect', stop);
}

main().catch((error: Error) => {
  console.error(error.name === 'DataFolderInUseError' ? error.message : error);
  process.exit(1);
});
