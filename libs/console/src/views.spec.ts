// The console's views in Debian's Chromium against a stand-in API (each request answered from the
// test's table, none leaves the browser): what a failed read shows, and where keyboard focus goes
// after paging and after an action. Fast enough to run beside the unit specs: no API is built.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Browser, chromium, type Page } from 'playwright-core';

import { buildConsole } from '../build';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ORIGIN = 'http://console.test';
/** Playwright's own limit on a wait: a busy machine's, not a test's pace (jest's bounds the test). */
const PATIENCE_MS = 5 * 60_000;

interface Answer {
  status?: number;
  body?: unknown;
}

const community = {
  slug: 'demo',
  name: 'Demo',
  admission: 'INVITE',
  treeSize: 3,
  embedOrigins: [],
  members: 3,
  proofMinMembers: 2,
  proofMinMembersSource: 'instance',
};
const refused: Answer = { status: 503, body: { code: 'UNAVAILABLE', message: 'try later' } };
const note = (id: string) => ({
  note: {
    id,
    postUrl: null,
    text: `Note ${id} text`,
    sources: [],
    status: 'NEEDS_MORE_RATINGS',
    authorPseudonym: `p-${id}`,
    authorBlocked: false,
  },
  reportCount: 1,
  reasons: { SPAM: 1 },
  texts: [],
  lastDay: '2026-12-07',
});
const entry = (seq: number) => ({
  seq,
  action: 'HIDE',
  target: `n${seq}`,
  reasonCode: 'SPAM',
  moderatorKeyId: 'operator',
  day: '2026-12-07',
  hash: 'ab'.repeat(32),
});
const key = (id: string, label: string) => ({
  id,
  label,
  createdDay: '2026-12-07',
  revoked: false,
});

/** Answers by `METHOD path?query`: a list is answered in turn, its last answer from then on. */
type Routes = Record<string, Answer | Answer[]>;

const baseRoutes: Routes = {
  'GET /operator/session': { body: {} },
  'GET /communities?limit=100': { body: { items: [community], nextCursor: null } },
  'GET /communities/demo': { body: community },
  'GET /communities/demo/moderation/reports': { body: { items: [], nextCursor: null } },
  'GET /communities/demo/moderation/log?order=newest&limit=50': {
    body: { items: [], nextBefore: null },
  },
  'GET /communities/demo/moderator-keys': { body: [] },
};

let script: string;
let outdir: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'bridgenotes-console-views-'));
  await buildConsole(outdir);
  script = readFileSync(join(outdir, 'console.js'), 'utf8');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: PATIENCE_MS,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(outdir, { recursive: true, force: true });
});

afterEach(async () => {
  await page?.close();
});

/** Opens the console signed in with the operator key, on the section `view`, the API as `routes`. */
async function open(routes: Routes, view?: string): Promise<void> {
  const table: Routes = { ...baseRoutes, ...routes };
  page = await browser.newPage();
  page.setDefaultTimeout(PATIENCE_MS);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.addInitScript(() => sessionStorage.setItem('bridgenotes.console.key', 'operator'));
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/console') {
      return route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><main id="console"></main><script src="/console.js"></script>',
      });
    }
    if (url.pathname === '/console.js') {
      return route.fulfill({ contentType: 'text/javascript', body: script });
    }
    const answers = table[`${route.request().method()} ${url.pathname}${url.search}`];
    const answer = Array.isArray(answers) && answers.length > 1 ? answers.shift() : answers;
    const { status = 200, body } = (Array.isArray(answer) ? answer[0] : answer) ?? {
      status: 404,
      body: { code: 'NOT_FOUND', message: url.pathname },
    };
    return route.fulfill({
      status,
      contentType: 'application/json',
      body: body === undefined ? '' : JSON.stringify(body),
    });
  });
  await page.goto(`${ORIGIN}/console`);
  if (view) await page.getByRole('button', { name: view, exact: true }).click();
  await shown(view ?? 'Moderation');
}

