import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import type { Client } from 'pg';
import type { Dialog, Page } from 'playwright-core';

import { commitmentOf, createIdentity, exportIdentity, pseudonymOf } from '@bridgenotes/client';
import {
  canonicalPostUrl,
  communityScope,
  lookupPrefixOf,
  postLookupHash,
} from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { type Browser, paintedScreenshot, screenshotFolder } from './support/browser';
import { closedShadowButton, closedShadowFrameSrc, inContentScript } from './support/closed-shadow';
import {
  type ExtensionRig,
  followIn,
  insertCommunities,
  insertNote,
  insertPost,
  launchWithExtension,
  openSettings,
  panelOf as panelIn,
  publishHelpful,
  startExtensionRig,
  stopExtensionRig,
} from './support/extension';
import { FAKE_POSTS, FakePost } from './support/fake-platforms';
import type { RecordingProxy } from './support/recording-proxy';
import { clickShown, untilHidden, untilShown } from './support/widget-page';

const helpfulText = (platform: string) => `Context for the ${platform} post: the bridge closed.`;
const TO_RATE_TEXT = 'The footpath on the bridge stays open during the works.';
const WRITTEN_TEXT = 'The council moved the closure: works now start in April, see the minutes.';
const SECOND_TEXT = 'Cyclists may cross the bridge again from May, the council says.';
const SAME_TEXT = 'The ferry runs every twenty minutes while the bridge is closed.';
const RACE_TEXT = {
  a: 'Post A: the council voted on the bridge in March.',
  b: 'Post B: the new bridge opens in 2028, not 2027.',
};

/** A page of the community's own site, keyed by its URL. */
const sitePost = (path: string, title: string): FakePost => ({
  platform: 'site',
  url: `https://citynews.example/${path}`,
  key: { canonicalUrl: `https://citynews.example/${path}` },
  title,
  body: `<h1>${title}</h1>`,
});
// Two posts whose helpful notes read the same: the member wrote the first one's.
const ownPost = sitePost('ferry-own', 'The ferry timetable');
const othersPost = sitePost('ferry-other', 'The ferry timetable, again');
// Two posts of one site, between which the reader moves without loading a page.
const racePosts = { a: sitePost('race-a', 'The vote'), b: sitePost('race-b', 'The opening') };
const docs = screenshotFolder();
/** Any failure the extension says: its own sentences, or an instance's refusal with its code. */
const FAILED = /That did not work|\(code [A-Z_]+\)/;

/**
 * The browser extension in Debian's Chromium (headless, loaded with --load-extension), against
 * the built API as a process behind a proxy that records what the instance receives. Pages made
 * to look like posts of each platform are served locally under the platforms' own addresses.
 * (Joining with a proof-of-work, a join waiting for its batch, and recognising a membership made
 * elsewhere are in extension-membership.e2e.spec.ts.)
 */
