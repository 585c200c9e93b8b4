// `nx run cli:build`: the `bridgenotes` CLI compiled for Node with esbuild into dist/apps/cli, to
// run as `node dist/apps/cli/main.js <command>`. `npm run bridgenotes` runs the sources through
// tsx, which compiles them at every start (about half a CPU-second a start, cached or not); the
// end-to-end suites, which start the CLI dozens of times, run this build instead (the e2e
// project builds it, as it builds the apps). Like the apps' webpack bundles, it bundles the
// workspace libraries and leaves the npm packages to load from node_modules at run time; the
// commands still load only their own module (esbuild keeps `import()` lazy).
//
// The CLI's worker threads start from files beside the bundle (`__dirname`), as in the apps:
// the join work's solver and scoring's thread entry are bundled as entries of their own, and the
// proof verifier's plain-JavaScript thread (the verify command's) is copied with its verifier.
const { build } = require('esbuild');
const { copyFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const outdir = join(root, 'dist', 'apps', 'cli');

async function main() {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: {
      main: join(__dirname, 'src', 'main.ts'),
      'join-work.worker': join(__dirname, 'src', 'join-work.worker.ts'),
      'scoring-thread.worker': join(root, 'libs/scoring/src/parallel/scoring-thread.worker.ts'),
    },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.base.json'),
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const file of ['proof-verifier.worker.js', 'semaphore-verifier.js']) {
    copyFileSync(join(root, 'libs/protocol/src/lib', file), join(outdir, file));
  }
  console.log(`cli: built in ${outdir}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
