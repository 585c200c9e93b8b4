// Bundles the operator console for browsers with esbuild: `console.js` and `console.css`, which
// the API serves at /console (apps/api/src/app/console). The API's build calls it; `node
// libs/console/build.js <outdir>` runs it alone. It fails when the console outgrows its budget.
const { build } = require('esbuild');
const { readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { brotliCompressSync, constants, gzipSync } = require('node:zlib');

const root = join(__dirname, '..', '..');
const source = join(__dirname, 'src');

/**
 * Gzipped bytes of script and style together: a page a moderator opens on any connection. The
 * first build measured about 7 KB; the budget leaves room for a few more views, not a framework.
 */
const BUDGET = 16 * 1024;

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** `<file>.gz` and `<file>.br`, which the API sends as they are to clients that accept them. */
function precompress(file) {
  const bytes = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}

async function buildConsole(outdir) {
  await build({
    entryPoints: { console: join(source, 'main.ts') },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'iife',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    tsconfig: join(__dirname, 'tsconfig.lib.json'),
    absWorkingDir: root,
    logLevel: 'warning',
    outdir,
  });
  await build({
    entryPoints: { console: join(source, 'console.css') },
    bundle: true,
    minify: true,
    absWorkingDir: root,
    logLevel: 'warning',
    outdir,
  });
  const size = gzipped(join(outdir, 'console.js')) + gzipped(join(outdir, 'console.css'));
  for (const name of ['console.js', 'console.css']) precompress(join(outdir, name));
  if (size > BUDGET) {
    throw new Error(`The console is ${size} bytes gzipped, over its ${BUDGET}-byte budget`);
  }
  return size;
}

module.exports = { buildConsole, BUDGET };

if (require.main === module) {
  const outdir = resolve(root, process.argv[2] ?? 'dist/libs/console');
  buildConsole(outdir).then(
    (size) => console.log(`console built in ${outdir}: ${size} B gz (budget ${BUDGET})`),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