describe('browser extension', () => {
  let rig: ExtensionRig | undefined;
  let proxy: RecordingProxy;
  let database: Client;
  let browser: Browser;
  let extensionId: string;
  const community = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const other = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const listed = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // An identity made by the CLI (its file holds exactly this backup), restored in the extension.
  const cliIdentity = createIdentity();
  let listingPage: FakePost;
  let toRateId: string;

  const insertNoteOn = (postId: string, text: string) =>
    insertNote(database, community.id, postId, text);

  const panelOf = (page: Page) => panelIn(page, extensionId);
  const options = (on = browser): Promise<Page> => openSettings(on, extensionId);
  const follow = (page: Page, slug: string, name: string) => followIn(page, proxy.url, slug, name);

  beforeAll(async () => {
    rig = await startExtensionRig({
      pages: (proxyUrl) => {
        // A community's own site, listing the community for readers with the extension.
        listingPage = {
          platform: 'site',
          url: 'https://citynews.example/notes',
          key: { canonicalUrl: 'https://citynews.example/notes' },
          title: 'City News: our community notes',
          body: '<h1>Follow our community notes</h1>',
          head: `<link rel="bridgenotes-community" href="${proxyUrl}/communities/${listed.slug}">`,
        };
        return [...FAKE_POSTS, listingPage, ownPost, othersPost, racePosts.a, racePosts.b];
      },
      seed: async (client) => {
        database = client;
        await insertCommunities(database, [
          [community, 'Bridge watchers', 'OPEN'],
          [other, 'Second opinion', 'OPEN'],
          [listed, 'City News readers', 'OPEN'],
        ]);
        for (const post of FAKE_POSTS) {
          const postId = await insertPost(database, post.key);
          await publishHelpful(
            database,
            community.id,
            await insertNoteOn(postId, helpfulText(post.platform)),
          );
          if (post.platform === 'x') toRateId = await insertNoteOn(postId, TO_RATE_TEXT);
        }
        const member = pseudonymOf(cliIdentity, communityScope(community.id).toString());
        for (const [post, text, author] of [
          [ownPost, SAME_TEXT, member],
          [othersPost, SAME_TEXT, '7'],
          [racePosts.a, RACE_TEXT.a, '7'],
          [racePosts.b, RACE_TEXT.b, '7'],
        ] as const) {
          const noteId = await insertNoteOn(await insertPost(database, post.key), text);
          await database.query('UPDATE notes SET author_pseudonym = $2 WHERE id = $1', [
            noteId,
            author,
          ]);
          await publishHelpful(database, community.id, noteId);
        }
      },
    });
    ({ proxy, browser, extensionId } = rig);
  });

  afterAll(() => stopExtensionRig(rig));

  it('follows several communities, and leaving one is one click', async () => {
    const page = await options();
    await follow(page, community.slug, 'Bridge watchers');
    await follow(page, other.slug, 'Second opinion');
    await page.getByRole('button', { name: 'Leave Second opinion' }).waitFor();
    await page.getByRole('button', { name: 'Leave Second opinion' }).click();
    await page.getByText('No longer following Second opinion.').waitFor();
    expect(await page.getByRole('button', { name: /^Leave / }).allTextContents()).toEqual([
      'Leave Bridge watchers',
    ]);
    await follow(page, other.slug, 'Second opinion');
    // "Following Second opinion." is also the end of the line before ("No longer following…"):
    // the follow is kept once its Leave button is back, and only then is the page closed.
    await page.getByRole('button', { name: 'Leave Second opinion' }).waitFor();
    await page.close();
  });

  /** The offer's button in `page`'s closed shadow root, once shown. */
  const shownOffer = (page: Page) =>
    eventually(async () => {
      const button = await closedShadowButton(page, 'offer');
      if (!button || button.hidden) throw new Error('no offer yet');
      return button;
    });

  it('offers to follow the community a page lists: the click opens the settings, where the reader follows it (a page hiding the offer under a steered click follows nothing)', async () => {
    const page = await browser.context.newPage();
    await page.goto(listingPage.url);
    const offer = await shownOffer(page);
    expect(offer.text).toBe(`Follow City News readers (${new URL(proxy.url).host}) on Bridgenotes`);
    // The page hides the offer (its rule outweighs the host's `all: initial`), points its listing
    // elsewhere once the offer is shown, and steers the reader's click onto it.
    await page.evaluate((href) => {
      document.querySelector('link[rel="bridgenotes-community"]')?.setAttribute('href', href);
      const style = document.createElement('style');
      style.textContent = 'bridgenotes-extension { opacity: 0 !important; }';
      document.head.append(style);
    }, `${proxy.url}/communities/${other.slug}`);
    const opened = browser.context.waitForEvent('page');
    await offer.click();
    // The click follows nothing: it opens the settings, in a tab of their own that no page can
    // style or cover, with the community the button named filled in.
    const settings = await opened;
    await settings.getByText('A page offered to follow', { exact: false }).waitFor();
    expect(await settings.getByLabel('Instance address').inputValue()).toBe(
      new URL(proxy.url).origin,
    );
    expect(await settings.getByLabel('Community').inputValue()).toBe(listed.slug);
    await settings.getByRole('button', { name: 'Leave Second opinion' }).waitFor();
    expect(await settings.getByRole('button', { name: /^Leave / }).allTextContents()).toEqual([
      'Leave Bridge watchers',
      'Leave Second opinion',
    ]);
    // The reader's click there follows it.
    await settings.getByRole('button', { name: 'Follow', exact: true }).click();
    await settings.getByText('Following City News readers.').waitFor();
    // Followed now, the page shows the same offer (a page must not tell what the reader follows
    // by the offer's absence); only the settings it opens say that it is followed.
    const again = await browser.context.newPage();
    await again.goto(listingPage.url);
    const offeredAgain = await shownOffer(again);
    expect(offeredAgain.text).toBe(offer.text);
    const reopened = browser.context.waitForEvent('page');
    await offeredAgain.click();
    const followedSettings = await reopened;
    await followedSettings.getByText('you follow it already', { exact: false }).waitFor();
    await followedSettings.close();
    await again.close();
    // Leaving is one click; the page then offers it again.
    await settings.getByRole('button', { name: 'Leave City News readers' }).click();
    await settings.getByText('No longer following City News readers.').waitFor();
    await settings.close();
    await page.close();
  });

  it("shows each platform's post its helpful note, and the instance learns only hash prefixes", async () => {
    proxy.received.length = 0;
    const page = await browser.context.newPage();
    for (const post of FAKE_POSTS) {
      await page.goto(post.url);
      const panel = await panelOf(page);
      await panel.getByText(helpfulText(post.platform)).waitFor();
      // No other platform's note: the post was recognised, not the site.
      expect(await panel.locator('.note .text').allTextContents()).toEqual([
        helpfulText(post.platform),
      ]);
      expect(
        await panel.getByText('Rated helpful by people who usually disagree').textContent(),
      ).toContain('80% helpful from 5 ratings on one side, 75% from 4 on the other');
      await panel.getByText('From Bridge watchers on 127.0.0.1').waitFor();
    }
    // On a phone's width the panel keeps a margin on each side (it was 380 px wide whatever the
    // screen, and hid part of the page and of itself).
    await page.setViewportSize({ width: 360, height: 700 });
    const panel = await panelOf(page);
    await eventually(async () => {
      const width = await panel.evaluate(() => window.innerWidth);
      if (width > 360 - 32) throw new Error(`the panel is ${width} px wide on a 360 px screen`);
    });
    await page.close();

    // What the instance received while the reader read the seven posts.
    const received = proxy.received.map(({ method, url, headers, body }) => ({
      method,
      url,
      headers,
      body,
      referer: headers['referer'],
      cookie: headers['cookie'],
    }));
    console.log(
      `What the instance received for the lookups:\n${JSON.stringify(received, null, 2)}`,
    );
    expect(received.length).toBeGreaterThan(0);
    for (const request of received) {
      expect(request.method).toBe('GET');
      expect(request.url).toMatch(
        new RegExp(`^/communities/(${community.slug}|${other.slug})/lookup/[0-9a-f]{4}$`),
      );
      expect(request.referer).toBeUndefined();
      expect(request.cookie).toBeUndefined();
    }
    const everything = JSON.stringify(proxy.received);
    for (const post of FAKE_POSTS) {
      expect(everything).not.toContain(new URL(post.url).hostname);
      expect(everything).not.toContain(new URL(post.url).pathname);
      const key = post.key;
      if ('externalId' in key) expect(everything).not.toContain(key.externalId);
      else expect(everything).not.toContain(key.canonicalUrl);
      // Nor the post's whole lookup hash: only its first four digits.
      const hash = postLookupHash(key);
      expect(everything).not.toContain(hash.slice(0, 8));
      expect(received.map((request) => request.url)).toContain(
        `/communities/${community.slug}/lookup/${hash.slice(0, 4)}`,
      );
      // One key per page: a platform post's URL is not looked up beside its id (two prefixes of
      // one post asked together would tell 32 bits of it).
      if ('externalId' in key) {
        const urlPrefix = postLookupHash({ canonicalUrl: canonicalPostUrl(post.url) }).slice(0, 4);
        expect(received.map((request) => request.url)).not.toContain(
          `/communities/${community.slug}/lookup/${urlPrefix}`,
        );
      }
    }
  });

  it('shows nothing in a panel that a page frames itself (no clicks steered onto it), and a page cannot frame it by the extension id at all', async () => {
    const page = await browser.context.newPage();
    const article = FAKE_POSTS[FAKE_POSTS.length - 1];
    await page.goto(article.url);
    await (await panelOf(page)).getByText(helpfulText(article.platform)).waitFor();
    const frameFromPage = (src: string) =>
      page.evaluate(
        (address) =>
          new Promise<void>((resolve) => {
            const frame = document.createElement('iframe');
            frame.addEventListener('load', () => resolve(), { once: true });
            frame.src = address;
            document.body.append(frame);
          }),
        src,
      );
    // By the extension's id, the one address a page could know: Chromium refuses the panel there
    // (it is web-accessible by a dynamic address only), so a page cannot tell the extension is
    // installed by framing it.
    await frameFromPage(`chrome-extension://${extensionId}/panel.html#by-id`);
    const byId = page.frames().filter((frame) => frame.url().includes('by-id'));
    expect(byId).toEqual([]);
    // The page's own script frames the panel, for the X post, with a token of its making, at the
    // address its content script used (which the page could not read: a closed shadow root).
    const address = await closedShadowFrameSrc(page);
    if (!address) throw new Error('the panel frame has no address');
    // The session's address, not the id's: the page could not have guessed it.
    expect(address.startsWith(`chrome-extension://${extensionId}/`)).toBe(false);
    const forged = encodeURIComponent(
      JSON.stringify({ url: FAKE_POSTS[0].url, canonical: null, token: 'forged' }),
    );
    await frameFromPage(`${address.split('#')[0]}#${forged}`);
    const framed = await eventually(async () => {
      const frame = page.frames().find((candidate) => candidate.url().includes('forged'));
      if (!frame) throw new Error('not framed yet');
      return frame;
    });
    await framed.getByRole('heading', { name: 'Community notes' }).waitFor();
    await eventually(async () => {
      const status = await framed.locator('.status').first().textContent();
      if (status !== '') throw new Error(`status ${status}`);
    });
    expect(await framed.locator('.note, .community, form').count()).toBe(0);
    await page.close();
  });

  it('refuses a restore of an empty box or of text that is no backup, keeping nothing: Create still works after it', async () => {
    // In a browser of its own: the test's browser keeps its Restore for the CLI's identity.
    const elsewhere = await launchWithExtension(rig?.platforms.hostResolverRules ?? '');
    try {
      const settings = await options(elsewhere);
      await follow(settings, community.slug, 'Bridge watchers');
      const host = new URL(proxy.url).host;
      const box = settings.getByLabel(`Identity backup for ${host}`);
      await box.fill('   ');
      await settings.getByRole('button', { name: 'Restore' }).click();
      // Said next to the box, which is marked invalid; nothing is kept.
      await settings.getByText('Paste the identity backup first').waitFor();
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      // Text that is no backup is refused by the prover's import, said there too.
      await box.fill('not an identity backup');
      await settings.getByRole('button', { name: 'Restore' }).click();
      await settings.getByText('This is not an identity backup, so nothing was kept').waitFor();
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      expect(await settings.getByText('Identity restored').count()).toBe(0);
      await settings.getByRole('button', { name: `Create an identity for ${host}` }).click();
      await settings.getByRole('button', { name: `Back up identity for ${host}` }).waitFor();
      await settings.getByRole('button', { name: 'Join Bridge watchers' }).waitFor();
      expect(await settings.getByText(FAILED).count()).toBe(0);
      await settings.close();
    } finally {
      await elsewhere.close();
    }
  });

  it('lets a member rate from the panel with a proof made in the extension, and the rating lands', async () => {
    const settings = await options();
    const host = new URL(proxy.url).host;
    // An empty box is refused next to it, and the Restore then works.
    await settings.getByRole('button', { name: 'Restore' }).click();
    await settings.getByText('Paste the identity backup first').waitFor();
    await settings.getByLabel(`Identity backup for ${host}`).fill(exportIdentity(cliIdentity));
    await settings.getByRole('button', { name: 'Restore' }).click();
    await settings.getByText(`Identity restored for ${host}.`).waitFor();
    await settings.getByRole('button', { name: 'Join Bridge watchers' }).click();
    await settings.locator('.identity').getByText('You are a member of Bridge watchers.').waitFor();
    const { rows: members } = await database.query<{ commitment: string }>(
      'SELECT commitment FROM members WHERE community_id = $1',
      [community.id],
    );
    expect(members).toEqual([{ commitment: commitmentOf(cliIdentity) }]);
    // The backup the extension shows is the CLI's and the widget's format, the same string.
    await settings.getByRole('button', { name: `Back up identity for ${host}` }).click();
    expect(await settings.getByLabel(`Back up identity for ${host}`).inputValue()).toBe(
      exportIdentity(cliIdentity),
    );
    await settings.close();

    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[0].url);
    const panel = await panelOf(page);
    await panel.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await panel.getByText(TO_RATE_TEXT).waitFor();
    await panel.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await panel.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(panel.getByRole('button', { name: 'Submit rating' }));
    // The whole sentence: the service worker kept the rating to show it back (the panel may
    // not write the storage itself, shared/storage.ts).
    await panel
      .getByText('Rating saved. It counts at the next scoring run, usually within a few minutes.')
      .waitFor();
    await panel.getByText('You rated this: Helpful').waitFor();

    const { rows } = await database.query<{ helpfulness: string; tags: string[]; proof: object }>(
      'SELECT helpfulness, tags, proof FROM ratings WHERE note_id = $1',
      [toRateId],
    );
    expect(rows).toEqual([expect.objectContaining({ helpfulness: 'HELPFUL', tags: ['CLEAR'] })]);
    expect(rows[0].proof).toEqual(expect.objectContaining({ merkleTreeDepth: 20 }));
    const pseudonym = (rows[0].proof as { nullifier: string }).nullifier;

    // The member changes the rating twice in a row, within a minute or so: each change is
    // proven with the minute after the kept one, so each is accepted.
    const ratingOf = async () => {
      const { rows: latest } = await database.query<{ helpfulness: string; client_minute: number }>(
        'SELECT helpfulness, client_minute FROM ratings WHERE note_id = $1',
        [toRateId],
      );
      return latest;
    };
    const [first] = await ratingOf();
    for (const [choice, helpfulness, tag] of [
      ['Not helpful', 'NOT_HELPFUL', 'Incorrect'],
      ['Somewhat helpful', 'SOMEWHAT_HELPFUL', ''],
    ]) {
      await panel.getByRole('radio', { name: choice, exact: true }).check();
      if (tag) {
        // Not helpful without a tag could never settle the note: asked for before any proof.
        await clickShown(panel.getByRole('button', { name: 'Submit rating' }));
        await panel.getByText('Choose at least one of these.').waitFor();
        await panel.getByRole('checkbox', { name: tag, exact: true }).check();
      }
      await clickShown(panel.getByRole('button', { name: 'Submit rating' }));
      await panel.getByText(`You rated this: ${choice}`).waitFor();
      expect(await panel.getByText(FAILED).count()).toBe(0);
      const [changed] = await eventually(async () => {
        const latest = await ratingOf();
        if (latest[0]?.helpfulness !== helpfulness) throw new Error(JSON.stringify(latest));
        return latest;
      });
      expect(Number(changed.client_minute)).toBeGreaterThan(Number(first.client_minute));
    }

    // The panel checks a note as the API would before spending a proof on it…
    await panel.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await panel.getByRole('checkbox', { name: 'Outdated information' }).check();
    await panel.getByLabel('Note (at most 280 characters').fill(WRITTEN_TEXT);
    await clickShown(panel.getByRole('button', { name: 'Publish note' }));
    await panel
      .getByText('A note saying the post may mislead needs at least one source.')
      .waitFor();
    // …then writes it on the post by its platform id, under the member's pseudonym.
    await panel.getByLabel('Sources, one link per line').fill('https://example.org/council/2026');
    await clickShown(panel.getByRole('button', { name: 'Publish note' }));
    await panel.getByText('Note published.').waitFor();
    const { rows: written } = await database.query(
      `SELECT n.author_pseudonym, p.platform, p.external_id FROM notes n JOIN posts p ON p.id = n.post_id
        WHERE n.text = $1`,
      [WRITTEN_TEXT],
    );
    expect(written).toEqual([
      { author_pseudonym: pseudonym, platform: 'x', external_id: '1861092427542737157' },
    ]);
    // The member's own note is marked, and offers no rating form (the API refuses self-rating).
    const own = panel.locator('.note', { hasText: WRITTEN_TEXT });
    await own.getByText('Your note').waitFor();
    expect(await own.locator('form.rate').count()).toBe(0);

    // And asks for a note on the post, once. Not when the platform page steers a click there
    // through a decoy it paints over the panel (later in the document at the panel's z-index, so
    // on top, letting clicks through): the browser's own dialog asks first, which the member never
    // read here (dismissed), so nothing is sent, and the member is told why.
    await panel.getByText('Members who asked for a note on this post: 0').waitFor();
    const ask = panel.getByRole('button', { name: 'Ask for a note on this post' });
    // Shown long enough to be read first: only the decoy refuses the click.
    await untilShown(ask);
    const box = await ask.boundingBox();
    if (!box) throw new Error('Ask is not laid out');
    await page.evaluate(() => {
      const decoy = document.createElement('div');
      decoy.id = 'decoy';
      decoy.style.cssText =
        'position:fixed;inset:0;z-index:2147483647;background:#fff;pointer-events:none';
      document.documentElement.append(decoy);
    });
    // The panel's observer has seen it covered.
    await untilHidden(panel, 'Ask for a note');
    const dialogs: string[] = [];
    const dismiss = (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    };
    page.on('dialog', dismiss);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const refused = panel.getByText('Nothing was sent:', { exact: false });
    await refused.or(panel.getByText('Members who asked for a note on this post: 1')).waitFor();
    const asked = () =>
      database.query('SELECT 1 FROM note_requests WHERE community_id = $1', [community.id]);
    expect((await asked()).rows).toEqual([]);
    await page.evaluate(() => document.getElementById('decoy')?.remove());
    await refused.waitFor();
    expect(dialogs).toEqual([expect.stringContaining('Ask for a note on this post')]);
    page.off('dialog', dismiss);
    await clickShown(ask);
    await panel.getByText('Members who asked for a note on this post: 1').waitFor();
    const { rows: requests } = await database.query(
      'SELECT requester_pseudonym FROM note_requests WHERE community_id = $1',
      [community.id],
    );
    expect(requests).toEqual([{ requester_pseudonym: pseudonym }]);
    await page.close();
  });

  it('tells the page nothing while the member rates and writes: no window message, and the panel keeps its size', async () => {
    // The member of the test before. The page's own script hears every message its window gets.
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      if (location.protocol !== 'https:') return;
      const heard: unknown[] = [];
      Object.assign(window, { heard });
      addEventListener('message', (event) => heard.push(JSON.stringify(event.data ?? null)));
    });
    const heard = () => page.evaluate(() => (window as { heard?: string[] }).heard);
    await page.goto(FAKE_POSTS[0].url);
    const panel = await panelOf(page);
    await panel.getByText(helpfulText('x')).waitFor();
    const frame = await panel.frameElement();
    const height = async () => (await frame.boundingBox())?.height;
    // The panel sizes itself to its notes (from the 160 px it starts with) through its content
    // script alone: the page's window heard nothing of it.
    await eventually(async () => {
      if ((await height()) === 160) throw new Error('the panel was not sized');
    });
    expect(await heard()).toEqual([]);
    await panel.getByRole('button', { name: /^Help rate notes/ }).click();
    // Open, the member's actions take the panel's whole height (the viewport's, less 32 px).
    const viewport = page.viewportSize()?.height ?? 0;
    await eventually(async () => {
      if ((await height()) !== viewport - 32) throw new Error(`panel ${await height()} high`);
    });

    await panel.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await panel.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(panel.getByRole('button', { name: 'Submit rating' }));
    await panel.getByText('You rated this: Helpful').waitFor();
    await panel.getByText('Rating saved.', { exact: false }).waitFor();
    await panel.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await panel.getByRole('checkbox', { name: 'Factual error' }).check();
    await panel.getByLabel('Note (at most 280 characters').fill(SECOND_TEXT);
    await panel.getByLabel('Sources, one link per line').fill('https://example.org/council/may');
    await clickShown(panel.getByRole('button', { name: 'Publish note' }));
    await panel.getByText('Note published.').waitFor();
    await panel.locator('.note', { hasText: SECOND_TEXT }).getByText('Your note').waitFor();
    expect(await height()).toBe(viewport - 32);

    // Closing goes to the content script on the same private channel.
    await panel.getByRole('button', { name: 'Close' }).click();
    await eventually(async () => {
      if (await frame.isVisible()) throw new Error('the panel is still shown');
    });
    expect(await heard()).toEqual([]);
    await page.close();
  });

  it('sizes the panel at load the same whether or not the member wrote its helpful note: the page measures the frame', async () => {
    // The member of the tests before, who wrote ownPost's note; othersPost's reads the same.
    const page = await browser.context.newPage();
    const heightAtLoad = async (post: FakePost) => {
      await page.goto(post.url);
      const panel = await panelOf(page);
      await panel.getByText(SAME_TEXT).waitFor();
      const frame = await panel.frameElement();
      // Once the content script sized the frame to the panel's content (as it reported it).
      const height = await eventually(async () => {
        const framed = (await frame.boundingBox())?.height;
        const content = await panel.evaluate(
          () => Math.ceil(document.getElementById('app')?.getBoundingClientRect().height ?? 0) + 2,
        );
        if (framed !== Math.max(80, content)) throw new Error(`frame ${framed}, panel ${content}`);
        return framed;
      });
      return { panel, height };
    };
    const others = await heightAtLoad(othersPost);
    const own = await heightAtLoad(ownPost);
    expect(own.height).toBe(others.height);
    // The panel did know the note as the member's: it says so among the member's actions, whose
    // height is the viewport's whatever they show.
    await own.panel.getByRole('button', { name: /^Help rate notes/ }).click();
    await own.panel.getByText('You wrote a note shown above', { exact: false }).waitFor();
    await page.close();
  });

  it("keeps the member's identities out of the content script's reach", async () => {
    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[0].url);
    await (await panelOf(page)).getByText(helpfulText('x')).waitFor();
    // What a script running in the content script's world (in the page's renderer) would get.
    const read = await inContentScript(
      page,
      'Bridgenotes',
      `chrome.storage.local.get(null).then(
        (stored) => Object.keys(stored),
        (error) => 'refused: ' + error.message,
      )`,
    );
    expect(read).toBe('refused: Access to storage is not allowed from this context.');
    await page.close();
  });

  it('shows only the latest post when the reader moves on while a lookup is under way (no form for the post left)', async () => {
    const bucket = (post: FakePost) =>
      `/communities/${community.slug}/lookup/${lookupPrefixOf(postLookupHash(post.key))}`;
    expect(bucket(racePosts.a)).not.toBe(bucket(racePosts.b));
    // The content script's lookup of each post passes; the panel's is held.
    const heldA = proxy.hold(bucket(racePosts.a), 1);
    const heldB = proxy.hold(bucket(racePosts.b), 1);
    const page = await browser.context.newPage();
    await page.goto(listingPage.url);
    // The site moves between posts with the History API, as X or YouTube do.
    await page.evaluate((url) => history.pushState(null, '', url), racePosts.a.url);
    await heldA.reached;
    await page.evaluate((url) => history.pushState(null, '', url), racePosts.b.url);
    await heldB.reached;
    // Post A's lookup answers first: the panel shows post B by then, and must not take it.
    heldA.release();
    await heldA.answered;
    heldB.release();
    const panel = await panelOf(page);
    await panel.getByText(RACE_TEXT.b).waitFor();
    expect(await panel.locator('.note .text').allTextContents()).toEqual([RACE_TEXT.b]);
    expect(await panel.locator('section.community').count()).toBe(1);
    await page.close();
  });

  it('shows the panel in the widget’s look', async () => {
    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[3].url);
    const panel = await panelOf(page);
    await panel.getByText(helpfulText('youtube')).waitFor();
    await paintedScreenshot(panel.locator('#app'), join(docs, 'extension-panel.png'));
    // The widget's colours and shapes: its accent on links, its note card.
    expect(
      await panel
        .locator('.note')
        .first()
        .evaluate((note) => getComputedStyle(note).borderRadius),
    ).toBe('8px');
    await page.close();
  });
});
