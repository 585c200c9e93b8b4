// Over 400 lines on purpose: every case drives the same built API, Chromium and proven demo
// community, whose start (a build, a browser, real proofs) is the costly part; the widget's newer
// flows (tickets, explanations, reports) have files of their own.
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { Identity } from '@semaphore-protocol/core';
import { Client } from 'pg';
import type { Frame, Locator } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { seriousViolations, tabTo } from './support/accessibility';
import { bufferedWrites, completeJoinBatch, startBatchingApi } from './support/batching-api';
import { Browser, launchChromium, paintedScreenshot, screenshotFolder } from './support/browser';
import { rawGet, untilReady } from './support/http';
import { RunningApp, startBuiltApi } from './support/processes';
import { clickShown, insertNote, insertPost, untilShown, widgetFrame } from './support/widget-page';

const docs = screenshotFolder();

const HELPFUL_TEXT =
  'The bridge is closed to cars only; the footpath stays open during the repairs, per the city notice.';
const HOSTILE_TEXT =
  '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script><b>bold</b> & more';
const TO_RATE_TEXT = 'Repairs were planned in 2024 and approved by the council in March.';
const WRITTEN_TEXT = 'The closure dates moved: the council now says repairs start in April.';
/**
 * The widget in Debian's Chromium, against the built API as a process: the demo page, a page on
 * another origin listed by the community, and one that is not listed; a join waiting for its
 * batch on a second API process that seals joins in batches. One file over 400 lines on
 * purpose: the tests share one API process, community and browser, and the member's tests build
 * on one another (the note written in one changes status in the next).
 */
