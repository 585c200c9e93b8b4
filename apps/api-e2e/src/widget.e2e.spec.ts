import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { Browser, launchChromium } from './support/browser';
import { freePort, RunningApp, startBuiltApp } from './support/processes';

const docs = join(__dirname, '..', '..', '..', 'docs');

const HELPFUL_TEXT =
  'The bridge is closed to cars only; the footpath stays open during the repairs, per the city notice.';
const HOSTILE_TEXT =
  '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script><b>bold</b> & more';
const TO_RATE_TEXT = 'Repairs were planned in 2024 and approved by the council in March.';
const WRITTEN_TEXT = 'The closure dates moved: the council now says repairs start in April.';

/**
 * The widget in Debian's Chromium, against the built API as a process: the demo page, a page on
 * another origin listed by the community, and one that is not listed.
 */
describe('embeddable widget', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let host: Server;
  let hostOrigin: string;
  let database: Client;
  let browser: Browser;
  const listed = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const unlisted = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${listed.slug}`;
  let toRateId: string;

  async function insertNote(
    communityId: string,
    postId: string,
    text: string,
    sources: string[],
  ): Promise<string> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
       VALUES (gen_random_uuid(), $1, $2, '7', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
               '{MISSING_IMPORTANT_CONTEXT}', $3, $4) RETURNING id`,
      [communityId, postId, text, sources],
    );
    return rows[0].id;
  }

  /** Publishes a note as helpful the way the scoring worker's publisher does. */
  async function publishHelpful(communityId: string, noteIds: string[]): Promise<void> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO scoring_runs (id, community_id, status, started_at, finished_at, note_count, rating_count)
       VALUES (gen_random_uuid(), $1, 'SUCCEEDED', now(), now(), $2, 9) RETURNING id`,
      [communityId, noteIds.length],
    );
    const score = {
      status: 'CURRENTLY_RATED_HELPFUL',
      decidedBy: 'GeneralHelpful',
      numRatings: 9,
      negativeFactorRaters: {
        raters: 5,
        helpful: 4,
        somewhatHelpful: 1,
        notHelpful: 0,
        helpfulnessSum: 4.5,
      },
      positiveFactorRaters: {
        raters: 4,
        helpful: 3,
        somewhatHelpful: 0,
        notHelpful: 1,
        helpfulnessSum: 3,
      },
    };
    for (const id of noteIds) {
      await database.query(
        `WITH updated AS (
           UPDATE notes SET status = 'CURRENTLY_RATED_HELPFUL', score = $2::jsonb, scored_run_id = $3
            WHERE id = $1 RETURNING id)
         INSERT INTO note_status_changes (note_id, run_id, previous, next)
         SELECT id, $3, 'NEEDS_MORE_RATINGS', 'CURRENTLY_RATED_HELPFUL' FROM updated`,
        [id, JSON.stringify(score), rows[0].id],
      );
    }
  }

  const widgetFrame = async (page: Page): Promise<Frame> =>
    eventually(async () => {
      const frame = await (await page.waitForSelector('bridgenotes-widget iframe')).contentFrame();
      if (!frame) throw new Error('no frame yet');
      return frame;
    });

  beforeAll(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    api = startBuiltApp('api', {
      DATABASE_URL: run.databaseUrl,
      REDIS_URL: run.redisUrl,
      QUEUE_PREFIX: run.queuePrefix,
      PORT: String(port),
    });

    // Another site: "localhost" is a different origin from the API's "127.0.0.1".
    host = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html><head><title>Host</title></head><body>
        <h1>A site that embeds Bridgenotes</h1>
        <script>window.events = []; for (const type of ['ready', 'rated', 'noted', 'requested'])
          document.addEventListener('bridgenotes:' + type, (event) => window.events.push(type));</script>
        <script async src="${apiUrl}/embed.js" data-community="${url.searchParams.get('community')}"
          data-post-url="${postUrl}" data-theme="light"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;

    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    for (const [community, origins] of [
      [listed, [hostOrigin]],
      [unlisted, ['https://elsewhere.example']],
    ] as const) {
      await database.query(
        // Earn-in off: the widget's new members write notes at once.
        `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
         VALUES ($1, $2, 'Widget test community', $3, 'OPEN', $4, 0, now())`,
        [community.id, community.slug, communityScope(community.id).toString(), origins],
      );
    }
    const { rows: posts } = await database.query<{ id: string }>(
      `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) RETURNING id`,
      [postUrl],
    );
    const helpful = await insertNote(listed.id, posts[0].id, HELPFUL_TEXT, [
      'https://example.org/city/notices/bridge-repairs',
      'javascript:alert(1)',
    ]);
    const hostile = await insertNote(listed.id, posts[0].id, HOSTILE_TEXT, [
      'https://example.org/source',
    ]);
    toRateId = await insertNote(listed.id, posts[0].id, TO_RATE_TEXT, [
      'https://example.org/council/minutes',
    ]);
    await publishHelpful(listed.id, [helpful, hostile]);
    await insertNote(unlisted.id, posts[0].id, HELPFUL_TEXT, []);

    await eventually(async () => {
      const response = await fetch(`${apiUrl}/health`);
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await new Promise((resolve) => host?.close(resolve));
    await database?.end();
  });

  it('shows the helpful notes on the demo page, in light and dark themes', async () => {
    const page = await browser.context.newPage();
    for (const theme of ['light', 'dark']) {
      await page.goto(
        `${apiUrl}/demo?${new URLSearchParams({ community: listed.slug, post: postUrl, theme })}`,
      );
      const frame = await widgetFrame(page);
      await frame.getByText(HELPFUL_TEXT).waitFor();
      expect(
        await frame.getByText('Rated helpful by people who usually disagree').first().textContent(),
      ).toContain('80% of 5 raters on one side, 75% of 4 on the other');
      expect(await frame.locator('html').getAttribute('data-theme')).toBe(theme);
      // The frame sized itself through postMessage to fit both notes.
      await eventually(async () => {
        const height = await page.$eval('bridgenotes-widget iframe', (element) =>
          parseInt((element as HTMLIFrameElement).style.height, 10),
        );
        if (height <= 300) throw new Error(`frame height ${height}`);
      });
      // The note needing ratings stays behind "Help rate".
      expect(await frame.getByText(TO_RATE_TEXT).isVisible()).toBe(false);
      await page
        .locator('bridgenotes-widget')
        .screenshot({ path: join(docs, `widget-${theme}.png`) });
    }
    await page.close();
  });

  it('renders a note holding HTML and script as text, and only http(s) sources as links', async () => {
    const page = await browser.context.newPage();
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: listed.slug, post: postUrl })}`,
    );
    const frame = await widgetFrame(page);
    await frame.getByText(HELPFUL_TEXT).waitFor();
    const texts = await frame.locator('.note .text').allTextContents();
    expect(texts).toContain(HOSTILE_TEXT);
    expect(await frame.locator('.note img, .note script, .note b').count()).toBe(0);
    expect(await frame.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    const links = await frame
      .locator('.note a')
      .evaluateAll((anchors) =>
        anchors.map((anchor) => [anchor.getAttribute('href'), anchor.getAttribute('rel')]),
      );
    expect(links).toContainEqual([
      'https://example.org/city/notices/bridge-repairs',
      'nofollow noopener ugc',
    ]);
    expect(links.some(([href]) => href?.startsWith('javascript:'))).toBe(false);
    await page.close();
  });

  it("lets only the community's listed origins frame the widget", async () => {
    const policy = async (slug: string) =>
      (await fetch(`${apiUrl}/widget/frame?community=${slug}`)).headers.get(
        'content-security-policy',
      );
    expect(await policy(listed.slug)).toContain(`frame-ancestors 'self' ${hostOrigin}`);
    expect(await policy(unlisted.slug)).not.toContain(hostOrigin);

    const page = await browser.context.newPage();
    await page.goto(`${hostOrigin}/?community=${unlisted.slug}`);
    const blocked = await widgetFrame(page);
    // Chromium replaces a frame its policy forbids with an error page: none of the widget runs.
    await eventually(async () => {
      if (!blocked.url().startsWith('chrome-error:')) throw new Error(`frame at ${blocked.url()}`);
    });
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toEqual([]);

    // The same page, for the community that lists this origin, shows the widget.
    await page.goto(`${hostOrigin}/?community=${listed.slug}`);
    const allowed = await widgetFrame(page);
    await allowed.getByText(HELPFUL_TEXT).waitFor();
    await eventually(async () => {
      const events = await page.evaluate(() => (window as { events?: string[] }).events);
      if (!events?.includes('ready')) throw new Error(`events ${events}`);
    });
    await page.close();
  });

  it('lets a member join, rate, write and ask for a note with proofs made in the browser, out of the host page’s reach', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${hostOrigin}/?community=${listed.slug}`);
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    await frame.getByRole('button', { name: 'Join Widget test community' }).click();
    await frame.getByText('You are a member of Widget test community.').waitFor();
    const { rows: members } = await database.query(
      'SELECT commitment FROM members WHERE community_id = $1',
      [listed.id],
    );
    expect(members).toHaveLength(1);

    // The host page cannot read the frame's storage, where the identity is kept.
    expect(
      await page.evaluate(() => {
        try {
          return Object.keys(document.querySelector('iframe')?.contentWindow?.localStorage ?? {});
        } catch {
          return 'blocked';
        }
      }),
    ).toBe('blocked');

    await frame.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await frame.getByRole('checkbox', { name: 'Clear' }).check();
    await frame.getByRole('button', { name: 'Submit rating' }).click();
    await frame.getByText('Rating saved.').waitFor({ timeout: 90_000 });

    const { rows } = await database.query<{ helpfulness: string; tags: string[]; proof: object }>(
      'SELECT helpfulness, tags, proof FROM ratings WHERE note_id = $1',
      [toRateId],
    );
    expect(rows).toEqual([expect.objectContaining({ helpfulness: 'HELPFUL', tags: ['CLEAR'] })]);
    expect(rows[0].proof).toEqual(expect.objectContaining({ merkleTreeDepth: 20 }));
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toContain('rated');

    // The same member writes a note on the post, under the same pseudonym.
    await frame.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await frame.getByRole('checkbox', { name: 'Outdated information' }).check();
    await frame.getByLabel('Note (at most 280 characters').fill(WRITTEN_TEXT);
    await frame.getByLabel('Sources, one link per line').fill('https://example.org/council/2026');
    await frame.getByRole('button', { name: 'Publish note' }).click();
    await frame.getByText('Note published.').waitFor({ timeout: 90_000 });
    const { rows: notes } = await database.query<{ author_pseudonym: string; reasons: string[] }>(
      'SELECT author_pseudonym, reasons, sources FROM notes WHERE text = $1',
      [WRITTEN_TEXT],
    );
    expect(notes).toEqual([
      {
        author_pseudonym: (rows[0].proof as { nullifier: string }).nullifier,
        reasons: ['OUTDATED_INFORMATION'],
        sources: ['https://example.org/council/2026'],
      },
    ]);
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toContain('noted');

    // And asks for a note on the post, under the same pseudonym again.
    await frame.getByText('Members who asked for a note on this post: 0').waitFor();
    await frame.getByRole('button', { name: 'Ask for a note on this post' }).click();
    await frame.getByText('Request recorded.').waitFor({ timeout: 90_000 });
    await frame.getByText('Members who asked for a note on this post: 1').waitFor();
    const { rows: requests } = await database.query<{ requester_pseudonym: string }>(
      'SELECT requester_pseudonym FROM note_requests WHERE community_id = $1',
      [listed.id],
    );
    expect(requests).toEqual([
      { requester_pseudonym: (rows[0].proof as { nullifier: string }).nullifier },
    ]);
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toContain(
      'requested',
    );
    await page.close();
  }, 240_000);
});
