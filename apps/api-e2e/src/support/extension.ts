// What the browser extension's end-to-end files share: Debian's Chromium with the built extension
// loaded, the extension's pages (settings, the panel on a page), and the rows each file inserts
// for itself (communities, notes). Each file starts its own API, proxy, pages and browser.
import { join } from 'node:path';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { type Browser, launchChromium } from './browser';
import {
  FAKE_POSTS,
  type FakePlatforms,
  type FakePost,
  startFakePlatforms,
} from './fake-platforms';
import { type RunningApp, startBuiltApi } from './processes';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy';

/** The unpacked Chromium build of the extension (`nx build extension`). */
const EXTENSION_FOLDER = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'dist',
  'apps',
  'extension',
  'chromium',
);

/**
 * What each extension file starts for itself: the built API behind a proxy that records what
 * the instance receives, the fake platforms' pages, the database, and Chromium with the
 * extension loaded.
 */
export interface ExtensionRig {
  api: RunningApp;
  apiUrl: string;
  proxy: RecordingProxy;
  platforms: FakePlatforms;
  database: Client;
  browser: Browser;
  extensionId: string;
}

export interface RigOptions {
  /** The API's environment beyond the test run's (an operator key). */
  env?: Record<string, string>;
  /** The pages served under the platforms' names (some name the proxy): FAKE_POSTS by default. */
  pages?: (proxyUrl: string) => FakePost[];
  /** Inserts the file's rows, while the API warms up. */
  seed: (database: Client) => Promise<void>;
}

/** Starts an ExtensionRig, once the API answers; what started is stopped again if a step fails. */
export async function startExtensionRig(options: RigOptions): Promise<ExtensionRig> {
  const rig: Partial<ExtensionRig> = {};
  try {
    Object.assign(rig, await startBuiltApi(options.env));
    const { api, apiUrl } = rig as ExtensionRig;
    const proxy = (rig.proxy = await startRecordingProxy(apiUrl));
    const platforms = (rig.platforms = await startFakePlatforms(
      options.pages?.(proxy.url) ?? FAKE_POSTS,
    ));
    rig.database = new Client({ connectionString: currentTestRun().databaseUrl });
    await rig.database.connect();
    await options.seed(rig.database);
    // The API warms its proof verifiers before it listens: tens of seconds on a loaded machine.
    await eventually(async () => {
      if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.output()}`);
      const response = await fetch(`${proxy.url}/health`);
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
    });
    rig.browser = await launchWithExtension(platforms.hostResolverRules);
    rig.extensionId = await extensionIdOf(rig.browser);
    return rig as ExtensionRig;
  } catch (error) {
    await stopExtensionRig(rig);
    throw error;
  }
}

/** Stops whatever of the rig started. */
export async function stopExtensionRig(rig: Partial<ExtensionRig> | undefined): Promise<void> {
  await rig?.browser?.close();
  if (rig?.api?.child.exitCode === null) rig.api.child.kill('SIGKILL');
  await rig?.proxy?.close();
  await rig?.platforms?.close();
  await rig?.database?.end();
}

/** A community of the test's own, inserted as the operator would create it. */
export interface TestCommunity {
  slug: string;
  id: string;
}

/**
 * Debian's Chromium with a fresh profile and the extension loaded; `hostResolverRules` sends the
 * platforms' names to the fake platforms' server.
 */
export const launchWithExtension = (hostResolverRules: string): Promise<Browser> =>
  launchChromium({
    ignoreHTTPSErrors: true,
    args: [
      `--disable-extensions-except=${EXTENSION_FOLDER}`,
      `--load-extension=${EXTENSION_FOLDER}`,
      `--host-resolver-rules=${hostResolverRules}`,
    ],
  });

/** The extension's id (the same in every profile: it comes from the folder it is loaded from). */
export async function extensionIdOf(browser: Browser): Promise<string> {
  const worker =
    browser.context.serviceWorkers()[0] ?? (await browser.context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}

/** The extension's settings page, in a new tab of `browser`. */
export async function openSettings(browser: Browser, extensionId: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  return page;
}

/** Follows `slug` of the instance at `instanceUrl` from the settings, as a reader types it. */
export async function followIn(
  settings: Page,
  instanceUrl: string,
  slug: string,
  name: string,
): Promise<void> {
  await settings.getByLabel('Instance address').fill(instanceUrl);
  await settings.getByLabel('Community').fill(slug);
  await settings.getByRole('button', { name: 'Follow', exact: true }).click();
  await settings.getByText(`Following ${name}.`).waitFor();
}

/** The panel's frame on the page: an extension page, inside a closed shadow root. */
export const panelOf = (page: Page, extensionId: string): Promise<Frame> =>
  eventually(async () => {
    const frame = page
      .frames()
      .find((candidate) =>
        candidate.url().startsWith(`chrome-extension://${extensionId}/panel.html`),
      );
    if (!frame) throw new Error('no panel yet');
    return frame;
  });

/** Inserts each community with its name and admission. */
export async function insertCommunities(
  database: Client,
  communities: (readonly [TestCommunity, string, string])[],
): Promise<void> {
  for (const [entry, name, admission] of communities) {
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())`,
      [entry.id, entry.slug, name, communityScope(entry.id).toString(), admission],
    );
  }
}

/** Inserts a note on the post (a misleading one, with a source), needing ratings; its id. */
export async function insertNote(
  database: Client,
  communityId: string,
  postId: string,
  text: string,
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
     VALUES (gen_random_uuid(), $1, $2, '7', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
             '{MISSING_IMPORTANT_CONTEXT}', $3, '{https://example.org/city/notice}') RETURNING id`,
    [communityId, postId, text],
  );
  return rows[0].id;
}

/** Publishes a note of the community as helpful, the way the scoring worker's publisher does. */
export async function publishHelpful(
  database: Client,
  communityId: string,
  noteId: string,
): Promise<void> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO scoring_runs (id, community_id, status, started_at, finished_at, note_count, rating_count)
     VALUES (gen_random_uuid(), $1, 'SUCCEEDED', now(), now(), 1, 9) RETURNING id`,
    [communityId],
  );
  const score = {
    status: 'CURRENTLY_RATED_HELPFUL',
    negativeFactorRaters: { raters: 5, helpful: 4 },
    positiveFactorRaters: { raters: 4, helpful: 3 },
  };
  await database.query(
    `UPDATE notes SET status = 'CURRENTLY_RATED_HELPFUL', score = $2::jsonb, scored_run_id = $3 WHERE id = $1`,
    [noteId, JSON.stringify(score), rows[0].id],
  );
}

/**
 * The post a fake platform page shows, as a lookup finds it: inserted, or the one another file
 * of the run inserted already (a post is one row per platform id or canonical URL); its id.
 */
export async function insertPost(
  database: Client,
  key: { canonicalUrl: string } | { platform: string; externalId: string },
): Promise<string> {
  const [column, values] =
    'canonicalUrl' in key
      ? ['canonical_url = $1', [key.canonicalUrl]]
      : ['platform = $1 AND external_id = $2', [key.platform, key.externalId]];
  await database.query(
    'canonicalUrl' in key
      ? `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) ON CONFLICT DO NOTHING`
      : `INSERT INTO posts (id, platform, external_id) VALUES (gen_random_uuid(), $1, $2) ON CONFLICT DO NOTHING`,
    values,
  );
  const { rows } = await database.query<{ id: string }>(
    `SELECT id FROM posts WHERE ${column}`,
    values,
  );
  return rows[0].id;
}