/** Waits for the view drawn whole: its section replaces "Loading…" once every read has ended. */
async function shown(view: string): Promise<void> {
  await page.locator('.view > section h2', { hasText: view }).waitFor();
}

const viewText = () => page.locator('.view').innerText();
const status = () => page.locator('[role="status"]').innerText();
/** The focused element: its tag and its label or text. */
const focused = () =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element
      ? `${element.tagName} ${element.getAttribute('aria-label') ?? element.textContent}`
      : '';
  });

describe('a failed read says so where its data would be, and reads again', () => {
  it('the moderation log, then read again, focused', async () => {
    await open({
      'GET /communities/demo/moderation/log?order=newest&limit=50': [
        refused,
        { body: { items: [entry(7)], nextBefore: null } },
      ],
    });
    expect(await viewText()).toContain('The moderation log could not be loaded.');
    expect(await page.getByText('Public moderation log (newest first)').count()).toBe(0);
    expect(await status()).toBe('UNAVAILABLE: try later');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByText('Public moderation log (newest first)').waitFor();
    expect(await viewText()).not.toContain('could not be loaded');
    expect(await page.locator('.log tbody tr').count()).toBe(1);
    expect(await focused()).toMatch(/^DIV Public moderation log/);
  });

  it('the reports, with a button to read them again', async () => {
    await open({
      'GET /communities/demo/moderation/reports': [
        refused,
        { body: { items: [note('n1')], nextCursor: null } },
      ],
    });
    expect(await viewText()).toContain('The reports could not be loaded.');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('article', { name: 'Reported note n1' }).waitFor();
    expect(await viewText()).not.toContain('could not be loaded');
  });

  it('the scoring runs and the overview, never an empty table', async () => {
    await open(
      {
        'GET /communities/demo/scoring-runs?limit=20': [refused, { body: { items: [] } }],
        'GET /communities/demo/overview': refused,
      },
      'Scoring',
    );
    const text = await viewText();
    expect(text).toContain('The overview could not be loaded.');
    expect(text).toContain('The scoring runs could not be loaded.');
    expect(await page.getByText('Scoring runs, newest first').count()).toBe(0);
    await page.getByRole('button', { name: 'Try again' }).nth(1).click();
    await page.getByText('Scoring runs, newest first').waitFor();
    expect(await viewText()).toContain('The overview could not be loaded.');
  });

  it("the members' overview", async () => {
    await open({ 'GET /communities/demo/overview': refused }, 'Members');
    expect(await viewText()).toContain('The overview could not be loaded.');
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
  });

  it('the moderator keys, never an empty list that hides a key to revoke', async () => {
    await open(
      { 'GET /communities/demo/moderator-keys': [refused, { body: [key('m1', 'Alice')] }] },
      'Communities',
    );
    expect(await viewText()).toContain('The moderator keys could not be loaded.');
    expect(await page.getByText('Moderator keys of this community').count()).toBe(0);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Revoke Alice' }).waitFor();
  });
});

