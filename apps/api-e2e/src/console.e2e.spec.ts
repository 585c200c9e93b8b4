import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { Page } from 'playwright-core';

import { Environment } from '@bridgenotes/config';
import {
  ModerationLogStore,
  NoteReportsStore,
  PrismaService,
  ScoringOutbox,
} from '@bridgenotes/database';
import type { CommunityOverviewResponse, FactorHistogramResponse } from '@bridgenotes/protocol';

import { currentTestRun, eventually, PATIENCE_MS } from '@bridgenotes/testing';
import { seriousViolations, tabTo } from './support/accessibility';
import { Browser, launchChromium, screenshotFolder } from './support/browser';
import { brokenWords } from './support/layout';
import { builtBridgenotes } from './support/cli';
import { callApi, untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { clickShown } from './support/widget-page';

const ROOT = join(__dirname, '..', '..', '..');
const docs = screenshotFolder('console');
const OPERATOR_KEY = 'e2e-console-operator-key';
/** The seeded demo post (prisma/seed.ts), which the demo page shows. */
const DEMO_POST = 'https://example.com/news/2026/11/city-bridge-closed';

/** `npm run db:seed`, exactly as `npm start` runs it, against this run's database. */
async function seedDemo(databaseUrl: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['prisma/seed.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
    },
  );
  return stdout;
}

const run = currentTestRun();
let api: RunningApp;
let baseUrl: string;
/** When the seed ran: its runs' records must lie within it (they score as of the past). */
let seeding: { from: number; to: number };
/** The console's browser, launched while the seed makes its proofs. */
let launching: Promise<Browser> | undefined;

// The demo is seeded once for the whole file (its 44 real proofs are the slowest set-up of the
// whole `npm test`): the seed's own checks read it untouched first, then the console's cases
// change it (a report, a redaction). Jest runs the describes below in this order.
beforeAll(async () => {
  // The API boots and the browser starts while the seed proves (nothing reads the API before
  // the seed is done): their start-ups no longer add to the seed's minute.
  // With the instance's default minimum anonymity set (the test run sets 1): as after `npm
  // start`, the demo's visitors prove under the demo's own minimum, which the seed sets.
  const booting = startBuiltApi({ ...operatorKeyEnv(OPERATOR_KEY), PROOF_MIN_MEMBERS: '20' });
  // Awaited after the seed; a start that fails meanwhile is no unhandled rejection.
  booting.catch(() => undefined);
  launching = launchChromium();
  // A launch that fails is reported by the console's own hook, which awaits it.
  launching.catch(() => undefined);
  try {
    const from = Date.now();
    await seedDemo(run.databaseUrl);
    seeding = { from, to: Date.now() };
  } finally {
    // Kept for afterAll, whether the seed succeeded or not.
    ({ api, apiUrl: baseUrl } = await booting);
  }
  await untilReady(baseUrl);
  // The seed proves every demo note and rating (dozens of proofs): on a busy machine that
  // alone outlasts the preset's 10 minutes, so this hook gets longer, never shorter.
}, 6 * PATIENCE_MS);

afterAll(async () => {
  // Closed here, with the API: the browser is closed even when the seed failed.
  await (await launching?.catch(() => undefined))?.close();
  if (api?.child.exitCode === null) api.child.kill('SIGTERM');
  await api?.exited;
});

/**
 * What `npm start`'s seed leaves: statuses the scorer itself decided, two real runs, and an
 * export that verifies clean; a second start seeds nothing.
 */
