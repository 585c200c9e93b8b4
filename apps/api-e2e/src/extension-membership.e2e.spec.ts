import { randomBytes, randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import type { Client } from 'pg';
import type { Locator, Page, Route } from 'playwright-core';

import { commitmentOf, createIdentity, exportIdentity } from '@bridgenotes/client';
import { checkJoinWork } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { bufferedWrites, completeJoinBatch, startBatchingApi } from './support/batching-api';
import type { Browser } from './support/browser';
import {
  type ExtensionRig,
  followIn,
  insertCommunities,
  insertNote,
  insertPost,
  launchWithExtension,
  openSettings,
  panelOf,
  publishHelpful,
  startExtensionRig,
  stopExtensionRig,
} from './support/extension';
import { FAKE_POSTS, type FakePlatforms } from './support/fake-platforms';
import { untilReady } from './support/http';
import { operatorKeyEnv, type RunningApp } from './support/processes';
import { type RecordingProxy, startRecordingProxy } from './support/recording-proxy';
import { clickShown } from './support/widget-page';

const HELPFUL_TEXT = 'The bridge closed for works in March, as the council announced.';
const FORUM_TEXT = 'The forum thread quotes the mayor out of context; the interview is linked.';
const PATIENT_TEXT = 'The bridge reopens to cyclists next week, the works notice says.';
/**
 * A join waiting for its batch, as the extension and the widget say it where the instance seals
 * by member count only (support/batching-api.ts: SEAL_MAX_WAIT_SECONDS 0): no time is promised.
 */
const PENDING_TEXT =
  'Your membership of Patient readers will be active once it is sealed with other members’ joins, which keeps when you joined private — once enough members have joined: this has no set time, and in a quiet community it can take a long time. You can read notes meanwhile.';
const OPERATOR_KEY = 'e2e-extension-membership-operator-key';
/** Small enough to solve in a moment on a busy machine, large enough that a guess fails. */
const JOIN_WORK_BITS = 10;
/** The site that vouches for the members of the CREDENTIAL communities (its tickets' issuer). */
const ISSUER = 'https://forum.example';

/**
 * Joining and membership in the browser extension's settings, in Debian's Chromium against the
 * built API behind a proxy that records what the instance receives: an OPEN join with a
 * proof-of-work, and a CREDENTIAL membership made on the community's site, recognised from the
 * published group; and an OPEN join waiting for its batch, on a second API (behind its own
 * recording proxy) that seals joins in batches. (The reading, the lookups and rating are in
 * extension.e2e.spec.ts.)
 */
describe('browser extension: membership', () => {
  let rig: ExtensionRig | undefined;
  let apiUrl: string;
  let proxy: RecordingProxy;
  let platforms: FakePlatforms;
  let database: Client;
  let browser: Browser;
  let extensionId: string;
  const community = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const worked = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // CREDENTIAL communities: joined with a ticket their site signs, which the extension cannot ask.
  const forum = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const laterForum = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // On the batching API: a join waits there until a second member's completes its batch.
  let batching: RunningApp | undefined;
  let batchingUrl: string;
  let batchingProxy: RecordingProxy | undefined;
  const patient = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // On the batching API too: a join sealed while the settings' look for it is held.
  const held = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  // Followed to draw the settings again while that look is held.
  const quiet = { slug: `e-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const issuerKid = randomUUID();
  let issuerKey: KeyLike;

  const options = (on = browser): Promise<Page> => openSettings(on, extensionId);
  /**
   * Dates each pending join the extension keeps 25 hours back (a day waited, which no test can
   * wait for), through an extension page's storage.
   */
  const pendingForADay = (page: Page) =>
    page.evaluate(
      async (since) => {
        type Local = {
          get(key: string): Promise<{ pendingSince?: Record<string, string> }>;
          set(items: object): Promise<void>;
        };
        const local = (globalThis as unknown as { chrome: { storage: { local: Local } } }).chrome
          .storage.local;
        const { pendingSince = {} } = await local.get('pendingSince');
        await local.set({
          pendingSince: Object.fromEntries(
            Object.entries(pendingSince).map(([key, value]) => [
              key,
              `${value.split(':')[0]}:${since}`,
            ]),
          ),
        });
      },
      Math.floor(Date.now() / 1000) - 25 * 60 * 60,
    );
  const follow = (page: Page, slug: string, name: string) => followIn(page, proxy.url, slug, name);

  /**
   * The status line of `where` once it says an outcome (`settled`: success or failure), so that a
   * refusal fails the test with its reason rather than a timeout.
   */
  const settledStatus = (where: Page | Locator, settled: RegExp): Promise<string> =>
    eventually(async () => {
      const text = (await where.getByRole('status').textContent()) ?? '';
      if (!settled.test(text)) throw new Error(`status: ${text}`);
      return text;
    });

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
    // Warms up while the rig starts.
    ({ api: batching, apiUrl: batchingUrl } = await startBatchingApi());
    rig = await startExtensionRig({
      env: {
        ...operatorKeyEnv(OPERATOR_KEY),
        CREDENTIAL_HASH_KEY: randomBytes(32).toString('hex'),
      },
      seed: async (client) => {
        await insertCommunities(client, [
          [community, 'Bridge watchers', 'OPEN'],
          [worked, 'Careful joiners', 'OPEN'],
          [forum, 'Forum readers', 'CREDENTIAL'],
          [laterForum, 'Forum regulars', 'CREDENTIAL'],
          [patient, 'Patient readers', 'OPEN'],
          [held, 'Held readers', 'OPEN'],
          [quiet, 'Quiet readers', 'OPEN'],
        ]);
        const postId = await insertPost(client, FAKE_POSTS[1].key);
        await insertNote(client, forum.id, postId, FORUM_TEXT);
        // A helpful note too, so that the panel opens on the post rather than waiting as a pill.
        const helpful = await insertNote(client, community.id, postId, HELPFUL_TEXT);
        await publishHelpful(client, community.id, helpful);
        const patientPost = await insertPost(client, FAKE_POSTS[2].key);
        await publishHelpful(
          client,
          patient.id,
          await insertNote(client, patient.id, patientPost, PATIENT_TEXT),
        );
      },
    });
    ({ apiUrl, proxy, platforms, database, browser, extensionId } = rig);
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
    await untilReady(batchingUrl);
    batchingProxy = await startRecordingProxy(batchingUrl);
  });

  afterAll(async () => {
    await stopExtensionRig(rig);
    if (batching?.child.exitCode === null) batching.child.kill('SIGKILL');
    await batchingProxy?.close();
  });

  it("joins an OPEN community that asks a proof-of-work, solved in the extension's prover", async () => {
    // The operator turns the work on after the member followed: the extension asks at each join.
    const settings = await options();
    await follow(settings, worked.slug, 'Careful joiners');
    // The member's identity for the instance, made by the CLI and restored here.
    const member = createIdentity();
    const host = new URL(proxy.url).host;
    await settings.getByLabel(`Identity backup for ${host}`).fill(exportIdentity(member));
    await settings.getByRole('button', { name: 'Restore' }).click();
    await settings.getByText(`Identity restored for ${host}.`).waitFor();
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
    const outcome = await settledStatus(settings, /You are a member|did not work|\(code /);
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

    const commitment = commitmentOf(member);
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
    const elsewhere = await launchWithExtension(platforms.hostResolverRules);
    try {
      const settings = await options(elsewhere);
      await follow(settings, forum.slug, 'Forum readers');
      await follow(settings, laterForum.slug, 'Forum regulars');
      await follow(settings, community.slug, 'Bridge watchers');
      const host = new URL(proxy.url).host;
      // Not a member yet: the panel sends the reader to the community's site and a check in the
      // settings, which offer no join for a CREDENTIAL community.
      const before = await elsewhere.context.newPage();
      await before.goto(FAKE_POSTS[1].url);
      await (
        await panelOf(before, extensionId)
      )
        .locator('.community', { hasText: 'From Forum readers' })
        .getByText(
          'Join Forum readers on its site, then check your membership in the extension’s settings',
        )
        .waitFor({ state: 'attached' });
      await before.close();
      proxy.received.length = 0;
      await settings.getByLabel(`Identity backup for ${host}`).fill(exportIdentity(member));
      await settings.getByRole('button', { name: 'Restore' }).click();
      const restored = await settledStatus(settings, /Identity restored|did not work|\(code /);
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
      const section = (await panelOf(page, extensionId)).locator('.community', {
        hasText: 'From Forum readers',
      });
      await section.getByRole('button', { name: 'Help rate notes (1)' }).click();
      await section.getByText(FORUM_TEXT).waitFor();
      expect(
        await section.getByText('Join Forum readers in the extension’s settings').count(),
      ).toBe(0);
      await section.getByRole('radio', { name: 'Helpful', exact: true }).check();
      await section.getByRole('checkbox', { name: 'Clear' }).check();
      await clickShown(section.getByRole('button', { name: 'Submit rating' }));
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

  it('tells a member whose join waits to be sealed when it will count, offers no form and proves nothing until its batch is sealed, then recognises the membership from the published group', async () => {
    const patientProxy = batchingProxy as RecordingProxy;
    const host = new URL(patientProxy.url).host;
    const groupFetches = () =>
      patientProxy.received.filter(
        ({ method, url }) =>
          method === 'GET' && url === `/communities/${patient.slug}/group/leaves`,
      ).length;
    const settings = await options();
    await followIn(settings, patientProxy.url, patient.slug, 'Patient readers');
    await settings.getByRole('button', { name: `Create an identity for ${host}` }).click();
    await settings.getByRole('button', { name: `Back up identity for ${host}` }).waitFor();
    patientProxy.received.length = 0;
    await settings.getByRole('button', { name: 'Join Patient readers' }).click();
    // The instance answered pending: the settings say so, and when it will count, as the widget.
    const outcome = await settledStatus(settings, /Joined|You are a member|did not work|\(code /);
    expect(outcome).toBe('Joined Patient readers; your membership is waiting to be sealed.');
    const block = settings.locator('.identity');
    await block.getByText(PENDING_TEXT).waitFor();
    expect(await block.getByText('You are a member of Patient readers.').count()).toBe(0);
    // The settings look for it in the published group at once (it is not there yet).
    await eventually(async () => {
      if (groupFetches() === 0) throw new Error('the group was not fetched');
    });
    // And again when asked: still not there.
    await block.getByRole('button', { name: 'Check Patient readers again' }).click();
    expect(await settledStatus(settings, /Checked just now|did not work|\(code /)).toBe(
      'Checked just now: your membership of Patient readers is not sealed yet.',
    );
    // The instance stored the join durably, in the write buffer: no member yet.
    const sent = patientProxy.received.find(
      ({ method, url }) => method === 'POST' && url === `/communities/${patient.slug}/members`,
    );
    const { commitment } = JSON.parse(sent?.body ?? '{}') as { commitment: string };
    expect(await bufferedWrites(database, patient.id)).toEqual([
      expect.objectContaining({ kind: 'join', actor: commitment }),
    ]);
    const { rows: members } = await database.query(
      'SELECT 1 FROM members WHERE community_id = $1',
      [patient.id],
    );
    expect(members).toEqual([]);

    // Drawn again (here for following another community), the page looks for no membership it
    // looked for in this visit, pending as sealed (Careful joiners, joined in the first test): a
    // group download at each drawing for a pending one only would tell the instance its state.
    // Check again, asked after the drawing, is then the only download of the group.
    patientProxy.received.length = 0;
    await follow(settings, laterForum.slug, 'Forum regulars');
    await block
      .getByRole('button', { name: 'Joined Forum regulars on its site? Check membership' })
      .waitFor();
    await block.getByRole('button', { name: 'Check Patient readers again' }).click();
    expect(await settledStatus(settings, /Checked just now|did not work|\(code /)).toBe(
      'Checked just now: your membership of Patient readers is not sealed yet.',
    );
    expect(groupFetches()).toBe(1);

    // A day later: this instance seals by K members only (no time bound), so the join is never
    // given up. Join again is offered beside the pending notice, and sends the same commitment,
    // which the instance answers as the join still waiting: nothing more is stored.
    const joinAgain = { name: 'Join Patient readers again' };
    expect(await block.getByRole('button', joinAgain).count()).toBe(0);
    await pendingForADay(settings);
    await settings.reload();
    await block.getByText(PENDING_TEXT).waitFor();
    await block.getByText('Waiting for more than a day?', { exact: false }).waitFor();
    patientProxy.received.length = 0;
    await block.getByRole('button', joinAgain).click();
    expect(await settledStatus(settings, /Joined|You are a member|did not work|\(code /)).toBe(
      'Joined Patient readers; your membership is waiting to be sealed.',
    );
    const resent = patientProxy.received.filter(({ method }) => method === 'POST');
    expect(resent.map(({ url, body }) => [url, JSON.parse(body ?? '{}').commitment])).toEqual([
      [`/communities/${patient.slug}/members`, commitment],
    ]);
    await block.getByText(PENDING_TEXT).waitFor();
    // Waited for anew: no Join again until another day has passed.
    await eventually(async () => {
      if ((await block.getByRole('button', joinAgain).count()) > 0) throw new Error('offered');
    });
    expect((await bufferedWrites(database, patient.id)).map(({ kind }) => kind)).toEqual(['join']);
    // The panel points to the settings for it, a day later again.
    await pendingForADay(settings);

    // The panel reads only, as the widget: the notice instead of the forms, once it has looked
    // in the published group again (through the service worker) when its actions are opened.
    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[2].url);
    const section = (await panelOf(page, extensionId)).locator('.community', {
      hasText: 'From Patient readers',
    });
    await section.getByText(PATIENT_TEXT).waitFor();
    patientProxy.received.length = 0;
    await section.getByRole('button', { name: 'Help rate notes (0)' }).click();
    await section.getByText(PENDING_TEXT).waitFor();
    await eventually(async () => {
      if (groupFetches() === 0) throw new Error('the group was not fetched');
    });
    expect(await section.locator('form').count()).toBe(0);
    expect(await section.getByRole('button', { name: 'Ask for a note on this post' }).count()).toBe(
      0,
    );
    await section.getByText('Join again in the settings', { exact: false }).waitFor();
    await section.getByRole('button', { name: 'Settings' }).waitFor();
    // The panel looks again when asked too.
    await section.getByRole('button', { name: 'Check Patient readers again' }).click();
    expect(await settledStatus(section, /Checked just now|did not work|\(code /)).toBe(
      'Checked just now: your membership of Patient readers is not sealed yet.',
    );
    // Nothing was proven or sent.
    expect(patientProxy.received.filter(({ method }) => method !== 'GET')).toEqual([]);
    expect((await bufferedWrites(database, patient.id)).map(({ kind }) => kind)).toEqual(['join']);
    expect(await block.getByText(PENDING_TEXT).count()).toBe(1);

    // Another member joins and completes the batch, which the instance seals. Check again,
    // pressed from the keyboard, finds the commitment in the published group, says so and records
    // it, sending nothing; only the community's part is drawn again: the focus stays in it, on
    // the line that says the new state, and what is typed elsewhere stays.
    const group = await completeJoinBatch(batchingUrl, patient.slug, commitment);
    expect(group.leaves.sort()).toEqual([commitment, group.second].sort());
    patientProxy.received.length = 0;
    const typed = settings.getByLabel('Instance address');
    await typed.fill('https://notes.example.org');
    await block.getByRole('button', { name: 'Check Patient readers again' }).focus();
    await settings.keyboard.press('Enter');
    // The status line still says the earlier Join again's outcome ("Joined …; … waiting"): the
    // new one is waited for.
    expect(await settledStatus(settings, /Joined .*: you can now|did not work|\(code /)).toBe(
      'Joined Patient readers: you can now rate, write and ask for notes.',
    );
    await block.getByText('You are a member of Patient readers.').waitFor();
    expect(await block.getByText(PENDING_TEXT).count()).toBe(0);
    expect(await typed.inputValue()).toBe('https://notes.example.org');
    expect(
      await eventually(async () => {
        const focused = await settings.evaluate(() =>
          document.activeElement === document.body
            ? null
            : (document.activeElement?.textContent ?? null),
        );
        if (focused === null) throw new Error('the focus is on the page, on no control');
        return focused;
      }),
    ).toBe('You are a member of Patient readers.');
    expect(groupFetches()).toBeGreaterThan(0);
    expect(patientProxy.received.filter(({ method }) => method !== 'GET')).toEqual([]);
    // Recorded: the next visit says the membership, with nothing to check.
    await settings.reload();
    await block.getByText('You are a member of Patient readers.').waitFor();
    expect(await block.getByRole('button', { name: 'Check Patient readers again' }).count()).toBe(
      0,
    );
    await settings.close();

    // The panel open since offers the forms when its actions are opened again, and the proof is
    // made against the sealed group.
    await section.getByRole('button', { name: 'Hide notes that need ratings' }).click();
    await section.getByRole('button', { name: 'Help rate notes (0)' }).click();
    const ask = section.getByRole('button', { name: 'Ask for a note on this post' });
    await ask.waitFor();
    expect(await section.getByRole('status').textContent()).toBe(
      'Joined Patient readers: you can now rate, write and ask for notes.',
    );
    expect(await section.getByText(PENDING_TEXT).count()).toBe(0);
    patientProxy.received.length = 0;
    await clickShown(ask);
    expect(
      await settledStatus(section, /not usable yet|did not work|\(code |Request recorded/),
    ).toBe('Request recorded. Writers see the posts members ask about most.');
    await section.getByText('Members who asked for a note on this post: 1').waitFor();
    expect(
      patientProxy.received.filter(({ method }) => method !== 'GET').map(({ url }) => url),
    ).toEqual([`/communities/${patient.slug}/note-requests`]);
    const requests = (await bufferedWrites(database, patient.id)).filter(
      ({ kind }) => kind === 'request',
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

  it("gives the first drawing's look to the community's part drawn again while it was in flight, with no second group download", async () => {
    const heldProxy = batchingProxy as RecordingProxy;
    const groupPath = `/communities/${held.slug}/group/leaves`;
    const groupFetches = () =>
      heldProxy.received.filter(({ method, url }) => method === 'GET' && url === groupPath).length;
    // The identity the batching instance's join above was made with joins Held readers: pending.
    const settings = await options();
    await followIn(settings, heldProxy.url, held.slug, 'Held readers');
    heldProxy.received.length = 0;
    await settings.getByRole('button', { name: 'Join Held readers' }).click();
    expect(await settledStatus(settings, /Joined|You are a member|did not work|\(code /)).toBe(
      'Joined Held readers; your membership is waiting to be sealed.',
    );
    const sent = heldProxy.received.find(
      ({ method, url }) => method === 'POST' && url === `/communities/${held.slug}/members`,
    );
    const { commitment } = JSON.parse(sent?.body ?? '{}') as { commitment: string };
    const block = settings.locator('.identity');
    await block.getByText('Your membership of Held readers will be active once').waitFor();
    // The drawing after the join looks for it once: its download is not the next visit's.
    await eventually(async () => {
      expect(groupFetches()).toBe(1);
    });

    // The next visit's first drawing looks for it; its group download is held on its way.
    let release: () => void = () => undefined;
    const heldGroup = new Promise<void>((resolve) => (release = resolve));
    let asked: () => void = () => undefined;
    const looking = new Promise<void>((resolve) => (asked = resolve));
    const hold = async (route: Route) => {
      asked();
      await heldGroup;
      await route.continue();
    };
    await settings.route(`**${groupPath}`, hold);
    try {
      heldProxy.received.length = 0;
      await settings.reload();
      await looking;
      // Drawn again meanwhile (following another community): that drawing does not look.
      await follow(settings, quiet.slug, 'Quiet readers');
      // The status says so before the page is drawn again: wait for what only that drawing has.
      await settings.getByRole('button', { name: 'Join Quiet readers' }).waitFor();
      await block.getByText('Your membership of Held readers will be active once').waitFor();
      // Sealed meanwhile; the look then goes on and finds it, and the part drawn now says so.
      await completeJoinBatch(batchingUrl, held.slug, commitment);
      release();
      await block.getByText('You are a member of Held readers.').waitFor();
      expect(
        await settledStatus(settings, /Joined Held readers: you can now|did not work|\(code /),
      ).toBe('Joined Held readers: you can now rate, write and ask for notes.');
      expect(
        await block.getByText('Your membership of Held readers will be active once').count(),
      ).toBe(0);
      // One group download in the visit, as for any membership.
      expect(groupFetches()).toBe(1);
    } finally {
      release();
      await settings.unroute(`**${groupPath}`, hold);
    }
    await settings.close();
  });

  it('tells a member removed by the moderators that the identity is not in the group now, with Check again and Join, and that it ended once a join is refused', async () => {
    const notInGroup =
      'This identity is not in the group of Bridge watchers now. That can pass (the instance may be catching up, or your join may still be waiting), or it was removed or replaced. Check again first; still missing, join again in the settings, and the instance says which.';
    const ended =
      'Your membership of Bridge watchers ended: this identity was removed from the community or replaced. It cannot rate or write here any more, nor join again. Ask the community’s moderators.';
    // The identity restored in the first test joins Bridge watchers, sealed at once here.
    const settings = await options();
    await follow(settings, community.slug, 'Bridge watchers');
    await settings.getByRole('button', { name: 'Join Bridge watchers' }).click();
    expect(await settledStatus(settings, /You are a member|did not work|\(code /)).toBe(
      'You are a member of Bridge watchers.',
    );
    const { rows } = await database.query<{ commitment: string }>(
      'SELECT commitment FROM members WHERE community_id = $1',
      [community.id],
    );
    expect(rows).toHaveLength(1);
    const [{ commitment }] = rows;
    // The operator removes the member: its leaf is published as 0.
    const removed = await fetch(`${apiUrl}/communities/${community.slug}/members/${commitment}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(removed.status).toBe(200);
    await eventually(async () => {
      const { leaves } = (await (
        await fetch(`${apiUrl}/communities/${community.slug}/group/leaves`)
      ).json()) as { leaves: string[] };
      if (leaves.includes(commitment)) throw new Error('still in the group');
    });

    // The panel, opening the member's actions, finds the sealed membership missing from the
    // group: it says so in place of the forms, not that it waits to be sealed, nor that it ended
    // (a mirror behind, an instance restored from an older backup look the same).
    proxy.received.length = 0;
    const page = await browser.context.newPage();
    await page.goto(FAKE_POSTS[1].url);
    const section = (await panelOf(page, extensionId)).locator('.community', {
      hasText: 'From Bridge watchers',
    });
    await section.getByText(HELPFUL_TEXT).waitFor();
    await section.getByRole('button', { name: 'Help rate notes (0)' }).click();
    // The notice (a paragraph), beside the status line that says it too.
    await section
      .locator('.contribute')
      .getByRole('paragraph')
      .filter({ hasText: notInGroup })
      .waitFor();
    expect(await section.getByRole('status').textContent()).toBe(notInGroup);
    expect(await section.locator('form').count()).toBe(0);
    expect(await section.getByRole('button', { name: 'Ask for a note on this post' }).count()).toBe(
      0,
    );
    expect(await section.getByText('not usable yet', { exact: false }).count()).toBe(0);
    await section.getByRole('button', { name: 'Check Bridge watchers again' }).click();
    expect(await settledStatus(section, /Checked just now|did not work|\(code /)).toBe(
      'Checked just now: this identity is still not in the group of Bridge watchers.',
    );
    // Found from the whole group, as every proof fetches it: nothing named the member.
    expect(proxy.received.map(({ method, url }) => `${method} ${url}`)).toContain(
      `GET /communities/${community.slug}/group/leaves`,
    );
    expect(proxy.received.filter(({ method }) => method !== 'GET')).toEqual([]);
    expect(JSON.stringify(proxy.received)).not.toContain(commitment);
    await page.close();

    // The settings say so too, with Check again and Join; the join the instance refuses as
    // MEMBERSHIP_ENDED is the end, said with no Join left.
    await settings.reload();
    const block = settings.locator('.identity');
    await block.getByText(notInGroup).waitFor();
    expect(await block.getByText('You are a member of Bridge watchers.').count()).toBe(0);
    await block.getByRole('button', { name: 'Check Bridge watchers again' }).waitFor();
    await block.getByRole('button', { name: 'Join Bridge watchers' }).click();
    expect(await settledStatus(settings, /ended|did not work|\(code /)).toBe(ended);
    await block.getByText(ended).waitFor();
    expect(await block.getByText(notInGroup).count()).toBe(0);
    expect(await block.getByRole('button', { name: 'Join Bridge watchers' }).count()).toBe(0);
    expect(await block.getByRole('button', { name: 'Check Bridge watchers again' }).count()).toBe(
      0,
    );
    await settings.reload();
    await block.getByText(ended).waitFor();
    expect(await block.getByRole('button', { name: 'Join Bridge watchers' }).count()).toBe(0);
    await settings.close();
  });
});
