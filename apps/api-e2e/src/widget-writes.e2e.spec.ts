import { randomUUID } from 'node:crypto';

import type { Client } from 'pg';
import type { Frame, Page, Route } from 'playwright-core';

import { minuteOf } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import type { Browser } from './support/browser';
import {
  clickShown,
  insertNote,
  insertOpenCommunity,
  insertPost,
  widgetFrame,
} from './support/widget-page';
import { startWidgetRig, stopWidgetRig, type WidgetRig } from './support/widget-rig';

/**
 * What a member's writes through the widget's frame do when the browser or the network gets in
 * the way, in Debian's Chromium against the built API: another tab of the same browser, an
 * answer lost on its way back, a service that fails.
 */
describe('a member’s writes in the widget when something gets in the way', () => {
  let rig: WidgetRig | undefined;
  let apiUrl: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `w-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;
  let postId: string;
  const MEMBER = 'You are a member of Writes community.';

  const demo = () =>
    `${apiUrl}/demo?${new URLSearchParams({ community: community.slug, post: postUrl, theme: 'light' })}`;

  beforeAll(async () => {
    rig = await startWidgetRig(async (db) => {
      await insertOpenCommunity(db, community, 'Writes community');
      postId = await insertPost(db, postUrl);
    });
    ({ apiUrl, database, browser } = rig);
  });

  afterAll(() => stopWidgetRig(rig));

  /** `page` loaded anew on the demo, with the member's area open. */
  async function opened(page: Page): Promise<Frame> {
    await page.goto(demo());
    const frame = await widgetFrame(page);
    const toggle = frame.getByRole('button', { name: /^Help rate notes/ });
    // A post with no notes shows the member's area at once, with no toggle.
    await Promise.race([toggle.waitFor(), frame.locator('section.member').waitFor()]);
    if (await toggle.count()) await toggle.click();
    return frame;
  }

  /** A new page whose frame keeps no identity (the origin's storage cleared). */
  async function freshPage(): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.context.newPage();
    await page.goto(demo());
    await page.evaluate(() => localStorage.clear());
    return { page, frame: await opened(page) };
  }

  /** A new page whose frame keeps a new identity, a member of the community. */
  async function member(): Promise<{ page: Page; frame: Frame }> {
    const { page, frame } = await freshPage();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    await clickShown(frame.getByRole('button', { name: 'Join Writes community' }));
    await frame.getByText(MEMBER).waitFor();
    return { page, frame };
  }

  it('never replaces, from a tab loaded before, the identity another tab created and joined with', async () => {
    const { page: later, frame: laterFrame } = await freshPage();
    // This tab's Create waits for its prover until the other tab has joined.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken = false;
    const sent = new Promise<void>((resolve) => {
      void browser.context.route('**/widget/prover.js', async (route: Route) => {
        if (taken) return route.continue();
        taken = true;
        resolve();
        await held;
        await route.continue();
      });
    });
    try {
      await laterFrame.getByRole('button', { name: 'Create an identity' }).click();
      await sent;
      const first = await browser.context.newPage();
      const firstFrame = await opened(first);
      await firstFrame.getByRole('button', { name: 'Create an identity' }).click();
      await clickShown(firstFrame.getByRole('button', { name: 'Join Writes community' }));
      await firstFrame.getByText(MEMBER).waitFor();
      const identity = await first.evaluate(() => localStorage.getItem('bridgenotes:identity'));
      // The tab loaded before shows the membership, with nothing clicked (re-rendered on the
      // other tab's write, it downloads the group to look for the join: the common patience).
      await laterFrame.getByText(MEMBER).waitFor();
      release();
      // Its Create, answered now, keeps nothing and says why.
      await laterFrame
        .locator('.announce', { hasText: 'was not replaced' })
        .waitFor({ state: 'attached' });
      expect(await later.evaluate(() => localStorage.getItem('bridgenotes:identity'))).toBe(
        identity,
      );
      expect(await laterFrame.getByText(MEMBER).isVisible()).toBe(true);
      const again = await opened(first);
      await again.getByText(MEMBER).waitFor();
      await first.close();
    } finally {
      release();
      await browser.context.unroute('**/widget/prover.js');
    }
    await later.close();
  });

  it('sends a note whose answer was lost again unchanged: one note is stored, not two', async () => {
    const { page, frame } = await member();
    const text = `A note whose answer is lost ${randomUUID()}`;
    const form = frame.locator('form.write');
    await form.getByRole('radio', { name: 'Not misleading' }).check();
    await form.getByRole('checkbox', { name: 'Factually correct' }).check();
    await form.getByLabel('Note (at most 280 characters').fill(text);
    // The first request reaches the API, which stores the note; its answer never comes back.
    let provenAt: number | undefined;
    await page.route('**/notes', async (route: Route) => {
      if (route.request().method() !== 'POST' || provenAt !== undefined) return route.continue();
      provenAt = (route.request().postDataJSON() as { clientMinute: number }).clientMinute;
      await route.fetch();
      await route.abort('internetdisconnected');
    });
    await clickShown(form.getByRole('button', { name: 'Publish note' }));
    await form.getByText('The service could not be reached', { exact: false }).waitFor();
    // A proof made now would carry another minute, and so another message than the stored one.
    await eventually(async () => {
      if (minuteOf(Date.now()) <= (provenAt as number)) throw new Error('the same minute');
    }, 70_000);
    await clickShown(form.getByRole('button', { name: 'Publish note' }));
    await form.getByText('Note published.', { exact: false }).waitFor();
    const { rows } = await database.query('SELECT id FROM notes WHERE text = $1', [text]);
    expect(rows).toHaveLength(1);
    await page.close();
  });

  it('says a download of the group that failed, not “something went wrong”', async () => {
    const { page } = await member();
    await insertNote(database, {
      communityId: community.id,
      postId,
      text: `A note to rate ${randomUUID()}`,
      sources: ['https://example.org/source'],
    });
    const again = await opened(page);
    const leaves = `**/communities/${community.slug}/group/leaves`;
    await browser.context.route(leaves, (route: Route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{}' }),
    );
    try {
      const rateForm = again.locator('form.rate').first();
      await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
      await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
      await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
      await rateForm
        .getByText('The community’s group could not be downloaded', { exact: false })
        .waitFor();
      expect(await rateForm.getByText('Something went wrong', { exact: false }).count()).toBe(0);
    } finally {
      await browser.context.unroute(leaves);
    }
    await page.close();
  });

  it('proves the instance’s minute, not that of a device clock seven minutes ahead', async () => {
    const text = `A note rated on a fast clock ${randomUUID()}`;
    await insertNote(database, {
      communityId: community.id,
      postId,
      text,
      sources: ['https://example.org/source'],
    });
    const { page } = await member();
    // Every frame of the page reads a clock 7 minutes ahead (the API runs on this machine's).
    await page.addInitScript(() => {
      const deviceNow = Date.now;
      Date.now = () => deviceNow() + 7 * 60_000;
    });
    const frame = await opened(page);
    const rated = page.waitForRequest(
      (request) => request.method() === 'PUT' && request.url().endsWith('/rating'),
    );
    const rateForm = frame.locator('.note', { hasText: text }).locator('form.rate');
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    const before = minuteOf(Date.now());
    await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
    const { clientMinute } = (await rated).postDataJSON() as { clientMinute: number };
    // A device's error in every proven minute would tell its writes apart (ServerClock).
    expect(clientMinute).toBeGreaterThanOrEqual(before - 1);
    expect(clientMinute).toBeLessThanOrEqual(minuteOf(Date.now()));
    await rateForm.getByRole('status').filter({ hasText: 'Rating saved.' }).waitFor();
    await page.close();
  });

  it('leaves the focus where the member went while the proof was made, and says the outcome', async () => {
    const text = `A note rated while the member is elsewhere ${randomUUID()}`;
    await insertNote(database, {
      communityId: community.id,
      postId,
      text,
      sources: ['https://example.org/source'],
    });
    const { page, frame } = await member();
    // The rating's answer is held until the member has moved on to the page around the frame.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sent = new Promise<void>((resolve) => {
      void page.route('**/notes/*/rating', async (route: Route) => {
        resolve();
        await held;
        await route.continue();
      });
    });
    const rateForm = frame.locator('.note', { hasText: text }).locator('form.rate');
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
    await sent;
    await page.evaluate(() => {
      const elsewhere = document.createElement('input');
      elsewhere.id = 'elsewhere';
      elsewhere.setAttribute('aria-label', 'Search this page');
      document.body.prepend(elsewhere);
      elsewhere.focus();
    });
    release();
    await rateForm.getByRole('status').filter({ hasText: 'Rating saved.' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('elsewhere');
    await page.close();
  });

  it('says that a note deleted meanwhile takes no rating, not to try later', async () => {
    const { page } = await member();
    const text = `A note its author deletes ${randomUUID()}`;
    const noteId = await insertNote(database, {
      communityId: community.id,
      postId,
      text,
      sources: ['https://example.org/source'],
    });
    const frame = await opened(page);
    await database.query('UPDATE notes SET deleted_at = now() WHERE id = $1', [noteId]);
    const rateForm = frame.locator('.note', { hasText: text }).locator('form.rate');
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm
      .getByText('Its author deleted this note: it takes no more ratings.', { exact: false })
      .waitFor();
    expect(await rateForm.getByText('Try again later', { exact: false }).count()).toBe(0);
    await page.close();
  });
});
