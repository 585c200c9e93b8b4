import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { commitmentOf, createIdentity, exportIdentity } from '@bridgenotes/client';
import {
  canonicalPostUrl,
  checkJoinWork,
  communityScope,
  postLookupHash,
} from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { Browser, launchChromium, screenshotFolder } from './support/browser';
import { closedShadowButton } from './support/closed-shadow';
import { FAKE_POSTS, FakePlatforms, FakePost, startFakePlatforms } from './support/fake-platforms';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { RecordingProxy, startRecordingProxy } from './support/recording-proxy';

const extensionFolder = join(__dirname, '..', '..', '..', 'dist', 'apps', 'extension', 'chromium');

const helpfulText = (platform: string) => `Context for the ${platform} post: the bridge closed.`;
const TO_RATE_TEXT = 'The footpath on the bridge stays open during the works.';
const FORUM_TEXT = 'The forum thread quotes the mayor out of context; the interview is linked.';
const WRITTEN_TEXT = 'The council moved the closure: works now start in April, see the minutes.';
const docs = screenshotFolder();
const OPERATOR_KEY = 'e2e-extension-operator-key';
/** Small enough to solve in a moment on a busy machine, large enough that a guess fails. */
const JOIN_WORK_BITS = 10;
/** The site that vouches for the members of the CREDENTIAL communities (its tickets' issuer). */
const ISSUER = 'https://forum.example';

/**
 * The browser extension in Debian's Chromium (headless, loaded with --load-extension), against
 * the built API as a process behind a proxy that records what the instance receives. Pages made
 * to look like posts of each platform are served locally under the platforms' own addresses.
 */
