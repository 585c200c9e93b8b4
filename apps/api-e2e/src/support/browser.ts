import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PATIENCE_MS } from '@bridgenotes/testing';
import { BrowserContext, chromium } from 'playwright-core';

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
