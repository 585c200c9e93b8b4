// Builds the browser extension with esbuild and packages it: `dist/apps/extension/chromium/` and
// `firefox/` (unpacked, for --load-extension or about:debugging) and one zip of each, ready for
// the Chrome Web Store and addons.mozilla.org. `npm run build` runs it (`nx build extension`).
const { build } = require('esbuild');
const { zipSync } = require('fflate');
const {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const { join, relative, resolve } = require('node:path');

const root = join(__dirname, '..', '..');
const source = join(__dirname, 'src');

/**
 * Workspace libraries are plain modules without side effects, but esbuild cannot know that
 * without a package.json: say so, so each bundle keeps only what it uses (the content script and
 * the panel none of the proof code the same libraries export).
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

/** The prover bundles GPL-3.0 code (snarkjs and the iden3 libraries): say so, and where. */
const PROVER_NOTICE = `/*! Bridgenotes extension prover (AGPL-3.0-or-later). Bundles snarkjs 0.7.5, ffjavascript,
 fastfile, r1csfile, wasmbuilder, wasmcurves and @iden3/binfileutils, licensed under GPL-3.0
 (https://www.gnu.org/licenses/gpl-3.0.html); their sources: https://github.com/iden3. Other
 bundled licenses: prover.js.LEGAL.txt. */`;

/** The one difference between the two browsers' manifests: how the background script runs. */
const BACKGROUND = {
  chromium: { service_worker: 'background.js' },
  firefox: { scripts: ['background.js'] },
};

function filesUnder(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function buildExtension(outdir) {
  const bundles = join(outdir, 'bundles');
  rmSync(outdir, { recursive: true, force: true });
  const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8'));
  const common = {
    bundle: true,
    minify: true,
    legalComments: 'linked',
    platform: 'browser',
    format: 'iife',
    // The oldest browsers the manifest admits.
    target: [
      'es2020',
      `chrome${manifest.minimum_chrome_version}`,
      `firefox${parseInt(manifest.browser_specific_settings.gecko.strict_min_version, 10)}`,
    ],
    tsconfig: join(__dirname, 'tsconfig.app.json'),
    absWorkingDir: root,
    logLevel: 'warning',
    plugins: [workspaceWithoutSideEffects],
    // libs/client's Node-only helper (circuit files on disk) is never called in a browser.
    external: ['node:*'],
    outdir: bundles,
  };
  await build({
    ...common,
    entryPoints: {
      background: join(source, 'background.ts'),
      content: join(source, 'content', 'content.ts'),
      panel: join(source, 'panel', 'main.ts'),
      options: join(source, 'options', 'main.ts'),
    },
  });
  await build({
    ...common,
    entryPoints: { prover: join(source, 'prover', 'prover.worker.ts') },
    banner: { js: PROVER_NOTICE },
  });
  await build({
    ...common,
    entryPoints: {
      panel: join(source, 'panel', 'panel.css'),
      options: join(source, 'options', 'options.css'),
    },
  });
  for (const name of ['background.js', 'content.js', 'panel.js', 'options.js', 'prover.js']) {
    if (readFileSync(join(bundles, name), 'utf8').includes('node:')) {
      throw new Error(`${name} still needs a Node module: it would fail in a browser`);
    }
  }
  const sizes = {};
  for (const [browser, background] of Object.entries(BACKGROUND)) {
    const folder = join(outdir, browser);
    mkdirSync(folder, { recursive: true });
    cpSync(bundles, folder, { recursive: true });
    cpSync(join(source, 'panel', 'panel.html'), join(folder, 'panel.html'));
    cpSync(join(source, 'options', 'options.html'), join(folder, 'options.html'));
    const own = { ...manifest, background };
    if (browser === 'chromium') {
      delete own.browser_specific_settings;
      // At the extension's id, which is the same for every install, any page could frame the
      // panel to learn that the extension is installed: Chromium serves it at an address of the
      // session's only (runtime.getURL gives it to the content script); Chromium honours this
      // from 130, below the manifest's minimum. Firefox's ids are already one per install.
      own.web_accessible_resources = manifest.web_accessible_resources.map((entry) => ({
        ...entry,
        use_dynamic_url: true,
      }));
    } else {
      delete own.minimum_chrome_version;
    }
    writeFileSync(join(folder, 'manifest.json'), `${JSON.stringify(own, null, 2)}\n`);
    // Fixed dates: the same sources give the same zip.
    const entries = Object.fromEntries(
      filesUnder(folder).map((file) => [
        relative(folder, file).split('\\').join('/'),
        [readFileSync(file), { mtime: new Date('2026-01-01T00:00:00Z') }],
      ]),
    );
    const zip = zipSync(entries, { level: 9 });
    const zipPath = join(outdir, `bridgenotes-${browser}-${manifest.version}.zip`);
    writeFileSync(zipPath, zip);
    sizes[browser] = zip.length;
  }
  rmSync(bundles, { recursive: true, force: true });
  return sizes;
}

module.exports = { buildExtension };

if (require.main === module) {
  const outdir = resolve(root, process.argv[2] ?? 'dist/apps/extension');
  buildExtension(outdir).then(
    (sizes) =>
      console.log(
        `extension built in ${outdir}: ${Object.entries(sizes)
          .map(([browser, size]) => `${browser} zip ${Math.round(size / 1024)} KB`)
          .join(', ')}`,
      ),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