describe('browser extension', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let proxy: RecordingProxy;
  let platforms: FakePlatforms;
  let database: Client;
  let browser: Browser;
  let extensionId: string;
  const community = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const other = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const listed = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const worked = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // CREDENTIAL communities: joined with a ticket their site signs, which the extension cannot ask.
  const forum = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const laterForum = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const issuerKid = randomUUID();
  let issuerKey: KeyLike;
  // An identity made by the CLI (its file holds exactly this backup), restored in the extension.
  const cliIdentity = createIdentity();
  let listingPage: FakePost;
  let toRateId: string;
  const postIds: string[] = [];

  async function insertNote(
    postId: string,
    text: string,
    communityId = community.id,
  ): Promise<string> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
       VALUES (gen_random_uuid(), $1, $2, '7', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
               '{MISSING_IMPORTANT_CONTEXT}', $3, '{https://example.org/city/notice}') RETURNING id`,
      [communityId, postId, text],
    );
    return rows[0].id;
  }

  /** Publishes a note as helpful the way the scoring worker's publisher does. */
  async function publishHelpful(noteId: string): Promise<void> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO scoring_runs (id, community_id, status, started_at, finished_at, note_count, rating_count)
       VALUES (gen_random_uuid(), $1, 'SUCCEEDED', now(), now(), 1, 9) RETURNING id`,
      [community.id],
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

  /** The panel's frame on the page: an extension page, inside a closed shadow root. */
  const panelOf = (page: Page): Promise<Frame> =>
    eventually(async () => {
      const frame = page
        .frames()
        .find((candidate) =>
          candidate.url().startsWith(`chrome-extension://${extensionId}/panel.html`),
        );
      if (!frame) throw new Error('no panel yet');
      return frame;
    });

  /** Debian's Chromium with a fresh profile and the extension loaded. */
  const launchWithExtension = () =>
    launchChromium({
      ignoreHTTPSErrors: true,
      args: [
        `--disable-extensions-except=${extensionFolder}`,
        `--load-extension=${extensionFolder}`,
        `--host-resolver-rules=${platforms.hostResolverRules}`,
      ],
    });

  async function options(on = browser): Promise<Page> {
    const page = await on.context.newPage();
    await page.goto(`chrome-extension://${extensionId}/options.html`);
    return page;
  }

  async function follow(page: Page, slug: string, name: string): Promise<void> {
    await page.getByLabel('Instance address').fill(proxy.url);
    await page.getByLabel('Community').fill(slug);
    await page.getByRole('button', { name: 'Follow', exact: true }).click();
    await page.getByText(`Following ${name}.`).waitFor();
  }

  /**
   * `commitment` joins a CREDENTIAL community outside the extension, as the community's widget
   * does for `account` signed in on its site: with a ticket the site signed.
   */
  async function joinOnSite(
    entry: { slug: string; id: string },
    commitment: string,
    account: string,
  ): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const ticket = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: issuerKid })
      .setIssuer(ISSUER)
      .setAudience(entry.id)
      .setSubject(account)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .sign(issuerKey);
    const response = await fetch(`${apiUrl}/communities/${entry.slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment, ticket }),
    });
    expect(response.status).toBe(201);
    // The extension recognises a member from the published group: wait until it lists this one.
    await eventually(async () => {
      const { leaves } = (await (
        await fetch(`${apiUrl}/communities/${entry.slug}/group/leaves`)
      ).json()) as { leaves: string[] };
      if (!leaves.includes(commitment)) throw new Error('not in the group yet');
    });
  }

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi({
      ...operatorKeyEnv(OPERATOR_KEY),
      CREDENTIAL_HASH_KEY: randomBytes(32).toString('hex'),
    }));
    proxy = await startRecordingProxy(apiUrl);
    // A community's own site, listing the community for readers with the extension.
    listingPage = {
      platform: 'site',
      url: 'https://citynews.example/notes',
      key: { canonicalUrl: 'https://citynews.example/notes' },
      title: 'City News: our community notes',
      body: '<h1>Follow our community notes</h1>',
      head: `<link rel="bridgenotes-community" href="${proxy.url}/communities/${listed.slug}">`,
    };
    platforms = await startFakePlatforms([...FAKE_POSTS, listingPage]);

    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    for (const [entry, name, admission] of [
      [community, 'Bridge watchers', 'OPEN'],
      [other, 'Second opinion', 'OPEN'],
      [listed, 'City News readers', 'OPEN'],
      [worked, 'Careful joiners', 'OPEN'],
      [forum, 'Forum readers', 'CREDENTIAL'],
      [laterForum, 'Forum regulars', 'CREDENTIAL'],
    ] as const) {
      await database.query(
        `INSERT INTO communities (id, slug, name, scope, admission, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())`,
        [entry.id, entry.slug, name, communityScope(entry.id).toString(), admission],
      );
    }
    for (const post of FAKE_POSTS) {
      const { rows } = await database.query<{ id: string }>(
        'canonicalUrl' in post.key
          ? `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) RETURNING id`
          : `INSERT INTO posts (id, platform, external_id) VALUES (gen_random_uuid(), $1, $2) RETURNING id`,
        'canonicalUrl' in post.key
          ? [post.key.canonicalUrl]
          : [post.key.platform, post.key.externalId],
      );
      postIds.push(rows[0].id);
      await publishHelpful(await insertNote(rows[0].id, helpfulText(post.platform)));
      if (post.platform === 'x') toRateId = await insertNote(rows[0].id, TO_RATE_TEXT);
    }

    // The API warms its proof verifiers before it listens: tens of seconds on a loaded machine.
    await eventually(async () => {
      if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.output()}`);
      const response = await fetch(`${proxy.url}/health`);
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
    });
    // The forum site's signing key, trusted by both CREDENTIAL communities.
    const keys = await generateKeyPair('ES256', { extractable: true });
    issuerKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), alg: 'ES256', kid: issuerKid, use: 'sig' };
    for (const entry of [forum, laterForum]) {
      const registered = await fetch(`${apiUrl}/communities/${entry.slug}/issuers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
        body: JSON.stringify({ issuer: ISSUER, jwks: { keys: [jwk] } }),
      });
      expect(registered.status).toBe(201);
    }
    await insertNote(postIds[1], FORUM_TEXT, forum.id);
    browser = await launchWithExtension();
    const worker =
      browser.context.serviceWorkers()[0] ?? (await browser.context.waitForEvent('serviceworker'));
    extensionId = new URL(worker.url()).host;
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await proxy?.close();
    await platforms?.close();
    await database?.end();
  });

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
    await page.close();
  });

  it("offers to follow the community a page lists, on the reader's click", async () => {
    const page = await browser.context.newPage();
    await page.goto(listingPage.url);
    const offer = await eventually(async () => {
      const button = await closedShadowButton(page, 'offer');
      if (!button || button.hidden) throw new Error('no offer yet');
      return button;
    });
    expect(offer.text).toBe(`Follow City News readers (${new URL(proxy.url).host}) on Bridgenotes`);
    await offer.click();
    await eventually(async () => {
      const button = await closedShadowButton(page, 'offer');
      if (button?.text !== 'Following City News readers') throw new Error(`${button?.text}`);
    });
    const settings = await options();
    await settings.getByRole('button', { name: 'Leave City News readers' }).waitFor();
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
      ).toContain('80% of 5 raters on one side, 75% of 4 on the other');
      await panel.getByText('From Bridge watchers on 127.0.0.1').waitFor();
    }
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

  it('shows nothing in a panel that a page frames itself (no clicks steered onto it)', async () => {
    const page = await browser.context.newPage();
    const article = FAKE_POSTS[FAKE_POSTS.length - 1];
    await page.goto(article.url);
    await (await panelOf(page)).getByText(helpfulText(article.platform)).waitFor();
    // The page's own script frames the panel, for the X post, with a token of its making.
    const forged = encodeURIComponent(
      JSON.stringify({ url: FAKE_POSTS[0].url, canonical: null, token: 'forged' }),
    );
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `chrome-extension://${extensionId}/panel.html#${forged}`);
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

  it('lets a member rate from the panel with a proof made in the extension, and the rating lands', async () => {
    const settings = await options();
    const host = new URL(proxy.url).host;
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
    await panel.getByRole('button', { name: 'Submit rating' }).click();
    await panel.getByText('Rating saved.').waitFor();
    await panel.getByText('You rated this: Helpful').waitFor();

    const { rows } = await database.query<{ helpfulness: string; tags: string[]; proof: object }>(
      'SELECT helpfulness, tags, proof FROM ratings WHERE note_id = $1',
      [toRateId],
    );
    expect(rows).toEqual([expect.objectContaining({ helpfulness: 'HELPFUL', tags: ['CLEAR'] })]);
    expect(rows[0].proof).toEqual(expect.objectContaining({ merkleTreeDepth: 20 }));
    const pseudonym = (rows[0].proof as { nullifier: string }).nullifier;

    // The panel checks a note as the API would before spending a proof on it…
    await panel.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await panel.getByRole('checkbox', { name: 'Outdated information' }).check();
    await panel.getByLabel('Note (at most 280 characters').fill(WRITTEN_TEXT);
    await panel.getByRole('button', { name: 'Publish note' }).click();
    await panel
      .getByText('A note saying the post is misleading needs at least one source link.')
      .waitFor();
    // …then writes it on the post by its platform id, under the member's pseudonym.
    await panel.getByLabel('Sources, one link per line').fill('https://example.org/council/2026');
    await panel.getByRole('button', { name: 'Publish note' }).click();
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

    // And asks for a note on the post, once.
    await panel.getByText('Members who asked for a note on this post: 0').waitFor();
    await panel.getByRole('button', { name: 'Ask for a note on this post' }).click();
    await panel.getByText('Members who asked for a note on this post: 1').waitFor();
    const { rows: requests } = await database.query(
      'SELECT requester_pseudonym FROM note_requests WHERE community_id = $1',
      [community.id],
    );
    expect(requests).toEqual([{ requester_pseudonym: pseudonym }]);
    await page.close();
  });

  it("joins an OPEN community that asks a proof-of-work, solved in the extension's prover", async () => {
    // The operator turns the work on after the member followed: the extension asks at each join.
    const settings = await options();
    await follow(settings, worked.slug, 'Careful joiners');
    const patched = await fetch(`${proxy.url}/communities/${worked.slug}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
      body: JSON.stringify({ joinWorkDifficulty: JOIN_WORK_BITS }),
    });
    expect(patched.status).toBe(200);
    // Without the work the instance refuses a join, so the extension must have done it.
    const bare = await fetch(`${proxy.url}/communities/${worked.slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment: commitmentOf(createIdentity()) }),
    });
    expect(bare.status).toBe(400);
    expect(await bare.json()).toMatchObject({ code: 'JOIN_WORK_REQUIRED' });

    // Every line the status shows, the short-lived progress line too.
    await settings.evaluate(() => {
      const status = document.querySelector('.status') as HTMLElement;
      const seen: string[] = [];
      Object.assign(window, { seen });
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    proxy.received.length = 0;
    // A double click: the button is disabled while the join runs, so one challenge is solved.
    await settings.getByRole('button', { name: 'Join Careful joiners' }).dblclick();
    // Settled either way, so that a refusal fails here with its code rather than a timeout.
    const outcome = await eventually(async () => {
      const text = (await settings.getByRole('status').textContent()) ?? '';
      if (!/You are a member|did not work/.test(text)) throw new Error(`status: ${text}`);
      return text;
    });
    expect(outcome).toBe('You are a member of Careful joiners.');
    await settings.locator('.identity').getByText('You are a member of Careful joiners.').waitFor();
    // What the extension sent: the challenge asked just before, then the join (below: with a
    // nonce that solves it).
    const asked = proxy.received.filter(({ url }) =>
      url.startsWith(`/communities/${worked.slug}/`),
    );
    expect(asked.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `GET /communities/${worked.slug}/join-work`,
      `POST /communities/${worked.slug}/members`,
    ]);
    expect(await settings.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain(
      'Working… Joining asks this device for a few seconds of computing, so that scripts cannot fill the community.',
    );

    const commitment = commitmentOf(cliIdentity);
    const { rows: members } = await database.query<{ commitment: string }>(
      'SELECT commitment FROM members WHERE community_id = $1',
      [worked.id],
    );
    expect(members).toEqual([{ commitment }]);
    const leaves = (await (
      await fetch(`${proxy.url}/communities/${worked.slug}/group/leaves`)
    ).json()) as { leaves: string[] };
    expect(leaves.leaves).toContain(commitment);
    const sent = JSON.parse(asked[1].body) as { workChallenge: string; workNonce: string };
    expect(sent).toEqual({
      commitment,
      workChallenge: expect.any(String),
      workNonce: expect.any(String),
    });
    expect(
      checkJoinWork(
        {
          community: worked.id,
          commitment,
          challenge: sent.workChallenge,
          difficulty: JOIN_WORK_BITS,
        },
        sent.workNonce,
      ),
    ).toBe(true);
    await settings.close();
  });

  it("recognises a membership made on a CREDENTIAL community's site once the identity's backup is restored, from the published group", async () => {
    // A reader joined Forum readers through its widget (a ticket the forum signed), then restores
    // the widget's backup in the extension of another browser.
    const member = createIdentity();
    const commitment = commitmentOf(member);
    await joinOnSite(forum, commitment, 'alice');
    const elsewhere = await launchWithExtension();
    try {
      const settings = await options(elsewhere);
      await follow(settings, forum.slug, 'Forum readers');
      await follow(settings, laterForum.slug, 'Forum regulars');
      await follow(settings, community.slug, 'Bridge watchers');
      const host = new URL(proxy.url).host;
      proxy.received.length = 0;
      await settings.getByLabel(`Identity backup for ${host}`).fill(exportIdentity(member));
      await settings.getByRole('button', { name: 'Restore' }).click();
      const restored = await eventually(async () => {
        const text = (await settings.getByRole('status').textContent()) ?? '';
        if (!/Identity restored|did not work/.test(text)) throw new Error(`status: ${text}`);
        return text;
      });
      expect(restored).toBe(`Identity restored for ${host}. You are a member of Forum readers.`);
      const block = settings.locator('.identity');
      await block.getByText('You are a member of Forum readers.').waitFor();
      // The communities it did not join: a join for the OPEN one, a check for the CREDENTIAL one
      // (a join there could only be refused for want of a ticket).
      const check = block.getByRole('button', {
        name: 'Joined Forum regulars on its site? Check membership',
      });
      await check.waitFor();
      expect(await block.getByRole('button').allTextContents()).toEqual([
        `Back up identity for ${host}`,
        'Joined Forum regulars on its site? Check membership',
        'Join Bridge watchers',
      ]);
      // What the instance received: each followed community's whole group, as every member's
      // client fetches before acting; never the commitment looked for.
      expect(proxy.received.map(({ method, url }) => `${method} ${url}`).sort()).toEqual(
        [forum, laterForum, community]
          .map(({ slug }) => `GET /communities/${slug}/group/leaves`)
          .sort(),
      );
      expect(JSON.stringify(proxy.received)).not.toContain(commitment);

      // Not joined on the site yet: said plainly, and the check can be made again after joining.
      await check.click();
      await settings
        .getByText(
          'This identity is not a member of Forum regulars yet: join through the community’s site, then check again.',
        )
        .waitFor();
      await joinOnSite(laterForum, commitment, 'alice');
      await check.click();
      await block.getByText('You are a member of Forum regulars.').waitFor();
      expect(await settings.getByRole('status').textContent()).toBe(
        'You are a member of Forum regulars.',
      );
      await settings.close();

      // The panel offers the recognised member the rating form, and the proof is accepted.
      const page = await elsewhere.context.newPage();
      await page.goto(FAKE_POSTS[1].url);
      const section = (await panelOf(page)).locator('.community', {
        hasText: 'From Forum readers',
      });
      await section.getByRole('button', { name: 'Help rate notes (1)' }).click();
      await section.getByText(FORUM_TEXT).waitFor();
      expect(
        await section.getByText('Join Forum readers in the extension’s settings').count(),
      ).toBe(0);
      await section.getByRole('radio', { name: 'Helpful', exact: true }).check();
      await section.getByRole('button', { name: 'Submit rating' }).click();
      await section.getByText('Rating saved.').waitFor();
      const { rows } = await database.query<{ helpfulness: string }>(
        `SELECT r.helpfulness FROM ratings r JOIN notes n ON n.id = r.note_id WHERE n.community_id = $1`,
        [forum.id],
      );
      expect(rows).toEqual([{ helpfulness: 'HELPFUL' }]);
    } finally {
      await elsewhere.close();
    }
  });

  it('shows the panel in the widget’s look', async () => {
    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[3].url);
    const panel = await panelOf(page);
    await panel.getByText(helpfulText('youtube')).waitFor();
    await panel.locator('#app').screenshot({ path: join(docs, 'extension-panel.png') });
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