describe('the seeded demo community', () => {
  const POSTS = {
    helpful: { url: DEMO_POST },
    notHelpful: { platform: 'mastodon', externalId: '113456789012345678' },
    needsRatings: { platform: 'mastodon', externalId: '113456789099999999' },
  };
  const notesOnPost = async (post: Record<string, string>) =>
    (await callApi(baseUrl, 'GET', `/posts?${new URLSearchParams({ community: 'demo', ...post })}`))
      .notes as {
      text: string;
      status: string;
      score: { decidedBy: string };
      explanation: { headline: string; detail: string };
    }[];

  it('has its own minimum anonymity set of 1, and says its members are public', async () => {
    // Twelve members under the instance's 20: without its own minimum nobody could write there.
    const demo = await callApi(baseUrl, 'GET', '/communities/demo');
    expect(demo).toMatchObject({
      members: 12,
      proofMinMembers: 1,
      proofMinMembersSource: 'community',
    });
    expect(demo.description).toContain("The demo's members are public");
    expect(demo.description).toContain('is not anonymous');
  });

  it('shows a note the scorer itself rated helpful, one not helpful and one needing ratings', async () => {
    const [helpful] = await notesOnPost(POSTS.helpful);
    expect(helpful).toMatchObject({
      status: 'CURRENTLY_RATED_HELPFUL',
      score: { decidedBy: 'OpinionGroupsCRH' },
      explanation: { headline: 'Rated helpful by people who usually disagree' },
    });
    const [notHelpful] = await notesOnPost(POSTS.notHelpful);
    expect(notHelpful).toMatchObject({
      status: 'CURRENTLY_RATED_NOT_HELPFUL',
      score: { decidedBy: 'OpinionGroupsCRNH' },
    });
    const [waiting] = await notesOnPost(POSTS.needsRatings);
    expect(waiting.status).toBe('NEEDS_MORE_RATINGS');
    expect(waiting.explanation.detail).toMatch(
      /^It needs 3 more helpful ratings from members who usually see things differently/,
    );
    const runs = (await callApi(baseUrl, 'GET', '/communities/demo/scoring-runs')).items as {
      regime: string;
      status: string;
      requestedAt: string;
      startedAt: string;
      finishedAt: string;
      nowAt: string;
    }[];
    expect(runs.map((scoring) => [scoring.status, scoring.regime])).toEqual([
      ['SUCCEEDED', 'small-community'],
      ['SUCCEEDED', 'small-community'],
    ]);
    // The second run scored while the seed ran, the first as of an hour before it (past the
    // stabilisation hour), asked for and started then: neither says it scored before it started.
    const times = runs
      .map((scoring) =>
        [scoring.requestedAt, scoring.startedAt, scoring.finishedAt, scoring.nowAt].map(Date.parse),
      )
      .sort((a, b) => (a[3] as number) - (b[3] as number));
    for (const [requested, started, finished, scoredAsOf] of times as number[][]) {
      expect(requested).toBeLessThanOrEqual(started as number);
      expect(started).toBeLessThanOrEqual(scoredAsOf as number);
      expect(scoredAsOf).toBeLessThanOrEqual(finished as number);
      expect(finished).toBeLessThanOrEqual(seeding.to);
    }
    const [first, second] = times as [number[], number[]];
    expect(first[3]).toBeGreaterThanOrEqual(seeding.from - 62 * 60_000);
    expect(second[1]).toBeGreaterThanOrEqual(seeding.from);
    expect((second[3] as number) - (first[3] as number)).toBeGreaterThanOrEqual(61 * 60_000);
  });

  it('verifies clean: every proof, the root history and the recomputed run and regime', async () => {
    const verified = await builtBridgenotes('verify', baseUrl, '--community', 'demo', '--json');
    const report = JSON.parse(verified.stdout);
    expect(report.discrepancies).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'VERIFIED',
      counts: { members: 12, notes: 5, ratings: 39, runs: 2 },
      proofs: { checked: 44, groth16Verified: 44 },
      run: { recomputed: true, notesCompared: 5 },
    });
    expect(verified.code).toBe(0);
  });

  it('seeds once: a second start leaves the demo as it is', async () => {
    expect(await seedDemo(run.databaseUrl)).toContain(
      'demo community already present; nothing seeded',
    );
  });
});

/**
 * The operator console in Debian's Chromium, against the built API as a process and the seeded
 * demo community (real proofs, scored by the worker's own scorer): signing in, the scoring and
 * members views with their plots, creating and configuring a community; an axe-core audit of
 * each view; the screenshots in docs/console/ come from here.
 */
