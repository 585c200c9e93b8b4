// Bundles the widget for browsers with esbuild: the loader (`embed.js`), the frame's UI
// (`frame.js`, `frame.css`) and the prover Web Worker (`prover.js`, snarkjs included). The API's
// build calls it to put the files beside its bundle; `node libs/widget/build.js <outdir>` runs it
// alone. It fails when the loader or the UI outgrows its gzipped budget.
const { build } = require('esbuild');
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { brotliCompressSync, constants, gzipSync } = require('node:zlib');

const root = join(__dirname, '..', '..');
const source = join(__dirname, 'src');

/** Gzipped bytes a browser may download before a reader sees anything. */
const BUDGETS = { loader: 3 * 1024, ui: 40 * 1024 };

/**
 * Workspace libraries are plain modules without side effects, but esbuild cannot know that
 * without a package.json: say so, so the UI keeps only the helpers it uses (and none of the
 * proof code the same libraries export).
 */
const workspaceWithoutSideEffects = {
  name: 'workspace-without-side-effects',
  setup(plugin) {
    plugin.onResolve({ filter: /^@bridgenotes\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const resolved = await plugin.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * The prover bundles GPL-3.0 code (snarkjs and the iden3 libraries under it), which carry no
 * license comment of their own: whoever downloads the file learns it here, with where the
 * sources are (GPL §6). Bridgenotes itself is AGPL-3.0-or-later.
 */
const PROVER_NOTICE = `/*! Bridgenotes prover worker (AGPL-3.0-or-later). Bundles snarkjs 0.7.5, ffjavascript,
 fastfile, r1csfile, wasmbuilder, wasmcurves and @iden3/binfileutils, licensed under GPL-3.0
 (https://www.gnu.org/licenses/gpl-3.0.html); their sources: https://github.com/iden3. Other
 bundled licenses: prover.js.LEGAL.txt. */`;

const gzipped = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/**
 * Writes `<output>.gz` and `<output>.br` (`output` defaults to the file itself), which the API sends as they are to clients
 * that accept them (no compression per request). Skipped when both are newer than the file.
 * Brotli quality 11 suits the bundles; the circuit files take quality 5, which measured within
 * 1–3 % of 11 at a twentieth to a sixtieth of its time (the 3.9 MB zkey: 0.8 s against 46 s).
 */
function precompress(file, brotliQuality = 11, output = file) {
  const modified = statSync(file).mtimeMs;
  const fresh = (copy) => {
    try {
      return statSync(copy).mtimeMs >= modified;
    } catch {
      return false;
    }
  };
  if (fresh(`${output}.gz`) && fresh(`${output}.br`)) return;
  const bytes = readFileSync(file);
  writeFileSync(`${output}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${output}.br`,
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: brotliQuality,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
}

/** The bundles the API serves, each with its precompressed copies. */
const BUNDLE_FILES = ['embed.js', 'frame.js', 'frame.css', 'prover.js', 'prover.js.LEGAL.txt'];

async function buildWidget(outdir) {
  const common = {
    bundle: true,
    minify: true,
    legalComments: 'linked',
    platform: 'browser',
    format: 'iife',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    tsconfig: join(__dirname, 'tsconfig.lib.json'),
    absWorkingDir: root,
    logLevel: 'warning',
    plugins: [workspaceWithoutSideEffects],
    // libs/client's Node-only helper (circuit files on disk) is never called in a browser.
    external: ['node:*'],
  };
  await build({
    ...common,
    entryPoints: { embed: join(source, 'embed.ts'), frame: join(source, 'frame', 'main.ts') },
    outdir,
  });
  await build({
    ...common,
    entryPoints: { prover: join(source, 'prover', 'prover.worker.ts') },
    banner: { js: PROVER_NOTICE },
    outdir,
  });
  await build({
    ...common,
    entryPoints: { frame: join(source, 'frame', 'frame.css') },
    outdir,
  });
  for (const name of ['embed.js', 'frame.js', 'prover.js']) {
    if (readFileSync(join(outdir, name), 'utf8').includes('node:')) {
      throw new Error(`${name} still needs a Node module: it would fail in a browser`);
    }
  }
  const sizes = {
    loader: gzipped(join(outdir, 'embed.js')),
    ui: gzipped(join(outdir, 'frame.js')) + gzipped(join(outdir, 'frame.css')),
    prover: gzipped(join(outdir, 'prover.js')),
  };
  for (const name of BUNDLE_FILES) precompress(join(outdir, name));
  for (const part of Object.keys(BUDGETS)) {
    if (sizes[part] > BUDGETS[part]) {
      throw new Error(
        `The widget's ${part} is ${sizes[part]} bytes gzipped, over its ${BUDGETS[part]}-byte budget`,
      );
    }
  }
  return sizes;
}

module.exports = { buildWidget, BUDGETS, BUNDLE_FILES, precompress };

if (require.main === module) {
  const outdir = resolve(root, process.argv[2] ?? 'dist/libs/widget');
  buildWidget(outdir).then(
    (sizes) =>
      console.log(
        `widget built in ${outdir}: loader ${sizes.loader} B gz (budget ${BUDGETS.loader}), ` +
          `UI ${sizes.ui} B gz (budget ${BUDGETS.ui}), prover ${sizes.prover} B gz`,
      ),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