describe('embeddable widget', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  // Seals joins in batches, for the case of a join waiting for its batch.
  let batching: RunningApp;
  let batchingUrl: string;
  let host: Server;
  let hostOrigin: string;
  let database: Client;
  let browser: Browser;
  const listed = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const unlisted = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${listed.slug}`;
  let toRateId: string;
  let writtenNoteId: string;

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
      await database.query(
        `INSERT INTO note_scores (run_id, note_id, status, score)
         VALUES ($1, $2, 'CURRENTLY_RATED_HELPFUL', $3::jsonb)`,
        [rows[0].id, id, JSON.stringify(score)],
      );
    }
  }

  /** Another community the widget may be framed for, straight in the database. */
  async function insertCommunity(
    name: string,
    admission: string,
  ): Promise<{ id: string; slug: string }> {
    const community = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 0, now())`,
      [
        community.id,
        community.slug,
        name,
        communityScope(community.id).toString(),
        admission,
        [hostOrigin],
      ],
    );
    return community;
  }

  /** Joins `commitment` through the API, as the CLI would, and waits for it in the leaves. */
  async function joinDirectly(slug: string, commitment: string): Promise<void> {
    const response = await fetch(`${apiUrl}/communities/${slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment }),
    });
    expect(response.status).toBe(201);
    await eventually(async () => {
      const group = (await (await fetch(`${apiUrl}/communities/${slug}/group/leaves`)).json()) as {
        leaves: string[];
      };
      if (!group.leaves.includes(commitment)) throw new Error('not in the leaves yet');
    });
  }

  /** An identity for the frame's origin: the tests before may have left one, else a new one. */
  async function withIdentity(frame: Frame, create: string): Promise<void> {
    const button = frame.getByRole('button', { name: create });
    const kept = frame.locator('.member').getByRole('button').first();
    await kept.waitFor();
    if (await button.isVisible()) await button.click();
  }

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi());
    ({ api: batching, apiUrl: batchingUrl } = await startBatchingApi());

    // Another site: "localhost" is a different origin from the API's "127.0.0.1".
    host = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html><head><title>Host</title></head><body>
        <h1>A site that embeds Bridgenotes</h1>
        <script>window.events = []; for (const type of ['ready', 'rated', 'noted', 'requested'])
          document.addEventListener('bridgenotes:' + type, (event) => window.events.push(type));</script>
        <script async src="${apiUrl}/embed.js" data-community="${url.searchParams.get('community')}"
          data-post-url="${url.searchParams.get('post') ?? postUrl}"
          data-theme="${url.searchParams.get('theme') ?? 'light'}"
          data-locale="${url.searchParams.get('locale') ?? ''}"></script></body></html>`);
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
    const postId = await insertPost(database, postUrl);
    const helpful = await insertNote(database, {
      communityId: listed.id,
      postId,
      text: HELPFUL_TEXT,
      sources: ['https://example.org/city/notices/bridge-repairs', 'javascript:alert(1)'],
    });
    const hostile = await insertNote(database, {
      communityId: listed.id,
      postId,
      text: HOSTILE_TEXT,
      sources: ['https://example.org/source'],
    });
    toRateId = await insertNote(database, {
      communityId: listed.id,
      postId,
      text: TO_RATE_TEXT,
      sources: ['https://example.org/council/minutes'],
    });
    await publishHelpful(listed.id, [helpful, hostile]);
    await insertNote(database, {
      communityId: unlisted.id,
      postId,
      text: HELPFUL_TEXT,
      sources: [],
    });

    // A loaded machine can take a while to start the API: wait for it, however long.
    await Promise.all([untilReady(apiUrl), untilReady(batchingUrl)]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const app of [api, batching]) if (app?.child.exitCode === null) app.child.kill('SIGKILL');
    await new Promise((resolve) => host?.close(resolve));
    await database?.end();
  });

  it('serves the widget and the circuit files compressed at build, brotli first, with their cache headers', async () => {
    const files = [
      ['/embed.js', 'public, max-age=300'],
      ['/widget/frame.js', 'public, max-age=300'],
      ['/widget/prover.js', 'public, max-age=300'],
      ['/widget/artifacts/4.13.0/semaphore-20.wasm', 'public, max-age=31536000, immutable'],
      ['/widget/artifacts/4.13.0/semaphore-20.zkey', 'public, max-age=31536000, immutable'],
    ];
    const sizes: Record<string, number[]> = {};
    for (const [path, cache] of files) {
      const [plain, gzip, brotli] = await Promise.all([
        rawGet(`${apiUrl}${path}`),
        rawGet(`${apiUrl}${path}`, 'gzip'),
        // Chromium's header: gzip listed first, brotli still preferred.
        rawGet(`${apiUrl}${path}`, 'gzip, deflate, br, zstd'),
      ]);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(brotli.headers['content-encoding']).toBe('br');
      for (const answer of [plain, gzip, brotli]) {
        expect(answer.headers['cache-control']).toBe(cache);
        expect(answer.headers['vary']).toMatch(/Accept-Encoding/i);
      }
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
      expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);
      sizes[path] = [plain.body.length, gzip.body.length, brotli.body.length];
    }
    // What a member's first proof downloads: 5.7 MB of circuit, 3.3 MB in brotli.
    const circuit = (index: number) =>
      sizes['/widget/artifacts/4.13.0/semaphore-20.wasm'][index] +
      sizes['/widget/artifacts/4.13.0/semaphore-20.zkey'][index];
    expect(circuit(2)).toBeLessThan(0.6 * circuit(0));
    expect(sizes['/embed.js'][2]).toBeLessThanOrEqual(3 * 1024);
    expect(sizes['/widget/frame.js'][2]).toBeLessThanOrEqual(40 * 1024);
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
      ).toContain('90% helpful from 5 ratings on one side, 75% from 4 on the other');
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
      // The iframe and the frame's root share one color-scheme: otherwise Chromium paints the
      // frame's canvas opaque, and the dark card shows square corners on the light page.
      const hostScheme = await page.$eval(
        'bridgenotes-widget iframe',
        (element) => getComputedStyle(element).colorScheme,
      );
      const frameScheme = await frame.evaluate(
        () => getComputedStyle(document.documentElement).colorScheme,
      );
      expect(hostScheme).toBe(theme);
      expect(frameScheme).toBe(theme);
      expect(await seriousViolations(frame)).toEqual([]);
      await paintedScreenshot(
        page.locator('bridgenotes-widget'),
        join(docs, `widget-${theme}.png`),
      );
    }
    await page.close();
  });

  it('passes the accessibility audit at 375 px with the notes that need ratings open', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    for (const theme of ['light', 'dark']) {
      await page.goto(
        `${apiUrl}/demo?${new URLSearchParams({ community: listed.slug, post: postUrl, theme })}`,
      );
      const frame = await widgetFrame(page);
      await frame.getByText(HELPFUL_TEXT).waitFor();
      await frame.getByRole('button', { name: /Help rate notes/ }).click();
      await frame.getByText(TO_RATE_TEXT).waitFor();
      // A note that needs ratings is never headed like one readers agreed on.
      expect(await frame.locator('.note.proposed .kind').first().textContent()).toBe(
        'Proposed note: the post may mislead',
      );
      expect(await seriousViolations(frame)).toEqual([]);
    }
    await paintedScreenshot(page.locator('bridgenotes-widget'), join(docs, 'widget-375.png'));
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
    // The host page cannot reach into the frame, where the identity is kept.
    expect(
      await page.evaluate(() => {
        try {
          return Object.keys(document.querySelector('iframe')?.contentWindow?.localStorage ?? {});
        } catch {
          return 'blocked';
        }
      }),
    ).toBe('blocked');
    await page.close();
  });

  it('lets a member join, rate, change the rating at once, write and ask for a note, by keyboard alone, with proofs made in the browser', async () => {
    // On the service's own demo page: this Chromium blocks storage in third-party frames, where
    // the frame keeps the identity in memory only, and this test reloads.
    const page = await browser.context.newPage();
    // Listening before the page's own scripts run: a widget quick to load says `ready` before
    // anything evaluated after the navigation could hear it.
    await page.addInitScript(() => {
      const events: string[] = [];
      (window as { events?: string[] }).events = events;
      for (const type of ['ready', 'rated', 'noted', 'requested']) {
        document.addEventListener(`bridgenotes:${type}`, () => events.push(type));
      }
    });
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: listed.slug, post: postUrl, theme: 'light' })}`,
    );
    const frame = await widgetFrame(page);
    await frame.getByText(HELPFUL_TEXT).waitFor();
    const press = async (target: Locator, key = 'Enter') => {
      await tabTo(page, target);
      await untilShown(target);
      await page.keyboard.press(key);
    };
    await press(frame.getByRole('button', { name: 'Help rate notes (1)' }));
    await press(frame.getByRole('button', { name: 'Create an identity' }));
    await press(frame.getByRole('button', { name: 'Join Widget test community' }));
    await frame.getByText('You are a member of Widget test community.').waitFor();
    const { rows: members } = await database.query(
      'SELECT commitment FROM members WHERE community_id = $1',
      [listed.id],
    );
    expect(members).toHaveLength(1);

    // Nothing chosen: said under the choices, before any proof, with the focus there.
    const rateForm = frame.locator('form.rate');
    await press(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm.getByText('Choose how helpful the note is.').waitFor();
    expect(
      await rateForm
        .getByRole('radio', { name: 'Helpful', exact: true })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('Space');
    await press(rateForm.getByRole('checkbox', { name: 'Clear' }), 'Space');
    await press(rateForm.getByRole('button', { name: 'Submit rating' }));
    const saved = rateForm.getByText('Rating saved.', { exact: false });
    await saved.waitFor();
    // The outcome is said beside the button, and the focus is moved there.
    expect(await saved.evaluate((element) => element === document.activeElement)).toBe(true);
    const rating = () =>
      database.query<{ helpfulness: string; tags: string[]; client_minute: number; proof: object }>(
        'SELECT helpfulness, tags, client_minute, proof FROM ratings WHERE note_id = $1',
        [toRateId],
      );
    const first = (await rating()).rows;
    expect(first).toEqual([expect.objectContaining({ helpfulness: 'HELPFUL', tags: ['CLEAR'] })]);
    expect(first[0].proof).toEqual(expect.objectContaining({ merkleTreeDepth: 20 }));
    // The page hears that the notes were shown, never what the member did (docs/widget.md).
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toEqual(['ready']);

    // The member changes its mind at once: the latest choice wins, with no wait and no error.
    await rateForm.getByText('Your rating: Helpful. You can change it.').waitFor();
    await tabTo(page, rateForm.getByRole('radio', { name: 'Helpful', exact: true }));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await rateForm
      .getByText(
        'Choose at least one: a note is shown, or rated not helpful, only when its raters agree on the reasons.',
      )
      .waitFor();
    // Not helpful without a tag could never settle the note: said under the tags, before any
    // proof, with the focus on the first of them.
    await press(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm.getByText('Choose at least one of these.').waitFor();
    const incorrect = rateForm.getByRole('checkbox', { name: 'Incorrect', exact: true });
    expect(await incorrect.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await incorrect.evaluate((element) => element.closest('fieldset')?.ariaInvalid)).toBe(
      'true',
    );
    await page.keyboard.press('Space');
    await press(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm.getByText('Your rating: Not helpful. You can change it.').waitFor();
    const changed = (await rating()).rows;
    expect(changed).toEqual([
      expect.objectContaining({ helpfulness: 'NOT_HELPFUL', tags: ['INCORRECT'] }),
    ]);
    expect(changed[0].client_minute).toBeGreaterThan(first[0].client_minute);
    const pseudonym = (first[0].proof as { nullifier: string }).nullifier;

    // Writing: each problem under its field before any proof, the focus on the first.
    const writeForm = frame.locator('form.write');
    await press(writeForm.getByRole('button', { name: 'Publish note' }));
    await writeForm.getByText('Choose whether the post may mislead.').waitFor();
    await writeForm.getByText('Write the note.').waitFor();
    await tabTo(page, writeForm.getByRole('radio', { name: 'Misleading or missing context' }));
    await page.keyboard.press('Space');
    await tabTo(page, writeForm.getByLabel('Note (at most 280 characters'));
    await page.keyboard.type('x'.repeat(300));
    await press(writeForm.getByRole('button', { name: 'Publish note' }));
    await writeForm.getByText('Choose at least one reason.').waitFor();
    await writeForm.getByText('The note has 300 characters; at most 280 fit.').waitFor();
    await writeForm
      .getByText('A note saying the post may mislead needs at least one source.')
      .waitFor();
    expect(
      await writeForm
        .getByRole('checkbox', { name: 'Factual error' })
        .evaluate((element) => element === document.activeElement),
    ).toBe(true);
    await paintedScreenshot(writeForm, join(docs, 'widget-validation.png'));
    await press(writeForm.getByRole('checkbox', { name: 'Outdated information' }), 'Space');
    await tabTo(page, writeForm.getByLabel('Note (at most 280 characters'));
    await page.keyboard.press('Control+A');
    await page.keyboard.type(WRITTEN_TEXT);
    await tabTo(page, writeForm.getByLabel('Sources, one link per line'));
    await page.keyboard.type('https://example.org/council/2026');
    await press(writeForm.getByRole('button', { name: 'Publish note' }));
    await writeForm.getByText('Note published.', { exact: false }).waitFor();
    const { rows: notes } = await database.query<{
      id: string;
      author_pseudonym: string;
      reasons: string[];
    }>('SELECT id, author_pseudonym, reasons, sources FROM notes WHERE text = $1', [WRITTEN_TEXT]);
    expect(notes).toEqual([
      expect.objectContaining({
        author_pseudonym: pseudonym,
        reasons: ['OUTDATED_INFORMATION'],
        sources: ['https://example.org/council/2026'],
      }),
    ]);
    // The form is empty again, and the new note is listed at once, known as the member's own.
    expect(await writeForm.getByLabel('Note (at most 280 characters').inputValue()).toBe('');
    const written = frame.locator(`.note[data-note-id="${notes[0].id}"]`);
    await written.getByText('You wrote this note: others rate it.').waitFor();
    expect(await written.locator('form').count()).toBe(0);
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toEqual(['ready']);

    // And asks for a note on the post, under the same pseudonym again.
    await frame.getByText('Members who asked for a note on this post: 0').waitFor();
    await press(frame.getByRole('button', { name: 'Ask for a note on this post' }));
    await frame.getByText('Request recorded.', { exact: false }).waitFor();
    await frame.getByText('Members who asked for a note on this post: 1').waitFor();
    const { rows: requests } = await database.query<{ requester_pseudonym: string }>(
      'SELECT requester_pseudonym FROM note_requests WHERE community_id = $1',
      [listed.id],
    );
    expect(requests).toEqual([{ requester_pseudonym: pseudonym }]);
    expect(await page.evaluate(() => (window as { events?: string[] }).events)).toEqual(['ready']);

    // After a reload, the frame still knows the rating and the note are the member's own.
    await page.reload();
    const again = await widgetFrame(page);
    await again.getByText(HELPFUL_TEXT).waitFor();
    await again.getByRole('button', { name: 'Help rate notes (2)' }).click();
    await again.getByText('Your rating: Not helpful. You can change it.').waitFor();
    expect(await again.getByRole('radio', { name: 'Not helpful', exact: true }).isChecked()).toBe(
      true,
    );
    await again
      .locator(`.note[data-note-id="${notes[0].id}"]`)
      .getByText('You wrote this note: others rate it.')
      .waitFor();
    expect(await seriousViolations(again)).toEqual([]);
    await paintedScreenshot(page.locator('bridgenotes-widget'), join(docs, 'widget-member.png'));
    writtenNoteId = notes[0].id;
    await page.close();
  });

  it('offers writing and asking plainly on a post without notes, in French, and tells the member privately that a note it wrote changed status', async () => {
    // The note the member wrote is now shown (a scoring run published it).
    await publishHelpful(listed.id, [writtenNoteId]);
    const page = await browser.context.newPage();
    const empty = `https://example.com/news/${listed.slug}/empty`;
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: listed.slug, post: empty, theme: 'dark', locale: 'fr' })}`,
    );
    const frame = await widgetFrame(page);
    expect(await frame.locator('html').getAttribute('lang')).toBe('fr');
    await frame.getByText('Personne n’a encore écrit de note sur cette publication.').waitFor();
    // Nothing to open: writing and asking are right there.
    expect(await frame.getByRole('button', { name: /Aider à évaluer/ }).count()).toBe(0);
    await frame.getByRole('button', { name: 'Demander une note sur cette publication' }).waitFor();
    await frame.getByRole('button', { name: 'Publier la note' }).waitFor();
    // Found on the device among the latest run's public results: the note is on another post.
    const updates = frame.getByRole('region', {
      name: 'Des notes que vous avez écrites ou évaluées ont changé de statut',
    });
    await updates
      .getByText(`Vous avez écrit : « ${WRITTEN_TEXT} » : affichée comme utile`)
      .waitFor();
    expect(await seriousViolations(frame)).toEqual([]);
    await paintedScreenshot(page.locator('bridgenotes-widget'), join(docs, 'widget-empty-fr.png'));
    // Seen once: the next visit says nothing more.
    await page.reload();
    const again = await widgetFrame(page);
    await again.getByRole('button', { name: 'Publier la note' }).waitFor();
    expect(await again.locator('.updates').count()).toBe(0);
    await page.close();
  });

  it('joins an OPEN community that asks a proof-of-work, solved in the prover worker, saying it is working', async () => {
    const working = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
    // 14 bits: about 16,000 hashes, well under a second in the worker; without the work the
    // API answers 400 JOIN_WORK_REQUIRED and nobody joins.
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, join_work_difficulty, updated_at)
       VALUES ($1, $2, 'Proof-of-work community', $3, 'OPEN', $4, 14, now())`,
      [working.id, working.slug, communityScope(working.id).toString(), [hostOrigin]],
    );
    const page = await browser.context.newPage();
    const empty = `https://example.com/news/${working.slug}/work`;
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: working.slug, post: empty, theme: 'light' })}`,
    );
    const frame = await widgetFrame(page);
    const join = frame.getByRole('button', { name: 'Join Proof-of-work community' });
    const create = frame.getByRole('button', { name: 'Create an identity' });
    // The identity of the tests before, where they ran in this browser; a new one otherwise.
    await join.or(create).first().waitFor();
    if (await create.isVisible()) await create.click();
    // The progress line may show for a fraction of a second only: every text it takes is kept.
    await join.waitFor();
    await frame.locator('.member .feedback').evaluate((line) => {
      const seen: string[] = [];
      Object.assign(window, { feedbackSeen: seen });
      new MutationObserver(() => seen.push(line.textContent ?? '')).observe(line, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    await clickShown(join);
    await frame.getByText('You are a member of Proof-of-work community.').waitFor();
    const seen = await frame.evaluate(
      () => (window as unknown as { feedbackSeen: string[] }).feedbackSeen,
    );
    expect(seen).toContain(
      'Working… Joining asks this device for a few seconds of computing, so that scripts cannot fill the community.',
    );
    const { rows } = await database.query('SELECT 1 FROM members WHERE community_id = $1', [
      working.id,
    ]);
    expect(rows).toHaveLength(1);
    await page.close();
  });

  it('restores another identity over one that is a member of another community of the site only once its backup was shown', async () => {
    // A site (the service's own pages: lasting, first-party storage) shows two communities; the
    // identity is one for both, its memberships are recorded per community.
    const first = await insertCommunity('Identity A community', 'OPEN');
    const second = await insertCommunity('Identity B community', 'OPEN');
    const demo = (slug: string) =>
      `${apiUrl}/demo?${new URLSearchParams({ community: slug, post: `https://example.com/news/${slug}`, theme: 'light' })}`;
    const page = await browser.context.newPage();
    await page.goto(demo(first.slug));
    const onFirst = await widgetFrame(page);
    await withIdentity(onFirst, 'Create an identity');
    await clickShown(onFirst.getByRole('button', { name: 'Join Identity A community' }));
    await onFirst.getByText('You are a member of Identity A community.').waitFor();
    const kept = await page.evaluate(() => localStorage.getItem('bridgenotes:identity'));

    // On B's page, not a member there: its backup is offered all the same.
    await page.goto(demo(second.slug));
    const onSecond = await widgetFrame(page);
    const panel = onSecond.locator('.member');
    await panel.getByRole('button', { name: 'Join Identity B community' }).waitFor();
    await panel.getByRole('button', { name: 'Back up identity' }).waitFor();
    await panel.locator('details summary').click();
    await panel.getByLabel('Identity backup').fill(new Identity().export());
    await panel.getByRole('button', { name: 'Restore', exact: true }).click();
    // Refused at the first click, with the community named and the backup offered first.
    const asks = panel.locator('.replaces');
    await asks
      .getByText('Restoring another one replaces it here', { exact: false })
      .and(asks.getByText('Identity A community', { exact: false }))
      .waitFor();
    const replace = asks.getByRole('button', { name: 'I kept its backup: replace it' });
    expect(await replace.isVisible()).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem('bridgenotes:identity'))).toBe(kept);
    await asks.getByRole('button', { name: 'Back up identity' }).click();
    expect(await asks.getByLabel('Back up identity').inputValue()).toBe(kept);
    expect(await seriousViolations(onSecond)).toEqual([]);

    // A's page, in another tab, still shows the membership: nothing was replaced.
    const other = await browser.context.newPage();
    await other.goto(demo(first.slug));
    await (
      await widgetFrame(other)
    )
      .getByText('You are a member of Identity A community.')
      .waitFor();
    await other.close();

    // Replaced on the member's second, explicit click only.
    await clickShown(replace);
    await panel.getByRole('button', { name: 'Join Identity B community' }).waitFor();
    expect(await onSecond.locator('.status .announce').textContent()).toBe('Identity restored.');
    expect(await page.evaluate(() => localStorage.getItem('bridgenotes:identity'))).not.toBe(kept);
    await page.close();
  });

  it('restores a backup only when it is one, and recognises its membership from the published group in a CLOSED community', async () => {
    const closed = await insertCommunity('Restoring community', 'OPEN');
    const identity = new Identity();
    const backup = identity.export();
    await joinDirectly(closed.slug, identity.commitment.toString());
    // Joined elsewhere (the CLI), then closed: restoring is the member's only way back in.
    await database.query(`UPDATE communities SET admission = 'CLOSED' WHERE id = $1`, [closed.id]);
    const post = `https://example.com/news/${closed.slug}`;
    const noteId = await insertNote(database, {
      communityId: closed.id,
      postId: await insertPost(database, post),
      text: TO_RATE_TEXT,
      sources: ['https://example.org/council/minutes'],
    });
    const page = await browser.context.newPage();
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: closed.slug, post, theme: 'light' })}`,
    );
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    const panel = frame.locator('.member');
    // With or without an identity kept from the tests before, Restore is offered.
    await panel.locator('details summary').click();
    const field = panel.getByLabel('Identity backup');
    const restore = panel.getByRole('button', { name: 'Restore', exact: true });
    for (const [pasted, reason] of [
      [backup.slice(0, 40), 'it has 40 characters where a backup has 44'],
      [`${backup.slice(0, 20)}!${backup.slice(20)}`, 'it holds characters a backup never has'],
      ['   ', 'nothing was pasted'],
    ]) {
      await field.fill(pasted);
      await restore.click();
      await panel
        .getByText(`This is not a Bridgenotes identity backup: ${reason}`, { exact: false })
        .waitFor();
    }
    expect(await frame.locator('form.rate').count()).toBe(0);

    await field.fill(`\n  ${backup}  \n`);
    await restore.click();
    await frame.getByText('You are a member of Restoring community.').waitFor();
    // The focus is on the member panel's heading, and the live region says what happened.
    expect(
      await frame.evaluate(() => [
        document.activeElement?.tagName,
        document.activeElement?.textContent,
      ]),
    ).toEqual(['H3', 'Member identity']);
    expect(await frame.locator('.status .announce').textContent()).toBe(
      'Identity restored: it is a member of Restoring community.',
    );
    // The restored member acts: its proof is made against the group it was recognised in.
    const form = frame.locator('form.rate');
    await form.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await form.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(form.getByRole('button', { name: 'Submit rating' }));
    await form.getByText('Rating saved.', { exact: false }).waitFor();
    const { rows } = await database.query('SELECT 1 FROM ratings WHERE note_id = $1', [noteId]);
    expect(rows).toHaveLength(1);
    expect(await seriousViolations(frame)).toEqual([]);
    await page.close();
  });

  it('says a join waiting for its batch is not active yet, shows no forms until it is sealed, then shows them', async () => {
    // On the batching API's demo page: its joins wait in the write buffer for a second member.
    const waiting = await insertCommunity('Waiting community', 'OPEN');
    const post = `https://example.com/news/${waiting.slug}/empty`;
    const page = await browser.context.newPage();
    await page.goto(
      `${batchingUrl}/demo?${new URLSearchParams({ community: waiting.slug, post, theme: 'light' })}`,
    );
    const frame = await widgetFrame(page);
    await withIdentity(frame, 'Create an identity');
    const answered = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        response.url() === `${batchingUrl}/communities/${waiting.slug}/members`,
    );
    await clickShown(frame.getByRole('button', { name: 'Join Waiting community' }));
    const answer = await answered;
    expect(answer.status()).toBe(201);
    expect(await answer.json()).toMatchObject({ leafIndex: null, pending: true });
    const commitment = await frame.evaluate(
      (slug) => localStorage.getItem(`bridgenotes:member:${slug}`),
      waiting.slug,
    );
    // The join is stored durably, in the buffer, and is no member yet.
    expect(await bufferedWrites(database, waiting.id)).toEqual([
      expect.objectContaining({ kind: 'join', actor: commitment }),
    ]);
    const pendingNow = async (on: Frame) => {
      await on
        .getByText('Your membership of Waiting community will be active once it is sealed', {
          exact: false,
        })
        .waitFor();
      expect(await on.getByRole('button', { name: 'Publish note' }).count()).toBe(0);
      expect(await on.getByRole('button', { name: 'Ask for a note on this post' }).count()).toBe(0);
    };
    // Settled first, so that a join taken as active fails here at once rather than on a wait.
    const announced = await eventually(async () => {
      const text = (await frame.locator('.status .announce').textContent()) ?? '';
      if (!text.startsWith('Joined')) throw new Error(`announced: ${text}`);
      return text;
    });
    expect(announced).toBe('Joined Waiting community; your membership is waiting to be sealed.');
    await pendingNow(frame);
    // At the next visit the widget looks for the commitment in the leaves: not there yet.
    await page.reload();
    const visit = await widgetFrame(page);
    await pendingNow(visit);
    const joinAgain = { name: 'Join Waiting community again' };
    expect(await visit.getByRole('button', joinAgain).count()).toBe(0);
    // A day later: this API seals by K members only (no time bound), so the join is never given
    // up. Join again is offered beside the pending notice, and sends the same commitment, which
    // the API answers as the join still waiting: nothing more is stored.
    await visit.evaluate(
      ([slug, since]) => localStorage.setItem(`bridgenotes:pending-since:${slug}`, since),
      [waiting.slug, `${commitment}:${Math.floor(Date.now() / 1000) - 25 * 60 * 60}`],
    );
    await page.reload();
    const dayLater = await widgetFrame(page);
    await pendingNow(dayLater);
    await dayLater.getByText('Waiting for more than a day?', { exact: false }).waitFor();
    const resent = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        response.url() === `${batchingUrl}/communities/${waiting.slug}/members`,
    );
    await clickShown(dayLater.getByRole('button', joinAgain));
    const resentAnswer = await resent;
    expect(resentAnswer.request().postDataJSON()).toEqual({ commitment });
    expect(await resentAnswer.json()).toMatchObject({ leafIndex: null, pending: true });
    const announcedAgain = await eventually(async () => {
      const text = (await dayLater.locator('.status .announce').textContent()) ?? '';
      if (!text.startsWith('Joined')) throw new Error(`announced: ${text}`);
      return text;
    });
    expect(announcedAgain).toBe(
      'Joined Waiting community; your membership is waiting to be sealed.',
    );
    await pendingNow(dayLater);
    // Waited for anew: no Join again until another day has passed.
    expect(await dayLater.getByRole('button', joinAgain).count()).toBe(0);
    expect(await bufferedWrites(database, waiting.id)).toEqual([
      expect.objectContaining({ kind: 'join', actor: commitment }),
    ]);

    // Another member joins and completes the batch, which the API seals.
    const group = await completeJoinBatch(batchingUrl, waiting.slug, commitment as string);
    expect(group.leaves.sort()).toEqual([commitment, group.second].sort());
    await page.reload();
    const again = await widgetFrame(page);
    await again.getByRole('button', { name: 'Publish note' }).waitFor();
    await again.getByText('You are a member of Waiting community.').waitFor();
    expect(await again.locator('.member .pending').count()).toBe(0);
    // And acts: its proof, against the sealed group, is accepted (the request then waits for a
    // batch of its own).
    await clickShown(again.getByRole('button', { name: 'Ask for a note on this post' }));
    await again.getByText('Request recorded.', { exact: false }).waitFor();
    await again.getByText('Members who asked for a note on this post: 1').waitFor();
    const requests = (await bufferedWrites(database, waiting.id)).filter(
      (write) => write.kind === 'request',
    );
    expect(requests).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          proof: expect.objectContaining({ merkleTreeRoot: group.root }),
        }),
      }),
    ]);
    await page.close();
  });

  it('translates a refusal of the API in the French widget, never showing its English message', async () => {
    const invited = await insertCommunity('Communauté sur invitation', 'INVITE');
    const post = `https://example.com/news/${invited.slug}/empty`;
    const page = await browser.context.newPage();
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: invited.slug, post, theme: 'light', locale: 'fr' })}`,
    );
    const frame = await widgetFrame(page);
    await withIdentity(frame, 'Créer une identité');
    await frame.getByLabel('Code d’invitation').fill('not-a-code-of-this-community');
    await clickShown(frame.getByRole('button', { name: 'Rejoindre Communauté sur invitation' }));
    const refusal = frame.locator('.member .feedback');
    await refusal
      .getByText('Ce code d’invitation n’est pas un code de cette communauté.', { exact: false })
      .waitFor();
    expect(await refusal.textContent()).toContain('(code INVITE_INVALID)');
    expect(await refusal.textContent()).not.toMatch(/invite code|does not belong/i);
    const { rows } = await database.query('SELECT 1 FROM members WHERE community_id = $1', [
      invited.id,
    ]);
    expect(rows).toHaveLength(0);
    await page.close();
  });
});
