import { randomUUID } from 'node:crypto';

import { Client } from 'pg';
import type { Frame, Page, Route } from 'playwright-core';

import { commitmentOf, createIdentity, exportIdentity } from '@bridgenotes/client';
import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { Browser, launchChromium } from './support/browser';
import { untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { clickShown, insertNote, insertPost, widgetFrame } from './support/widget-page';

/**
 * What the widget's frame tells its member about an action, in Debian's Chromium against the
 * built API: the outcome stays where the member looks, whatever the frame renders meanwhile.
 */
const OPERATOR_KEY = 'widget-feedback-operator-key';

describe('the feedback of a member’s actions in the widget', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `f-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;
  let noteId: string;
  const busy = { slug: `f-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const busyPostUrl = `https://example.com/news/${busy.slug}`;
  /** How long an answer already received may take to show: no proof, no network. */
  const QUICKLY_MS = 15_000;

  const demo = (slug = community.slug) =>
    `${apiUrl}/demo?${new URLSearchParams({ community: slug, post: slug === community.slug ? postUrl : busyPostUrl, theme: 'light' })}`;

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi(operatorKeyEnv(OPERATOR_KEY)));
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, 'Feedback community', $3, 'OPEN', '{}', 0, now())`,
      [community.id, community.slug, communityScope(community.id).toString()],
    );
    noteId = await insertNote(database, {
      communityId: community.id,
      postId: await insertPost(database, postUrl),
      text: 'The photo is from 2019, not from this week.',
      sources: ['https://example.org/source'],
    });
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, 'Busy community', $3, 'OPEN', '{}', 0, now())`,
      [busy.id, busy.slug, communityScope(busy.id).toString()],
    );
    await insertNote(database, {
      communityId: busy.id,
      postId: await insertPost(database, busyPostUrl),
      text: 'The chart leaves out the last two years.',
      sources: ['https://example.org/chart'],
    });
    await untilReady(apiUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await database?.end();
  });

  /** Publishes a note as helpful the way the scoring worker's publisher does. */
  async function publishHelpful(noteId: string): Promise<void> {
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO scoring_runs (id, community_id, status, started_at, finished_at, note_count, rating_count)
       VALUES (gen_random_uuid(), $1, 'SUCCEEDED', now(), now(), 1, 9) RETURNING id`,
      [community.id],
    );
    const score = JSON.stringify({
      status: 'CURRENTLY_RATED_HELPFUL',
      decidedBy: 'GeneralHelpful',
    });
    await database.query(
      `UPDATE notes SET status = 'CURRENTLY_RATED_HELPFUL', score = $2::jsonb, scored_run_id = $3
        WHERE id = $1`,
      [noteId, score, rows[0].id],
    );
    await database.query(
      `INSERT INTO note_scores (run_id, note_id, status, score)
       VALUES ($1, $2, 'CURRENTLY_RATED_HELPFUL', $3::jsonb)`,
      [rows[0].id, noteId, score],
    );
  }

  it('keeps the status updates and an action’s outcome when the frame renders the member’s area anew', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo());
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    await clickShown(frame.getByRole('button', { name: 'Join Feedback community' }));
    await frame.getByText('You are a member of Feedback community.').waitFor();
    const rateForm = frame.locator('form.rate');
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm.getByText('Rating saved.', { exact: false }).waitFor();
    await publishHelpful(noteId);

    // A member from before pseudonyms were kept (the demo page shares the frame's origin): the
    // frame computes the pseudonym in the prover, then renders the member's area anew. The
    // prover is held back until the updates are shown and an action is under way.
    await page.evaluate(
      (slug) => localStorage.removeItem(`bridgenotes:pseudonym:${slug}`),
      community.slug,
    );
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await browser.context.route('**/widget/prover.js', async (route: Route) => {
      await held;
      await route.continue();
    });
    await page.reload();
    const again = await widgetFrame(page);
    await again.getByRole('button', { name: 'Help rate notes (0)' }).click();
    const updates = again.getByText('Notes you wrote or rated changed status');
    await updates.waitFor();
    const requested = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' && response.url().endsWith('/note-requests'),
    );
    await clickShown(again.getByRole('button', { name: 'Ask for a note on this post' }));
    await again.getByText('Making your proof in this browser…').waitFor();
    release();
    expect((await requested).status()).toBe(201);
    await again.getByText('Request recorded.', { exact: false }).waitFor({ timeout: QUICKLY_MS });
    expect(await updates.isVisible()).toBe(true);
    await browser.context.unroute('**/widget/prover.js');

    // Dismissed, the outcome is gone.
    await again.locator('.request').getByRole('button', { name: 'Dismiss' }).click();
    expect(await again.getByText('Request recorded.', { exact: false }).count()).toBe(0);
    await page.close();
  });

  /**
   * A page on the busy community's post with a new identity, not a member yet: the first test's
   * identity is on this origin too, and is forgotten.
   */
  async function newIdentity(): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.context.newPage();
    await page.goto(demo(busy.slug));
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    return { page, frame };
  }

  it('disables a submit button while its proof is made and sent, says it is busy, and re-enables it on failure', async () => {
    const { page, frame } = await newIdentity();

    /** Holds the next `method` request to `url` until `release` is called; then `answer`s it. */
    const hold = (url: string, method: string, answer: (route: Route) => Promise<void>) => {
      let release: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (release = resolve));
      let taken = false;
      const sent = new Promise<void>((resolve) => {
        void page.route(url, async (route: Route) => {
          if (taken || route.request().method() !== method) return route.continue();
          taken = true;
          resolve();
          await held;
          await answer(route);
        });
      });
      return { sent, release };
    };

    const join = hold('**/communities/*/members', 'POST', (route) => route.continue());
    const joinButton = frame.getByRole('button', { name: 'Join Busy community' });
    await clickShown(joinButton);
    await join.sent;
    expect(await joinButton.isDisabled()).toBe(true);
    expect(await frame.locator('section.member').getAttribute('aria-busy')).toBe('true');
    join.release();
    await frame.getByText('You are a member of Busy community.').waitFor();

    // The rating's answer never comes (the connection drops): the button is back for a retry.
    const rating = hold('**/notes/*/rating', 'PUT', (route) => route.abort('internetdisconnected'));
    const rateForm = frame.locator('form.rate');
    const submit = rateForm.getByRole('button', { name: 'Submit rating' });
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(submit);
    await rateForm.getByText('Making your proof in this browser…').waitFor();
    expect(await submit.isDisabled()).toBe(true);
    expect(await rateForm.getAttribute('aria-busy')).toBe('true');
    await rating.sent;
    expect(await submit.isDisabled()).toBe(true);
    rating.release();
    await rateForm.getByText('That did not work', { exact: false }).waitFor();
    expect(await submit.isDisabled()).toBe(false);
    expect(await rateForm.getAttribute('aria-busy')).toBe('false');
    await clickShown(submit);
    await rateForm.getByText('Rating saved.', { exact: false }).waitFor();
    expect(await submit.isDisabled()).toBe(false);
    await page.close();
  });

  /** The commitment of the identity the page's frame keeps, once it keeps one. */
  const kept = (page: Page): Promise<string> =>
    eventually(async () => {
      const commitment = await page.evaluate(() =>
        localStorage.getItem('bridgenotes:identity-commitment'),
      );
      if (!commitment) throw new Error('no identity kept yet');
      return commitment;
    });

  /** Joins the busy community with the page's identity, sealed at once; its commitment. */
  async function joinBusy(page: Page, frame: Frame): Promise<string> {
    await clickShown(frame.getByRole('button', { name: 'Join Busy community' }));
    await frame.getByText('You are a member of Busy community.').waitFor();
    return kept(page);
  }

  /**
   * A route's answer that came too late: the frame's request went with a reload or the page's
   * close (nothing is left to answer). Any other failure is the test's.
   */
  const gone = (error: Error) => {
    if (!/already handled|closed/i.test(error.message)) throw error;
  };

  /**
   * The page's downloads of the group answer without `commitment`, as a mirror behind its origin
   * or an instance restored from a backup older than the join would; undone by `unhide`.
   */
  async function hideFromGroup(page: Page, commitment: string): Promise<() => Promise<void>> {
    const pattern = `**/communities/${busy.slug}/group/leaves`;
    await page.route(pattern, async (route: Route) => {
      try {
        const response = await route.fetch();
        const group = (await response.json()) as { leaves: string[] };
        const leaves = group.leaves.filter((leaf) => leaf !== commitment);
        await route.fulfill({ response, body: JSON.stringify({ ...group, leaves }) });
      } catch (error) {
        gone(error as Error);
      }
    });
    // Waits for a download being answered: unrouted in the middle of one, the route was handled
    // twice, and the handler's "Route is already handled!" (seen at load 25) escaped the case
    // and failed every case of the file.
    return () => page.unrouteAll({ behavior: 'wait' });
  }

  /** The page reloaded, with the member's area open. */
  async function reopened(page: Page): Promise<Frame> {
    await page.reload();
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    return frame;
  }

  /**
   * Check again while the group lacks the commitment (`still` is said), then once `unhide` gave
   * it back: a member with the forms.
   */
  async function checkAgainTwice(frame: Frame, still: string, unhide: () => Promise<void>) {
    await frame.getByRole('button', { name: 'Check Busy community again' }).click();
    await frame.getByText(still).waitFor();
    await unhide();
    await frame.getByRole('button', { name: 'Check Busy community again' }).click();
    await frame.getByText('You are a member of Busy community.').waitFor();
    await frame.locator('form.rate').waitFor();
  }

  const NOT_IN_GROUP = 'This identity is not in the group of Busy community now.';
  const ENDED = 'Your membership of Busy community ended';

  it('takes a membership missing from the group for absent, not ended: Check again, or a later download, finds it back', async () => {
    const { page, frame } = await newIdentity();
    const commitment = await joinBusy(page, frame);
    let unhide = await hideFromGroup(page, commitment);
    let again = await reopened(page);
    // Said once the reopened frame's group download answers: the network, so the common patience.
    await again.locator('.member p', { hasText: NOT_IN_GROUP }).waitFor();
    expect(await again.getByText(ENDED).count()).toBe(0);
    expect(await again.locator('form.rate').count()).toBe(0);
    // The ways on: look again, or join again (the API says whether it ended).
    await again.getByRole('button', { name: 'Join Busy community' }).waitFor();
    await checkAgainTwice(
      again,
      'Checked just now: this identity is still not in the group of Busy community.',
      unhide,
    );

    // Missing again, then back: the next load's download finds it, with nothing clicked.
    unhide = await hideFromGroup(page, commitment);
    again = await reopened(page);
    await again.locator('.member p', { hasText: NOT_IN_GROUP }).waitFor();
    await unhide();
    again = await reopened(page);
    await again.getByText('You are a member of Busy community.').waitFor();
    await again.locator('form.rate').waitFor();
    await page.close();
  });

  it('records a join the API refuses as MEMBERSHIP_ENDED as ended, with no Join to try again', async () => {
    const { page, frame } = await newIdentity();
    // Joined elsewhere (the CLI, another device), then removed by the moderators.
    const commitment = await kept(page);
    const joined = await fetch(`${apiUrl}/communities/${busy.slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment }),
    });
    expect(joined.status).toBe(201);
    const removed = await fetch(`${apiUrl}/communities/${busy.slug}/members/${commitment}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${OPERATOR_KEY}` },
    });
    expect(removed.status).toBe(200);

    await clickShown(frame.getByRole('button', { name: 'Join Busy community' }));
    await frame.locator('.member p', { hasText: ENDED }).waitFor();
    const again = await reopened(page);
    await again.locator('.member p', { hasText: ENDED }).waitFor({ timeout: QUICKLY_MS });
    expect(await again.getByRole('button', { name: 'Join Busy community' }).count()).toBe(0);
    expect(await again.getByRole('button', { name: 'Check Busy community again' }).count()).toBe(0);
    // The way on: another identity, restored from its backup.
    await again.getByText('Restore another identity from a backup').waitFor();
    await page.close();
  });

  it('offers Check again to a membership that stays pending', async () => {
    const { page, frame } = await newIdentity();
    const commitment = await joinBusy(page, frame);
    // The group without it first: the frame open on the page hears the change below (a `storage`
    // event), looks at the group again, and would find the join sealed and keep it so.
    const unhide = await hideFromGroup(page, commitment);
    // Recorded pending (as an earlier version, or a join whose batch is not sealed yet, leaves it).
    await page.evaluate(
      ([slug, value]) => localStorage.setItem(`bridgenotes:pending:${slug}`, value),
      [busy.slug, commitment],
    );
    const again = await reopened(page);
    await again.getByText('Your membership of Busy community will be active once').waitFor();
    await checkAgainTwice(
      again,
      'Checked just now: your membership of Busy community is not sealed yet.',
      unhide,
    );
    await page.close();
  });

  /** What the focused element of `frame` says. */
  const focusedText = (frame: Frame) =>
    frame.evaluate(() => document.activeElement?.textContent ?? '');

  it('replaces a sent report’s form by a status line that takes the focus, at the form’s height', async () => {
    const { page, frame } = await newIdentity();
    await joinBusy(page, frame);
    const report = frame.locator('.to-rate details.report');
    await report.locator('summary').click();
    const height = () => report.evaluate((details) => details.getBoundingClientRect().height);
    const open = await height();
    await report.getByRole('radio', { name: 'Spam' }).check();
    await clickShown(report.getByRole('button', { name: 'Send report' }));
    const sent = report.getByRole('status').filter({ hasText: 'You reported this note.' });
    await sent.waitFor();
    // Nothing left to fill in or send again: the line says it, and has the focus.
    expect(await report.locator('form, textarea, input, button').count()).toBe(0);
    expect(await focusedText(frame)).toBe(
      'You reported this note. The community’s moderators will look at it.',
    );
    // The page, which sizes the frame, sees no report sent (docs/threat-model.md).
    expect(await height()).toBe(open);
    // Closed and opened again, the disclosure still says it.
    await report.locator('summary').click();
    await report.locator('summary').click();
    expect(await sent.isVisible()).toBe(true);
    await page.close();
  });

  it('says a note this identity reported already is reported, when a view that forgot it sends it again', async () => {
    const reported = 'You reported this note. The community’s moderators will look at it.';
    const { page, frame } = await newIdentity();
    await joinBusy(page, frame);
    /** Sends a Spam report from `view`; the line that says it sent. */
    const sendReport = async (view: Frame) => {
      const report = view.locator('.to-rate details.report');
      await report.locator('summary').click();
      await report.getByRole('radio', { name: 'Spam' }).check();
      await clickShown(report.getByRole('button', { name: 'Send report' }));
      return report.getByRole('status').filter({ hasText: reported });
    };
    await (await sendReport(frame)).waitFor();
    // The page loaded anew: the frame kept the sent report for its life only, so the form is
    // offered again (as on another device with this identity). The API refuses a second report
    // of this pseudonym, and the member reads that the note is reported, not a failure.
    const again = await reopened(page);
    const answered = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        new URL(response.url()).pathname.endsWith('/reports'),
    );
    const line = await sendReport(again);
    const refused = await answered;
    expect(refused.status()).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'REPORT_EXISTS' });
    await line.waitFor({ timeout: QUICKLY_MS });
    expect(await focusedText(again)).toBe(reported);
    expect(await again.getByText('That did not work', { exact: false }).count()).toBe(0);
    await page.close();
  });

  /**
   * The page reloaded without the member's pseudonym and with the prover held back: once let
   * go, the prover computes the pseudonym, and the frame renders the member's area anew while
   * an action started meanwhile makes its proof. `walk` runs then; the prover is let go and its
   * route removed after it, whether it passed or failed, so that no later test finds it held.
   */
  async function heldProver(
    page: Page,
    slug: string,
    walk: (frame: Awaited<ReturnType<typeof reopened>>, release: () => void) => Promise<void>,
  ) {
    await page.evaluate((key) => localStorage.removeItem(key), `bridgenotes:pseudonym:${slug}`);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      await held;
      await route.continue();
    };
    await browser.context.route('**/widget/prover.js', hold);
    try {
      await walk(await reopened(page), release);
    } finally {
      release();
      await browser.context.unroute('**/widget/prover.js', hold);
    }
  }

  it('keeps the focus on an outcome the member can see when the area was rendered anew while proving', async () => {
    const { page, frame } = await newIdentity();
    await joinBusy(page, frame);
    await heldProver(page, busy.slug, async (again, release) => {
      const report = again.locator('.to-rate details.report');
      await report.locator('summary').click();
      await report.getByRole('radio', { name: 'Spam' }).check();
      await clickShown(report.getByRole('button', { name: 'Send report' }));
      await report.getByText('Making your proof in this browser…').waitFor();
      const sent = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().endsWith('/reports'),
      );
      release();
      expect((await sent).status()).toBe(201);
      // The line takes the form's place in the view on screen now, the one rendered anew.
      const outcome = again
        .locator('details.report')
        .getByRole('status')
        .filter({ hasText: 'You reported this note.' });
      await outcome.waitFor({ timeout: QUICKLY_MS });
      expect(await again.locator('.to-rate details.report form').count()).toBe(0);
      const focused = await eventually(async () => {
        const now = await again.evaluate(() => {
          const element = document.activeElement as HTMLElement | null;
          return {
            text: element?.textContent ?? '',
            shown: element?.checkVisibility() ?? false,
            folded: element?.closest('details:not([open])') !== null,
          };
        });
        if (!now.text?.startsWith('You reported this note.'))
          throw new Error(`focus on: ${now.text}`);
        return now;
      }, QUICKLY_MS);
      expect(focused).toEqual({ text: expect.any(String), shown: true, folded: false });
    });
    await page.close();
  });

  it('does not show an identity the outcome of another identity’s action', async () => {
    const { page, frame } = await newIdentity();
    await joinBusy(page, frame);
    // Another identity, a member too, which another tab of this site keeps meanwhile.
    const other = createIdentity();
    const otherCommitment = commitmentOf(other);
    const joined = await fetch(`${apiUrl}/communities/${busy.slug}/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ commitment: otherCommitment }),
    });
    expect(joined.status).toBe(201);

    await heldProver(page, busy.slug, async (again, release) => {
      const rateForm = again.locator('form.rate');
      await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
      await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
      await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
      await rateForm.getByText('Making your proof in this browser…').waitFor();
      await rateForm.evaluate((form) => form.setAttribute('data-before', ''));
      await page.evaluate(
        ([slug, backup, commitment]) => {
          localStorage.setItem('bridgenotes:identity', backup);
          localStorage.setItem('bridgenotes:identity-commitment', commitment);
          localStorage.setItem(`bridgenotes:member:${slug}`, commitment);
        },
        [busy.slug, exportIdentity(other), otherCommitment],
      );
      const rated = page.waitForResponse(
        (response) => response.request().method() === 'PUT' && response.url().endsWith('/rating'),
      );
      release();
      expect((await rated).ok()).toBe(true);
      // The area rendered anew (the pseudonym computed) is the other identity's: its form says
      // nothing of the first identity's rating, neither its proof nor its outcome.
      const rendered = again.locator('form.rate:not([data-before])');
      await rendered.waitFor({ timeout: QUICKLY_MS });
      expect(await rendered.locator('p.feedback').textContent()).toBe('');
      expect(await rendered.getByRole('button', { name: 'Submit rating' }).isDisabled()).toBe(
        false,
      );
    });
    await page.close();
  });
});
