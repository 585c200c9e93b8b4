import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import { Browser, launchChromium } from './support/browser';
import { untilReady } from './support/http';
import { RunningApp, startBuiltApi } from './support/processes';
import {
  clickShown,
  startHostSite,
  untilHidden,
  untilShown,
  widgetFrame,
} from './support/widget-page';

/** The start of every refusal of the guard (hidden panel, not confirmed). */
const REFUSED = 'Nothing was sent:';
const ASKED = 'Members who asked for a note on this post: 1';

/**
 * Click-jacking, in Debian's Chromium: a host page on another origin (which knows its signed-in
 * user, the post and the moment) makes the widget's frame invisible, or paints a decoy over it
 * that lets clicks through, and steers its user's click onto "Ask for a note on this post", whose
 * public request row would name the member's pseudonym. The frame refuses what it was not seen
 * to show unless the member confirms it in the browser's own dialog, which no page can cover:
 * nothing is proven or sent, and the member is told why. A member whose page's own layout hides
 * the frame from the observer (a filter over the whole page) confirms, after reading, and asks.
 */
describe('a page that hides or covers the widget', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let host: Server;
  let hostOrigin: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `c-${randomUUID().slice(0, 8)}`, id: randomUUID() };

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi());
    // A post with no notes: the member's forms, and Ask, show at once.
    ({ server: host, origin: hostOrigin } = await startHostSite(
      (path) => `<!doctype html><html lang="en"><head><title>Host</title></head><body>
        <h1>A site that knows its signed-in user</h1>
        <script async src="${apiUrl}/embed.js" data-community="${community.slug}"
          data-post-url="https://example.com/news/${community.slug}${path}"
          data-theme="light"></script></body></html>`,
    ));
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, 'Covered community', $3, 'OPEN', $4, 0, now())`,
      [community.id, community.slug, communityScope(community.id).toString(), [hostOrigin]],
    );
    await untilReady(apiUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await new Promise((resolve) => host?.close(resolve));
    await database?.end();
  });

  /** A member of the community (the frame's storage outlasts the page), on a post of `path`. */
  async function memberOn(path: string): Promise<{ page: Page; frame: Frame; asked: string[] }> {
    const page = await browser.context.newPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/note-requests')) {
        asked.push(request.url());
      }
    });
    await page.goto(`${hostOrigin}${path}`);
    const frame = await widgetFrame(page);
    const create = frame.getByRole('button', { name: 'Create an identity' });
    const ask = frame.getByRole('button', { name: 'Ask for a note on this post' });
    await create.or(ask).waitFor();
    if (await create.isVisible()) {
      await create.click();
      await clickShown(frame.getByRole('button', { name: 'Join Covered community' }));
      await frame.getByText('You are a member of Covered community.').waitFor();
    }
    await ask.waitFor();
    return { page, frame, asked };
  }

  /** Clicks where Ask is, as the page's user aiming at the page's own content would. */
  async function clickAsk(page: Page, frame: Frame): Promise<void> {
    const box = await frame
      .getByRole('button', { name: 'Ask for a note on this post' })
      .boundingBox();
    if (!box) throw new Error('Ask is not laid out');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // Refused (the fix) or sent (the attack working): either ends the action.
    await frame.getByText(REFUSED, { exact: false }).or(frame.getByText(ASKED)).waitFor();
  }

  /**
   * Ask, shown long enough to be read (the 500 ms rule alone does not refuse it), then hidden by
   * `hide` until the frame's observer has seen it hidden: only what the page did refuses it.
   */
  async function hiddenAfterShown(frame: Frame, hide: () => Promise<unknown>): Promise<void> {
    await untilShown(frame.getByRole('button', { name: 'Ask for a note on this post' }));
    await hide();
    await untilHidden(frame, 'Ask for a note');
  }

  /** The browser dialogs the frame opens on `page`, each dismissed (the user never reads them). */
  function dismissed(page: Page): string[] {
    const asked: string[] = [];
    page.on('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    return asked;
  }

  it('sends nothing for a click on the frame made invisible (opacity 0), and says why', async () => {
    const { page, frame, asked } = await memberOn('/faded');
    const dialogs = dismissed(page);
    const ask = frame.getByRole('button', { name: 'Ask for a note on this post' });
    // The page fades the frame and its user clicks a decoy of its own there.
    const fade = 'bridgenotes-widget iframe{opacity:0}';
    await hiddenAfterShown(frame, () => page.addStyleTag({ content: fade }));
    await clickAsk(page, frame);
    expect(asked).toEqual([]);
    // Asked in the browser's own dialog, which the page cannot fade: not confirmed.
    expect(dialogs).toEqual([expect.stringContaining('Ask for a note on this post')]);
    await page.evaluate(() => document.querySelector('head style:last-of-type')?.remove());
    await frame.getByText(REFUSED, { exact: false }).waitFor({ state: 'visible' });
    expect(asked).toEqual([]);

    // Shown again and read: the member's own click asks, with no dialog.
    await clickShown(ask);
    await frame.getByText(ASKED).waitFor();
    expect(asked).toHaveLength(1);
    expect(dialogs).toHaveLength(1);
    await page.close();
  });

  it('sends nothing for a click through a decoy painted over the frame', async () => {
    const { page, frame, asked } = await memberOn('/covered');
    const dialogs = dismissed(page);
    // Over the frame, letting clicks through to it: the page's user sees and aims at the decoy.
    await hiddenAfterShown(frame, () =>
      page.evaluate(() => {
        const frameBox = (
          document.querySelector('bridgenotes-widget iframe') as HTMLIFrameElement
        ).getBoundingClientRect();
        const decoy = document.createElement('div');
        decoy.id = 'decoy';
        decoy.textContent = 'Claim your prize';
        decoy.style.cssText = `position:absolute;left:${frameBox.left + scrollX}px;top:${
          frameBox.top + scrollY
        }px;width:${frameBox.width}px;height:${frameBox.height}px;background:#fff;pointer-events:none`;
        document.body.append(decoy);
      }),
    );
    await clickAsk(page, frame);
    expect(asked).toEqual([]);
    expect(dialogs).toHaveLength(1);
    await page.evaluate(() => document.getElementById('decoy')?.remove());
    await frame.getByText(REFUSED, { exact: false }).waitFor({ state: 'visible' });
    expect(asked).toEqual([]);
    await page.close();
  });

  it("asks a member whose page's own layout hides the frame from the observer, and sends once they confirm after reading", async () => {
    const { page, frame, asked } = await memberOn('/filtered');
    // A page-wide filter (a grayscale theme): Chromium's observer never reports the frame visible.
    await hiddenAfterShown(frame, () => page.addStyleTag({ content: 'html{filter:grayscale(1)}' }));
    // The member reads the question (the dialog stays open a second: the scenario), then confirms.
    page.once('dialog', (dialog) => void setTimeout(() => void dialog.accept(), 1000));
    await clickAsk(page, frame);
    await frame.getByText(ASKED).waitFor();
    expect(asked).toHaveLength(1);
    await page.close();
  });
});
