import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Page } from 'playwright-core';

import { currentTestRun } from '@bridgenotes/testing';
import { seriousViolations, tabTo } from './support/accessibility';
import { Browser, launchChromium } from './support/browser';
import { callApi, untilReady } from './support/http';
import { freePort, RunningApp, startBuiltApp } from './support/processes';

const ROOT = join(__dirname, '..', '..', '..');
const docs = join(ROOT, 'docs', 'console');
const OPERATOR_KEY = 'e2e-console-operator-key';

/** `npm run db:seed` against this run's database: the demo community, proven and scored. */
async function seedDemo(databaseUrl: string): Promise<void> {
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['prisma/seed.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
  });
}

/**
 * The operator console in Debian's Chromium, against the built API as a process and the seeded
 * demo community (real proofs, scored by the worker's own scorer): signing in, the scoring and
 * members views with their plots, creating and configuring a community; an axe-core audit of
 * each view; the screenshots in docs/console/ come from here.
 */
describe('operator console', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const created = `k-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await seedDemo(run.databaseUrl);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = startBuiltApp('api', {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: run.queuePrefix,
      PORT: String(port),
      OPERATOR_API_KEY_SHA256: createHash('sha256').update(OPERATOR_KEY).digest('hex'),
    });
    await untilReady(baseUrl);
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGTERM');
    await api?.exited;
  });

  async function audit(name: string): Promise<void> {
    expect(await seriousViolations(page.mainFrame())).toEqual([]);
    await page.screenshot({ path: join(docs, `${name}.png`), fullPage: true });
  }

  async function open(section: string): Promise<void> {
    await page.getByRole('button', { name: section, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: section }).waitFor();
  }

  it('refuses a wrong key with its code and keeps nothing of it', async () => {
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl)) blocked.push(request.url());
    });
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Key').waitFor();
    await audit('sign-in');
    await page.getByLabel('Key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'OPERATOR_KEY_INVALID' }).waitFor();
    await page.getByLabel('Key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(blocked).toEqual([]);
  });

  it('signs the operator in by keyboard and shows how bridging scored the demo', async () => {
    await page.getByLabel('Key').waitFor();
    await tabTo(page, page.getByLabel('Key'));
    await page.keyboard.type(OPERATOR_KEY);
    await page.keyboard.press('Enter');
    await page.getByLabel('Community').selectOption('demo');
    await open('Scoring');
    const plane = page.getByRole('img', { name: /^Notes by intercept and factor/ });
    await plane.waitFor();
    // The demo's notes were scored by two real runs: every point and both thresholds are drawn.
    const overview = await callApi(
      baseUrl,
      'GET',
      '/communities/demo/overview',
      undefined,
      OPERATOR_KEY,
    );
    expect(overview.notes.length).toBeGreaterThan(0);
    expect(await plane.locator('circle.dot').count()).toBe(overview.notes.length);
    expect(await plane.locator('path.threshold').count()).toBe(2);
    const histogram = page.getByRole('img', { name: /^Raters' factors/ });
    expect(await histogram.locator('rect.bar').count()).toBe(overview.raterFactors.counts.length);
    expect(overview.raterFactors.counts.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(
      0,
    );
    await page
      .getByRole('table', { name: 'Scoring runs, newest first' })
      .getByText('SUCCEEDED')
      .first()
      .waitFor();
    expect(
      await page
        .getByRole('table', { name: 'Scoring runs, newest first' })
        .locator('tbody tr')
        .count(),
    ).toBe(2);
    await audit('scoring');

    await open('Members');
    await page.getByText(`${overview.memberCount} current members`).waitFor();
    await page.getByRole('img', { name: /^Growth/ }).waitFor();
    await audit('members');
  });

  it('creates a community, sets its admission and embed origins, and issues invites', async () => {
    await open('Communities');
    const create = page.getByRole('form', { name: 'Create a community' });
    await create.getByLabel('Slug').fill(created);
    await create.getByLabel('Name').fill('Console test');
    await create.getByLabel('Admission').selectOption('OPEN');
    await create.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Community ${created} created` })
      .waitFor();

    const settings = page.getByRole('form', { name: `Settings of ${created}` });
    await settings.getByLabel('Admission').selectOption('INVITE');
    await settings
      .getByLabel('Embed origins')
      .fill('https://news.example.com\nhttps://blog.example.org');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Settings of ${created} saved` })
      .waitFor();
    expect(await callApi(baseUrl, 'GET', `/communities/${created}`)).toMatchObject({
      admission: 'INVITE',
      embedOrigins: ['https://news.example.com', 'https://blog.example.org'],
    });

    // A bad origin is the API's refusal, shown with its code; nothing changes.
    await settings.getByLabel('Embed origins').fill('news.example.com/path');
    await settings.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'VALIDATION_FAILED' }).waitFor();
    expect((await callApi(baseUrl, 'GET', `/communities/${created}`)).embedOrigins).toHaveLength(2);

    const invites = page.getByRole('form', { name: 'Invite codes' });
    await invites.getByLabel('How many').fill('2');
    await invites.getByRole('button', { name: 'Issue' }).click();
    await invites.locator('output code').nth(1).waitFor();
    await audit('communities');
  });
});