describe('operator console', () => {
  let browser: Browser;
  let page: Page;
  /** The demo's moderator key, issued from the console in the moderation case. */
  let secret = '';
  const created = `k-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    browser = await (launching as Promise<Browser>);
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  async function audit(name: string): Promise<void> {
    expect(await seriousViolations(page.mainFrame())).toEqual([]);
    // Tables size their columns to whole words ("SUCCEED ED" once split a status).
    expect(await brokenWords(page.mainFrame())).toEqual([]);
    await page.screenshot({ path: join(docs, `${name}.png`), fullPage: true });
  }

  async function open(section: string): Promise<void> {
    await page.getByRole('button', { name: section, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: section }).waitFor();
  }

  it('serves its two files from the build and nothing else beside them', async () => {
    // The build writes compressed copies beside the bundle: they are served for console.js
    // (negotiated), never by their own names, and no other name answers.
    const script = await fetch(`${baseUrl}/console/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(0);
    for (const name of ['console.js.gz', 'other.js']) {
      const refused = await fetch(`${baseUrl}/console/${name}`);
      expect([name, refused.status]).toEqual([name, 404]);
      expect((await refused.json()).code).toBe('NOT_FOUND');
    }
  });

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
    await page.getByRole('combobox', { name: 'Community' }).selectOption('demo');
    await open('Scoring');
    // The demo is a small community: its runs' regime, the opinion groups, decided every note,
    // and the page shows them in its terms.
    await page.getByText(/^The latest run used the small-community regime/).waitFor();
    const plane = page.getByRole('img', { name: /^Notes by each group's helpful share/ });
    await plane.waitFor();
    const overview = (await callApi(
      baseUrl,
      'GET',
      '/communities/demo/overview',
      undefined,
      OPERATOR_KEY,
    )) as CommunityOverviewResponse;
    expect(overview.regime).toBe('small-community');
    // All five notes, each with its groups' ratings: a dot per place and status, its title
    // counting its notes; both regions drawn.
    expect(overview.groupNotes).toHaveLength(5);
    const places = new Set(
      overview.groupNotes.map((n) => [...n.groups.map((g) => g.helpfulShare), n.status].join()),
    );
    expect(await plane.locator('circle.dot').count()).toBe(places.size);
    const titles = await plane.locator('circle.dot title').allTextContents();
    expect(titles.reduce((sum, title) => sum + Number.parseInt(title, 10), 0)).toBe(5);
    expect(await plane.locator('path.threshold').count()).toBe(2);
    // The note shown as helpful passed in both groups; no group of it needs another rating.
    const helpful = overview.groupNotes.filter((n) => n.status === 'CURRENTLY_RATED_HELPFUL');
    expect(helpful).toHaveLength(1);
    expect(helpful[0]?.groups.map((group) => group.helpfulNeededToPass)).toEqual([0, 0]);
    // The data table gives each group's figure whatever the note's status, under a heading that
    // says what it counts (not what a reader is asked for).
    const byGroup = page.locator('table', {
      has: page.locator('caption', { hasText: /^Notes by group$/ }),
    });
    const heads = await byGroup.locator('th').allTextContents();
    expect(heads).toEqual(
      expect.arrayContaining(['A: helpful ratings to pass', 'B: helpful ratings to pass']),
    );
    await page.getByText(/^5 notes decided by the opinion groups, /).waitFor();
    // The members' viewpoints from the groups' own fit: both groups have members, each counted.
    const histogram = page.getByRole('img', { name: /^Members' viewpoints/ });
    const factors = overview.raterFactors as FactorHistogramResponse;
    expect(await histogram.locator('rect.bar').count()).toBe(factors.counts.length);
    const [a, b] = factors.groups?.sizes ?? [0, 0];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(factors.counts.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(a + b);
    expect(await histogram.locator('path.threshold.margin').count()).toBe(2);
    await page.getByText(new RegExp(`group A ${a} .*group B ${b} `)).waitFor();
    await page
      .getByRole('table', { name: 'Scoring runs, newest first' })
      .getByText('SUCCEEDED')
      .first()
      .waitFor();
    const runRows = page
      .getByRole('table', { name: 'Scoring runs, newest first' })
      .locator('tbody tr');
    expect(await runRows.count()).toBe(2);
    // Newest first: the second run's duration is its scoring's, within the seed's own time; the
    // first's record spans the hour since the time it scored as of.
    const durations = (await runRows.locator('td:nth-child(3)').allInnerTexts()).map((text) => {
      expect(text).toMatch(/^\d+\.\d s$/);
      return parseFloat(text);
    });
    const seedSeconds = (seeding.to - seeding.from) / 1000;
    expect(durations[0]).toBeLessThanOrEqual(seedSeconds);
    expect(durations[1]).toBeLessThanOrEqual(seedSeconds + 62 * 60);
    await audit('scoring');

    await open('Members');
    await page.getByText(`${overview.memberCount} current members`).waitFor();
    await page.getByRole('img', { name: /^Growth/ }).waitFor();
    await audit('members');
  });

  it("takes keyboard focus to a new section's heading, and announces only the status", async () => {
    // A redraw rebuilds the page: focus would fall back to the document, and a live <main> would
    // read the whole console out again.
    await page.getByRole('button', { name: 'Scoring', exact: true }).focus();
    await page.keyboard.press('Enter');
    // Focus moves in the same task that inserts the view: once the heading is shown, it is set.
    await page.getByRole('heading', { level: 2, name: 'Scoring' }).waitFor();
    expect(
      await page.evaluate(() => [document.activeElement?.tagName, document.activeElement?.id]),
    ).toEqual(['H2', 'scoring-title']);
    expect(await page.locator('main#console').getAttribute('aria-live')).toBeNull();
    expect(await page.locator('[aria-live], [role="status"]').count()).toBe(1);
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

  it("shows a community's smallest group for proofs, sets it, and refuses what the API would before sending", async () => {
    const settings = () => page.getByRole('form', { name: `Settings of ${created}` });
    const minimum = () => settings().getByLabel('Smallest group for proofs');
    const hint = async () => {
      const id = (await minimum().getAttribute('aria-describedby')) as string;
      return page.locator(`[id="${id}"]`).innerText();
    };
    // Each outcome waited for is new, not an earlier one's left in the status.
    const clearStatus = () =>
      page.evaluate(() => {
        const status = document.querySelector('[role="status"]');
        if (status) status.textContent = '';
      });
    const save = async (text: string, outcome: string) => {
      await clearStatus();
      await minimum().fill(text);
      await settings().getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: outcome }).waitFor();
    };
    const shown = async () => {
      const { proofMinMembers, proofMinMembersSource, admission } = await callApi(
        baseUrl,
        'GET',
        `/communities/${created}`,
      );
      return { proofMinMembers, proofMinMembersSource, admission };
    };
    /** Saves `text`: what the API then answers, and the redrawn field, the admission kept. */
    const saved = async (text: string, proofMinMembers: number, source: string) => {
      await save(text, `Settings of ${created} saved`);
      expect(await shown()).toEqual({
        proofMinMembers,
        proofMinMembersSource: source,
        admission: 'INVITE',
      });
      expect(await minimum().inputValue()).toBe(text);
    };
    // The case before left its refused origin in the form: back to the community's own.
    await settings()
      .getByLabel('Embed origins')
      .fill('https://news.example.com\nhttps://blog.example.org');
    // The community follows the instance's PROOF_MIN_MEMBERS (20), and has no member yet.
    expect(await minimum().inputValue()).toBe('');
    expect(await hint()).toContain(
      "Now 20, the instance's PROOF_MIN_MEMBERS; with 0 live members, every proof here is refused until 20 more join.",
    );

    await saved('3', 3, 'community');
    expect(await hint()).toContain(
      "Now 3, this community's own; with 0 live members, every proof here is refused until 3 more join.",
    );

    // What the API refuses is refused here, with its code, and nothing is sent.
    const patches: string[] = [];
    const sent = (request: { method(): string; url(): string }) => {
      if (request.method() === 'PATCH') patches.push(request.url());
    };
    page.on('request', sent);
    try {
      for (const refused of ['0', '1.5', 'x', '1048577']) {
        await save(
          refused,
          "VALIDATION_FAILED: proofMinMembers must be a whole number from 1 to 1048576, or empty for the instance's minimum",
        );
      }
    } finally {
      page.off('request', sent);
    }
    expect(patches).toEqual([]);
    expect((await shown()).proofMinMembers).toBe(3);

    // Emptied, it follows the instance's again.
    await saved('', 20, 'instance');
  });

  /** The text the demo page's widget shows once it has drawn its post's note cards. */
  async function widgetText(): Promise<string> {
    const widget = await browser.context.newPage();
    try {
      await widget.goto(`${baseUrl}/demo`);
      const frame = await eventually(async () => {
        const found = await (
          await widget.waitForSelector('bridgenotes-widget iframe')
        ).contentFrame();
        if (!found) throw new Error('no frame yet');
        return found;
      });
      await frame.locator('article').first().waitFor();
      return await frame.locator('body').innerText();
    } finally {
      await widget.close();
    }
  }

  it('dismisses a harmless report, then takes another to a redaction: queue, action with a reason, public log, every read', async () => {
    // The operator issues a moderator key for the demo from the console (shown once).
    await page.getByRole('combobox', { name: 'Community' }).selectOption('demo');
    await open('Communities');
    const keys = page.getByRole('form', { name: 'Moderator keys' });
    await keys.getByLabel('Label').fill('Ana');
    await keys.getByRole('button', { name: 'Issue a moderator key' }).click();
    secret = (await keys.locator('code.secret').textContent()) ?? '';
    expect(secret).toMatch(/^bnmod_/);

    // A reader of the demo page joins through the widget and reports the post's shown note, with
    // a proof made in the browser: its text.
    const reportAs = async (readerOf: Browser, reason: string, text: string): Promise<string> => {
      const reader = await readerOf.context.newPage();
      const frameOf = () =>
        eventually(async () => {
          const found = await (
            await reader.waitForSelector('bridgenotes-widget iframe')
          ).contentFrame();
          if (!found) throw new Error('no frame yet');
          return found;
        });
      await reader.goto(`${baseUrl}/demo`);
      let frame = await frameOf();
      await frame.getByRole('button', { name: /^Help rate notes/ }).click();
      await frame.getByRole('button', { name: 'Create an identity' }).click();
      await clickShown(frame.getByRole('button', { name: /^Join / }));
      await frame.getByText(/^You are a member of /).waitFor();
      // The shown notes offer a report to members: a reload shows them as one.
      await reader.reload();
      frame = await frameOf();
      const shown = frame.locator('.notes article').first();
      const shownText = (await shown.locator('p.text').innerText()).trim();
      const form = shown.locator('details.report');
      await form.locator('summary').click();
      await form.getByRole('radio', { name: reason }).check();
      await form.getByLabel('What is wrong, in a few words').fill(text);
      await clickShown(form.getByRole('button', { name: 'Send report' }));
      await form.getByRole('status').filter({ hasText: 'You reported this note.' }).waitFor();
      await reader.close();
      return shownText;
    };

    // A first reader, in a browser of their own (another identity), reports it as spam.
    const firstReader = await launchChromium();
    const reportedText = await reportAs(firstReader, 'Spam', 'Looks like an advert').finally(() =>
      firstReader.close(),
    );
    const onPost = await callApi(
      baseUrl,
      'GET',
      `/posts?url=${encodeURIComponent(DEMO_POST)}&community=demo`,
    );
    const reported = (onPost.notes as { id: string; text: string }[]).find(
      (note) => note.text === reportedText,
    ) as { id: string; text: string };
    expect(reported).toBeDefined();

    // The moderator signs in with their key, scoped to the demo, and finds the report.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Key').fill(secret);
    await page.getByLabel('Community').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const queued = page.getByRole('article', { name: `Reported note ${reported.id}` });
    await queued.getByText('SPAM × 1').waitFor();
    expect(await page.getByRole('button', { name: 'Communities', exact: true }).count()).toBe(0);

    // Found harmless, its report is dismissed: it leaves the queue, the note stays shown, and
    // the log says so in public.
    page.once('dialog', (dialog) => void dialog.accept());
    await queued.getByRole('button', { name: 'Dismiss' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'DISMISS recorded in the public log' })
      .waitFor();
    await page.getByText('No open reports.').waitFor();
    const log = page.getByRole('table', { name: 'Public moderation log (newest first)' });
    await log.getByRole('cell', { name: 'DISMISS' }).waitFor();
    expect((await callApi(baseUrl, 'GET', '/communities/demo/moderation/log')).items).toEqual([
      expect.objectContaining({
        action: 'DISMISS',
        target: `note:${reported.id}`,
        reasonCode: 'REVIEWED',
      }),
    ]);
    expect(await widgetText()).toContain(reported.text);

    // Another reader reports it for personal data: it is back in the queue, with their words.
    const report = { reason: 'Personal data', text: 'It names a private person' };
    expect(await reportAs(browser, report.reason, report.text)).toBe(reported.text);
    await open('Moderation');
    await queued.getByText(reported.text).waitFor();
    await queued.getByText('PERSONAL_DATA × 1').waitFor();
    await queued.getByText(report.text).waitFor();
    // The post and every source the note cites are shown, as text a moderator reads before
    // acting (a source may be the very page that doxxes someone), never as links.
    const queue = (await callApi(
      baseUrl,
      'GET',
      '/communities/demo/moderation/reports',
      undefined,
      secret,
    )) as { items: { note: { id: string; postUrl: string; sources: string[] } }[] };
    const queuedNote = queue.items.find((item) => item.note.id === reported.id)?.note;
    const postUrl = queuedNote?.postUrl ?? '';
    expect(postUrl).toMatch(/^https:\/\/example\.com\/news\//);
    expect(queuedNote?.sources.length).toBeGreaterThan(0);
    // The view is drawn whole at once: once its text is shown, the rest is there too.
    expect(await queued.getByText(postUrl, { exact: true }).count()).toBe(1);
    const sources = queued.getByRole('list', { name: 'Sources the note cites' });
    expect(await sources.getByRole('listitem').allInnerTexts()).toEqual(queuedNote?.sources);
    expect(await queued.locator('a').count()).toBe(0);
    await audit('moderation');

    // The form offers only the reasons the API takes for the chosen action: REVIEWED to restore,
    // a report reason to redact.
    const reasonCodes = () => queued.getByLabel('Reason code').locator('option').allTextContents();
    const REPORT_REASONS = ['PERSONAL_DATA', 'ILLEGAL', 'SPAM', 'HARASSMENT', 'OTHER'];
    expect(await reasonCodes()).toEqual(REPORT_REASONS);
    await queued.getByLabel('Action').selectOption('RESTORE');
    expect(await reasonCodes()).toEqual(['REVIEWED']);

    // Redacts it with a reason, confirming the dialog.
    page.once('dialog', (dialog) => void dialog.accept());
    await queued.getByLabel('Action').selectOption('REDACT');
    expect(await reasonCodes()).toEqual(REPORT_REASONS);
    await queued.getByLabel('Reason code').selectOption('PERSONAL_DATA');
    await queued.getByRole('button', { name: 'Apply' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'REDACT recorded in the public log' })
      .waitFor();
    await log.getByRole('cell', { name: 'REDACT' }).waitFor();
    // Acted on, the note leaves the queue (a redacted note is never in it), and with it the
    // reporter's words.
    await page.getByText('No open reports.').waitFor();
    expect(await page.getByRole('article', { name: `Reported note ${reported.id}` }).count()).toBe(
      0,
    );
    expect(await page.getByText(report.text).count()).toBe(0);
    await page.screenshot({ path: join(docs, 'moderation-redacted.png'), fullPage: true });

    // The public log, GET /posts, the note, the widget and the export no longer show the text.
    const entries = (await callApi(baseUrl, 'GET', '/communities/demo/moderation/log')).items;
    expect(entries.at(-1)).toMatchObject({
      action: 'REDACT',
      target: `note:${reported.id}`,
      reasonCode: 'PERSONAL_DATA',
    });
    const after = await callApi(
      baseUrl,
      'GET',
      `/posts?url=${encodeURIComponent(DEMO_POST)}&community=demo`,
    );
    expect(JSON.stringify(after)).not.toContain(reported.text);
    const exported = await (await fetch(`${baseUrl}/communities/demo/export/notes`)).text();
    expect(exported).not.toContain(reported.text);
    const line = exported.split('\n').find((row) => row.includes(reported.id)) ?? '';
    expect(JSON.parse(line)).toMatchObject({ id: reported.id, redacted: true });
    expect(await widgetText()).not.toContain(reported.text);

    // The export, redaction and log included, verifies without a discrepancy. The demo names
    // topics, so its runs read the notes' texts: the run before the redaction is no longer
    // recomputable (a warning), which leaves the verification INCOMPLETE (exit code 5) until the
    // run the redaction requested (no worker runs here).
    const verified = await builtBridgenotes('verify', baseUrl, '--community', 'demo');
    expect(verified.stdout).toContain('RUN_PREDATES_REDACTION');
    expect(verified.stdout).toMatch(/^INCOMPLETE: 0 discrepancies/m);
    expect(verified.code).toBe(5);
  });

  it("shows the log's newest entries first past a thousand of them, and pages to older ones", async () => {
    // A thousand more entries, appended through the log's own store (a hide and a restore of a
    // demo note, by turns): with the two above, the log is past the API's page of 1,000.
    const prisma = new PrismaService(
      Object.assign(new Environment(), { DATABASE_URL: run.databaseUrl }),
    );
    try {
      const store = new ModerationLogStore(
        prisma,
        new ScoringOutbox(prisma),
        new NoteReportsStore(prisma),
      );
      const community = await prisma.community.findUniqueOrThrow({ where: { slug: 'demo' } });
      const note = await prisma.note.findFirstOrThrow({
        where: { communityId: community.id, hidden: false, redacted: false, deletedAt: null },
      });
      for (let pair = 0; pair < 500; pair += 1) {
        for (const [action, reasonCode] of [
          ['HIDE', 'SPAM'],
          ['RESTORE', 'REVIEWED'],
        ] as const) {
          const appended = await store.append(community.id, {
            action,
            target: `note:${note.id}`,
            reasonCode,
            moderatorKeyId: 'operator',
          });
          expect(appended.ok).toBe(true);
        }
      }
      const newest = (await store.last(community.id))?.seq ?? 0;
      expect(newest).toBeGreaterThan(1000);

      // A new page, so that nothing of the view drawn before is waited on (Moderation is the
      // first section; the key stays in the tab).
      await page.reload();
      const log = page.getByRole('table', { name: 'Public moderation log (newest first)' });
      const rows = log.locator('tbody tr');
      // The log is drawn with its view: once a row is shown, the first page is there.
      await rows.first().waitFor();
      expect(await rows.first().locator('td').first().innerText()).toBe(String(newest));
      expect(await rows.first().innerText()).toContain(`note:${note.id}`);
      expect(await rows.count()).toBe(50);
      // The first entries are a page of "Older entries" away, not shown first.
      expect(await log.getByRole('cell', { name: 'DISMISS' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Older entries' }).click();
      await rows.nth(50).waitFor();
      expect(await rows.nth(50).locator('td').first().innerText()).toBe(String(newest - 50));
      expect(await rows.count()).toBe(100);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('says a failed read for what it is: the session kept while the API is away, the queue not loaded', async () => {
    // A proxy's error page (HTML, not the API's JSON) for the demo's queue, as when the API
    // behind it is down. The moderator's key check reads that queue.
    const queueRead = (url: URL) => url.pathname === '/communities/demo/moderation/reports';
    await page.route(queueRead, (route) =>
      route.fulfill({
        status: 503,
        contentType: 'text/html',
        body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
      }),
    );
    try {
      // The moderator's tab is opened again: the check fails, but not the key, which is kept,
      // with a way to try again.
      await page.reload();
      await page.locator('p.status.error').waitFor();
      expect(await page.getByRole('status').innerText()).toMatch(/^HTTP_503: 503 /);
      expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(1);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(2);

      // The operator's key check is another route: signed in, the demo's queue fails to load,
      // which is not an empty queue.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Key').fill(OPERATOR_KEY);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('combobox', { name: 'Community' }).selectOption('demo');
      // The view is drawn whole at once, after its reads.
      await page.getByRole('heading', { level: 3, name: 'Reports in demo' }).waitFor();
      expect(await page.getByText('The reports could not be loaded.').count()).toBe(1);
      expect(await page.getByText('No open reports.').count()).toBe(0);
      expect(await page.getByRole('status').innerText()).toMatch(/^HTTP_503: 503 /);
    } finally {
      await page.unroute(queueRead);
    }
  });
});
