// `npm run db:embedded -- --data-dir data [--port 5433] [--reset] [--max-connections 100]`:
// serves the embedded database (PGlite) on a loopback port until stopped; without --data-dir it
// lives in memory and is gone at exit. `npm start` runs it in embedded mode; on its own it lets
// psql or `npm run db:copy` reach the data while the apps are stopped.
import { parseArgs } from 'node:util';

import { startEmbeddedDatabase, wipeEmbeddedData } from '../lib/embedded-database';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '0' },
      reset: { type: 'boolean', default: false },
      'max-connections': { type: 'string', default: '100' },
    },
  });
  const dataDir = values['data-dir'];
  if (values.reset && dataDir) wipeEmbeddedData(dataDir);
  const database = await startEmbeddedDatabase({
    ...(dataDir ? { dataDir } : {}),
    port: Number(values.port),
    maxConnections: Number(values['max-connections']),
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
