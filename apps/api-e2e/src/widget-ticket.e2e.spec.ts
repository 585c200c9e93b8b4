import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { currentTestRun, eventually } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import { Browser, launchChromium, paintedScreenshot, screenshotFolder } from './support/browser';
import { untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { clickShown, insertNote, insertPost, widgetFrame } from './support/widget-page';

const docs = screenshotFolder();
const OPERATOR_KEY = 'e2e-widget-ticket-operator-key';
const ISSUER = 'https://forum.example';
const NOTE_TEXT = 'The forum thread quotes the mayor out of context; the full interview is linked.';

/** How the host site signs its next tickets: as it should, already expired, or with a stranger's key. */
type Signing = 'valid' | 'expired' | 'forged';

/**
 * A CREDENTIAL community's widget in Debian's Chromium: a host site on another origin (its own
 * HTTP server, with a login cookie) signs tickets for its signed-in user at its own endpoint, as
 * docs/widget.md shows; the member joins through the widget with one and rates with a proof made
 * in the browser; a second identity of the same account, an expired, a forged ticket and a
 * signed-out user are refused, each with its code shown; a join pending for a day is sent again
 * with Join again and a new ticket.
 */
describe('widget: joining a CREDENTIAL community with a ticket from the host site', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let host: Server;
  let hostOrigin: string;
  /** The host site on the API's site (127.0.0.1, another port): its frame keeps lasting storage. */
  let sameSiteOrigin: string;
  let database: Client;
  let browser: Browser;
  let community: { id: string; slug: string };
  let issuerKey: KeyLike;
  let strangerKey: KeyLike;
  let signing: Signing = 'valid';
  let ticketsServed = 0;
  const kid = randomUUID();
  const postUrl = `https://forum.example/threads/${randomUUID().slice(0, 8)}`;

  async function operator<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${OPERATOR_KEY}` },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${path}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** The host's endpoint: docs/widget.md's ten lines, with the test's choice of signing. */
  async function ticketFor(request: IncomingMessage): Promise<string | null> {
    const user = /(?:^|;\s*)session=([\w-]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (!user) return null;
    const now = Math.floor(Date.now() / 1000);
    const expired = signing === 'expired';
    ticketsServed += 1;
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(ISSUER)
      .setAudience(community.id)
      .setSubject(user)
      .setJti(randomUUID())
      .setIssuedAt(expired ? now - 600 : now)
      .setExpirationTime(expired ? now - 300 : now + 300)
      .sign(signing === 'forged' ? strangerKey : issuerKey);
  }

  /** The host page, signed in as `user` (or signed out), with the widget open for members. */
  async function openAs(user: string | null): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.context.newPage();
    await page.goto(user ? `${hostOrigin}/login?as=${user}` : `${hostOrigin}/logout`);
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    return { page, frame };
  }

  const joinButton = (frame: Frame) =>
    clickShown(frame.getByRole('button', { name: 'Join Forum readers' }));

  const hostErrors = (page: Page) =>
    page.evaluate(() => (window as { errors?: string[] }).errors ?? []);

  const members = async () =>
    (
      await database.query<{ commitment: string; removed: boolean }>(
        `SELECT commitment, removed_at IS NOT NULL AS removed FROM members
          WHERE community_id = $1 ORDER BY leaf_index`,
        [community.id],
      )
    ).rows;

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi({
      QUEUE_PREFIX: `${run.queuePrefix}-ticket`,
      ...operatorKeyEnv(OPERATOR_KEY),
      CREDENTIAL_HASH_KEY: randomBytes(32).toString('hex'),
    }));
    const keys = await generateKeyPair('ES256', { extractable: true });
    issuerKey = keys.privateKey;
    strangerKey = (await generateKeyPair('ES256')).privateKey;

    // The host site: "localhost" is another origin than the API's "127.0.0.1".
    host = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname === '/login' || url.pathname === '/logout') {
        const user = url.searchParams.get('as');
        response.writeHead(302, {
          'Set-Cookie': user ? `session=${user}; Path=/; HttpOnly` : 'session=; Path=/; Max-Age=0',
          Location: '/',
        });
        return response.end();
      }
      if (url.pathname === '/bridgenotes/ticket' && request.method === 'POST') {
        void ticketFor(request).then((ticket) => {
          response.writeHead(ticket ? 200 : 401, { 'Content-Type': 'application/jwt' });
          response.end(ticket ?? '');
        });
        return;
      }
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html lang="en"><head><title>Forum</title></head><body>
        <h1>A forum that vouches for its members</h1>
        <script>window.errors = [];
          document.addEventListener('bridgenotes:error', (event) => window.errors.push(event.detail.code));</script>
        <script async src="${apiUrl}/embed.js" data-community="${community.slug}"
          data-post-url="${postUrl}" data-theme="light"
          data-ticket-endpoint="/bridgenotes/ticket"></script></body></html>`);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
    sameSiteOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;

    await untilReady(apiUrl);
    community = await operator('POST', '/communities', {
      slug: `forum-${randomUUID().slice(0, 8)}`,
      name: 'Forum readers',
      admission: 'CREDENTIAL',
    });
    await operator('PATCH', `/communities/${community.slug}`, {
      embedOrigins: [hostOrigin, sameSiteOrigin],
      earnInImpact: 0,
    });
    const jwk = { ...(await exportJWK(keys.publicKey)), alg: 'ES256', kid, use: 'sig' };
    await operator('POST', `/communities/${community.slug}/issuers`, {
      issuer: ISSUER,
      jwks: { keys: [jwk] },
    });

    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await insertNote(database, {
      communityId: community.id,
      postId: await insertPost(database, postUrl),
      text: NOTE_TEXT,
      sources: ['https://forum.example/interview'],
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    await new Promise((resolve) => host?.close(resolve));
    await database?.end();
  });

  it('admits the signed-in account once, whose member rates with a proof; a second identity of the account is refused, then replaces the lost one', async () => {
    const { page, frame } = await openAs('alice');
    await joinButton(frame);
    await frame.getByText('You are a member of Forum readers.').waitFor();
    const [first] = await members();
    expect(await members()).toEqual([{ commitment: first.commitment, removed: false }]);
    expect(ticketsServed).toBe(1);

    // This Chromium gives the third-party frame no lasting storage: the frame says so and offers
    // the Storage Access API on a click; refused here (the service's site was never visited as a
    // top-level site), it falls back to the identity backup, and the member carries on.
    const offer = frame.getByText(
      'This browser forgets what this frame keeps when the page closes',
    );
    await offer.waitFor();
    await frame.getByRole('button', { name: 'Keep my identity on this device' }).click();
    await frame
      .getByText('The browser did not allow it. Back up your identity to keep it.')
      .waitFor();

    const form = frame.locator('form.rate');
    await form.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await form.getByRole('checkbox', { name: 'Good sources' }).check();
    await clickShown(form.getByRole('button', { name: 'Submit rating' }));
    await form.getByText('Rating saved.', { exact: false }).waitFor();
    const { rows: ratings } = await database.query<{ helpfulness: string; proof: object }>(
      `SELECT r.helpfulness, r.proof FROM ratings r JOIN notes n ON n.id = r.note_id
        WHERE n.community_id = $1`,
      [community.id],
    );
    expect(ratings).toEqual([
      expect.objectContaining({
        helpfulness: 'HELPFUL',
        proof: expect.objectContaining({ merkleTreeDepth: 20 }),
      }),
    ]);
    expect(await seriousViolations(frame)).toEqual([]);
    await paintedScreenshot(page.locator('bridgenotes-widget'), join(docs, 'widget-ticket.png'));

    // A reload: this Chromium keeps no storage in third-party frames, so the identity is gone
    // and the member makes another with the same account.
    await page.reload();
    const again = await widgetFrame(page);
    await again.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await again.getByRole('button', { name: 'Create an identity' }).click();
    await joinButton(again);
    const refusal = again.getByText(
      'Your account on this site already joined with another identity.',
      { exact: false },
    );
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('(code ACCOUNT_ALREADY_MEMBER)');
    // The code is the member's to read: the page is not told (docs/widget.md, "Events").
    expect(await hostErrors(page)).toEqual([]);
    expect(await members()).toHaveLength(1);
    expect(await seriousViolations(again)).toEqual([]);
    await paintedScreenshot(
      page.locator('bridgenotes-widget'),
      join(docs, 'widget-ticket-refused.png'),
    );

    // The member says the first identity is lost: it is removed, the new one admitted.
    await clickShown(again.getByRole('button', { name: 'Replace my lost identity' }));
    await again.getByText('You are a member of Forum readers.').waitFor();
    const after = await members();
    expect(after).toHaveLength(2);
    expect(after[0]).toEqual({ commitment: first.commitment, removed: true });
    expect(after[1].removed).toBe(false);
    await page.close();
  });

  it.each([
    ['expired', 'The ticket from this site was no longer valid.', 'TICKET_EXPIRED', 2],
    ['forged', 'This site cannot admit members to this community', 'TICKET_FORGED', 1],
  ] as const)(
    'refuses a ticket that is %s with its code, admitting nobody',
    async (kind, message, code, requests) => {
      signing = kind;
      const before = ticketsServed;
      const admitted = (await members()).length;
      const { page, frame } = await openAs(`bob-${kind}`);
      await joinButton(frame);
      const refusal = frame.getByText(message, { exact: false });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain(`(code ${code})`);
      expect(await hostErrors(page)).toEqual([]);
      // An expired ticket is asked for once more, silently, before the member is told.
      expect(ticketsServed - before).toBe(requests);
      expect(await members()).toHaveLength(admitted);
      if (kind === 'forged') {
        await paintedScreenshot(
          page.locator('bridgenotes-widget'),
          join(docs, 'widget-ticket-forged.png'),
        );
      }
      await page.close();
    },
  );

  it('asks a signed-out reader to sign in on the host site', async () => {
    signing = 'valid';
    const admitted = (await members()).length;
    const { page, frame } = await openAs(null);
    await joinButton(frame);
    await frame
      .getByText('Sign in on this site to join this community. (code SIGNED_OUT)')
      .waitFor();
    expect(await hostErrors(page)).toEqual([]);
    expect(await members()).toHaveLength(admitted);
    await page.close();
  });

  it('offers Join again beside a CREDENTIAL join pending for a day, which joins with a new ticket from the site', async () => {
    signing = 'valid';
    // The host on the API's site: the frame keeps its storage across a reload, which the pending
    // join's day needs (a third-party frame here keeps it in memory only).
    const page = await browser.context.newPage();
    await page.goto(`${sameSiteOrigin}/login?as=carol`);
    let frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    const commitment = await eventually(async () => {
      const kept = await frame.evaluate(() =>
        localStorage.getItem('bridgenotes:identity-commitment'),
      );
      if (!kept) throw new Error('no identity kept yet');
      return kept;
    });
    // A join sent a day ago and lost before its batch was sealed (removed, or with an instance
    // gone back to an older backup): recorded pending, and missing from the published group.
    await frame.evaluate(
      ([slug, member, since]) => {
        localStorage.setItem(`bridgenotes:member:${slug}`, member);
        localStorage.setItem(`bridgenotes:pending:${slug}`, member);
        localStorage.setItem(`bridgenotes:pending-since:${slug}`, `${member}:${since}`);
      },
      [community.slug, commitment, String(Math.floor(Date.now() / 1000) - 25 * 60 * 60)],
    );
    // Where the instance seals by member count only (SEAL_MAX_WAIT_SECONDS=0, no time bound) a
    // pending join is never taken as absent: Join again is the way to send it again.
    await page.route(`**/communities/${community.slug}`, async (route) => {
      const response = await route.fetch();
      const answer = (await response.json()) as object;
      await route.fulfill({
        response,
        body: JSON.stringify({ ...answer, sealing: { maxWaitSeconds: null } }),
      });
    });
    await page.reload();
    frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByText('Your membership of Forum readers will be active once').waitFor();
    await frame.getByText('Waiting for more than a day?', { exact: false }).waitFor();
    // Drawn with the words that explain it.
    const joinAgain = frame.getByRole('button', { name: 'Join Forum readers again' });
    expect(await joinAgain.count()).toBe(1);
    const before = ticketsServed;
    await clickShown(joinAgain);
    await frame
      .getByText('Joined Forum readers: you can now rate, write and ask for notes.')
      .waitFor();
    await frame.getByText('You are a member of Forum readers.').waitFor();
    expect(ticketsServed - before).toBe(1);
    expect(await members()).toContainEqual({ commitment, removed: false });
    expect(await joinAgain.count()).toBe(0);
    expect(await hostErrors(page)).toEqual([]);
    await page.close();
  });
});
