import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { BrowserContext, chromium, type Frame, type Locator } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); never a browser Playwright downloads. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Where the browser tests write their screenshots: the docs show the server pass's. The embedded
 * pass runs beside it (tools/scripts/test.mjs) and takes the same pictures, so it writes them to a
 * scratch folder: the two passes never write one file at once.
 */
export function screenshotFolder(...under: string[]): string {
  const folder =
    process.env['BRIDGENOTES_MODE'] === 'embedded'
      ? join(tmpdir(), 'bridgenotes-screenshots-embedded', ...under)
      : join(__dirname, '..', '..', '..', '..', 'docs', ...under);
  mkdirSync(folder, { recursive: true });
  return folder;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** More command-line switches (an extension to load, host mappings). */
  args?: string[];
  /** For pages served locally under a real site's name, with a certificate of the test's own. */
  ignoreHTTPSErrors?: boolean;
  /** The browser's language (`navigator.languages`, `Accept-Language`), e.g. `fr-FR`. */
  locale?: string;
}

/** A headless Chromium with a fresh profile, kept off the network beyond what a test opens. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'bridgenotes-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Playwright's own limit on the start is 30 s, which a busy machine (the console's seed
    // proving beside it) can outlast.
    timeout: PATIENCE_MS,
    viewport: { width: 760, height: 900 },
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
    ...(options.locale ? { locale: options.locale } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
  // Playwright's 30 s default would fail a proof made in the page on a busy machine: every wait
  // (a text appearing, a frame loading) gets the suites' common patience instead.
  context.setDefaultTimeout(PATIENCE_MS);
  context.setDefaultNavigationTimeout(PATIENCE_MS);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * In `frame`: true once its fonts are loaded, a frame was drawn since the call (the first
 * animation frame's callback runs before a paint, the second after it) and something in its body
 * is visible. Run by `paintedScreenshot` with `Frame.evaluate`, hence self-contained.
 */
async function paintedIn(): Promise<boolean> {
  await document.fonts.ready;
  // A frame the browser throttles draws no frame: not drawn yet, asked again (by `eventually`,
  // whose patience bounds the wait), rather than a wait that never ends.
  const drawn = await Promise.race([
    new Promise<boolean>((done) =>
      requestAnimationFrame(() => requestAnimationFrame(() => done(true))),
    ),
    new Promise<boolean>((done) => setTimeout(() => done(false), 2_000)),
  ]);
  if (!drawn) return false;
  return [...(document.body?.querySelectorAll('*') ?? [])].some((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true });
  });
}

/**
 * Screenshots `target` to `path` once what it shows is on screen: the docs' pictures of the
 * widget and the panel are of cross-origin frames, drawn by another renderer than the page's,
 * which a screenshot taken too early catches blank (docs/widget-ticket.png once was). It waits,
 * in the frame holding `target` and in every frame inside it, for the fonts, a drawn frame and a
 * visible element. And a target taller than the viewport makes it taller first: Playwright would
 * capture beyond the viewport (`captureBeyondViewport`), whose new size the frame's renderer has
 * not drawn at yet either (microsoft/playwright#40583); the viewport is put back afterwards.
 */
export async function paintedScreenshot(target: Locator, path: string): Promise<void> {
  const page = target.page();
  const viewport = page.viewportSize();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  // The viewport to put back, when made taller.
  const grown = viewport && box && box.height > viewport.height ? viewport : null;
  if (grown && box) await page.setViewportSize({ ...grown, height: Math.ceil(box.height) });
  try {
    const element = await target.elementHandle();
    const own = await element.ownerFrame();
    if (!own) throw new Error('the target is in no frame');
    const inside: Frame[] = [];
    for (const child of own.childFrames()) {
      const owner = await child.frameElement();
      // Across shadow roots too: a closed one may hold the frame.
      const within = await element.evaluate((outer, frameElement) => {
        for (let node: Node | null = frameElement; node;) {
          if (node === outer) return true;
          node = node instanceof ShadowRoot ? node.host : node.parentNode;
        }
        return false;
      }, owner);
      if (within) inside.push(child);
    }
    for (const frame of [own, ...inside]) {
      await eventually(async () => {
        if (!(await frame.evaluate(paintedIn))) throw new Error(`nothing drawn in ${frame.url()}`);
      });
    }
    await target.screenshot({ path });
  } finally {
    if (grown) await page.setViewportSize(grown);
  }
}
