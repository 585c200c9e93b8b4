import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BUDGETS, buildWidget, WidgetSizes } from '../build';

describe('widget bundles', () => {
  let outdir: string;
  let sizes: WidgetSizes;
  const read = (file: string) => readFileSync(join(outdir, file), 'utf8');

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'bridgenotes-widget-'));
    sizes = await buildWidget(outdir);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('keep the loader and the UI within their gzipped budgets', () => {
    expect(BUDGETS).toEqual({ loader: 3 * 1024, ui: 40 * 1024 });
    expect(sizes.loader).toBeLessThanOrEqual(BUDGETS.loader);
    expect(sizes.ui).toBeLessThanOrEqual(BUDGETS.ui);
  });

  it('leave the proof system out of the UI and put it in the prover', () => {
    for (const file of ['embed.js', 'frame.js']) {
      expect(read(file)).not.toMatch(/groth16|fullProve|wtns/);
    }
    expect(read('prover.js')).toMatch(/groth16/);
    // snarkjs is GPL-3.0 and says so nowhere in its code: the prover's banner does.
    expect(read('prover.js')).toMatch(/^\/\*! Bridgenotes prover worker[^]*snarkjs[^]*GPL-3\.0/);
  });

  it('never parse API data as markup in the UI', () => {
    expect(read('frame.js')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});