describe('keyboard focus', () => {
  it("goes to the next page's first report after More reports", async () => {
    await open({
      'GET /communities/demo/moderation/reports': {
        body: { items: [note('n1')], nextCursor: 'c2' },
      },
      'GET /communities/demo/moderation/reports?cursor=c2': [
        refused,
        { body: { items: [note('n2')], nextCursor: null } },
      ],
    });
    const more = page.getByRole('button', { name: 'More reports' });
    await more.focus();
    await page.keyboard.press('Enter');
    // A failed page keeps the button, and focus on it, to ask again.
    await page.waitForFunction(() =>
      document.querySelector('[role="status"]')?.textContent?.startsWith('UNAVAILABLE'),
    );
    await page.waitForFunction(() => !document.activeElement?.hasAttribute('aria-disabled'));
    expect(await focused()).toBe('BUTTON More reports');
    await page.keyboard.press('Enter');
    await page.getByRole('article', { name: 'Reported note n2' }).waitFor();
    expect(await focused()).toBe('ARTICLE Reported note n2');
    expect(await more.count()).toBe(0);
  });

  it("goes to the older page's first entry after Older entries", async () => {
    await open({
      'GET /communities/demo/moderation/log?order=newest&limit=50': {
        body: { items: [entry(9)], nextBefore: 9 },
      },
      'GET /communities/demo/moderation/log?order=newest&limit=50&before=9': {
        body: { items: [entry(8)], nextBefore: null },
      },
    });
    await page.getByRole('button', { name: 'Older entries' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.log tbody tr').nth(1).waitFor();
    expect(await focused()).toMatch(/^TR 8/);
  });

  it("goes to the view's heading after a moderation action, not the top of the page", async () => {
    await open({
      'GET /communities/demo/moderation/reports': [
        { body: { items: [note('n1')], nextCursor: null } },
        { body: { items: [], nextCursor: null } },
      ],
      'POST /communities/demo/moderation/actions': { body: {} },
    });
    await page
      .getByRole('article', { name: 'Reported note n1' })
      .getByRole('button', { name: 'Dismiss' })
      .click();
    await page.getByText('DISMISS recorded in the public log').waitFor();
    expect(await focused()).toBe('H2 Moderation');
  });

  it('goes back to the note acted on while it is still in the queue', async () => {
    await open({
      'GET /communities/demo/moderation/reports': {
        body: { items: [note('n1'), note('n2')], nextCursor: null },
      },
      'POST /communities/demo/moderation/actions': { body: {} },
    });
    const second = page.getByRole('article', { name: 'Reported note n2' });
    await second.getByRole('combobox', { name: 'Action' }).selectOption('BLOCK');
    await second.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('BLOCK recorded in the public log').waitFor();
    expect(await focused()).toBe('ARTICLE Reported note n2');
  });

  it("goes back to the form's heading after settings are saved", async () => {
    await open({ 'PATCH /communities/demo': { body: community } }, 'Communities');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings of demo saved').waitFor();
    expect(await focused()).toBe('H3 Settings of demo');
  });
});

describe('keyboard focus after a change of members', () => {
  it("goes back to the form's heading, the outcome beside it", async () => {
    const commitment = '12345';
    await open(
      {
        'GET /communities/demo/group/leaves': { body: { leaves: [] } },
        'POST /communities/demo/members/batch': { body: { leafIndex: 3, root: '1', size: 4 } },
      },
      'Communities',
    );
    await page.getByLabel('Identity commitments').fill(commitment);
    await page.getByRole('button', { name: 'Add members' }).click();
    await page.getByText('1 added, 0 already members').waitFor();
    expect(await focused()).toBe('H3 Members');
    expect(await page.locator('#members-outcome').innerText()).toContain(commitment);
  });
});

describe('moderator keys', () => {
  it("a key issued gets its row and Revoke button at once, its secret kept; a revoked one's row takes focus", async () => {
    await open(
      {
        'GET /communities/demo/moderator-keys': { body: [key('m1', 'Alice')] },
        'POST /communities/demo/moderator-keys': {
          body: { ...key('m2', 'Bob'), secret: 'bnm_secret' },
        },
        'DELETE /communities/demo/moderator-keys/m1': { status: 204 },
      },
      'Communities',
    );
    await page.getByLabel('Label').fill('Bob');
    await page.getByRole('button', { name: 'Issue a moderator key' }).click();
    await page.getByText('Moderator key issued').waitFor();
    expect(await page.getByRole('button', { name: 'Revoke Bob' }).count()).toBe(1);
    expect(await page.locator('code.secret').innerText()).toBe('bnm_secret');
    await page.getByRole('button', { name: 'Revoke Alice' }).click();
    await page.getByText('Key m1 revoked').waitFor();
    expect(await page.getByRole('button', { name: 'Revoke Alice' }).count()).toBe(0);
    expect(await focused()).toBe('TD revoked');
    // Revoking one key keeps the other's secret, shown once.
    expect(await page.locator('code.secret').innerText()).toBe('bnm_secret');
  });
});
