import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun, eventually } from '@bridgenotes/testing';
import { Browser, launchChromium } from './support/browser';
import { untilReady } from './support/http';
import { RunningApp, startBuiltApi } from './support/processes';
import {
  clickShown,
  insertNote,
  insertPost,
  startHostSite,
  widgetFrame,
} from './support/widget-page';

const GONE_TEXT = 'The council meeting was moved to Thursday, per its agenda.';
const TO_RATE_TEXT = 'The repairs were approved in March, per the council minutes.';
const WRITTEN_TEXT = 'The works start in April, the council now says in its notice.';

/** What the host page heard: every message, every `bridgenotes:*` event, every frame size. */
interface Heard {
  kind: string;
  phase: string;
  value: unknown;
}

/**
 * What the page around the widget learns while a member acts, in Debian's Chromium: a host page
 * on another origin records every message its window receives, every `bridgenotes:*` event the
 * loader dispatches (whatever its name: `dispatchEvent` itself is watched) and every height its
 * iframe takes, while a member creates an identity, pastes something that is no backup, joins,
 * fails to rate a note deleted meanwhile, rates another, writes a note and asks for one. The page
 * knows its signed-in user: a note id, a pseudonym, a count, an error code, or only the moment of
 * a write (an event, a resize) would tie that user to the member's pseudonym.
 */
describe('what the page around the widget hears', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let host: Server;
  let hostOrigin: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `h-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;
  let goneId: string;
  let toRateId: string;

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi());
    // The recorder runs before the loader: nothing the loader does escapes it.
    ({ server: host, origin: hostOrigin } = await startHostSite(
      () => `<!doctype html><html lang="en"><head><title>Host</title></head><body>
        <h1>A site that knows its signed-in user</h1>
        <script>
          window.heard = [];
          window.phase = 'loading';
          const keep = (kind, value) =>
            heard.push({ kind, phase: window.phase, value: JSON.parse(JSON.stringify(value ?? null)) });
          addEventListener('message', (event) => keep('message', event.data));
          const dispatch = EventTarget.prototype.dispatchEvent;
          EventTarget.prototype.dispatchEvent = function (event) {
            if (String(event.type).startsWith('bridgenotes:')) keep(event.type, event.detail);
            return dispatch.call(this, event);
          };
          new MutationObserver(() => {
            const frame = document.querySelector('bridgenotes-widget iframe');
            if (!frame || frame.dataset.watched) return;
            frame.dataset.watched = 'yes';
            let height = -1;
            new ResizeObserver(() => {
              const now = frame.getBoundingClientRect().height;
              if (now !== height) keep('size', (height = now));
            }).observe(frame);
          }).observe(document, { childList: true, subtree: true });
        </script>
        <script async src="${apiUrl}/embed.js" data-community="${community.slug}"
          data-post-url="${postUrl}" data-theme="light"></script></body></html>`,
    ));

    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, 'Host privacy community', $3, 'OPEN', $4, 0, now())`,
      [community.id, community.slug, communityScope(community.id).toString(), [hostOrigin]],
    );
    const postId = await insertPost(database, postUrl);
    const sources = ['https://example.org/council/minutes'];
    goneId = await insertNote(database, {
      communityId: community.id,
      postId,
      text: GONE_TEXT,
      sources,
    });
    toRateId = await insertNote(database, {
      communityId: community.id,
      postId,
      text: TO_RATE_TEXT,
      sources,
    });
    await untilReady(apiUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await new Promise((resolve) => host?.close(resolve));
    await database?.end();
  });

  const heard = (page: Page) => page.evaluate(() => (window as { heard?: Heard[] }).heard ?? []);
  const enter = (page: Page, phase: string) =>
    page.evaluate((name) => Object.assign(window, { phase: name }), phase);
  const noteForm = (frame: Frame, id: string) =>
    frame.locator(`.note[data-note-id="${id}"] form.rate`);

  it('hears that the notes are shown, and nothing of what the member does: no id, pseudonym, count, code or resize', async () => {
    const page = await browser.context.newPage();
    await page.goto(hostOrigin);
    const frame = await widgetFrame(page);
    await frame.getByText(TO_RATE_TEXT).first().waitFor({ state: 'attached' });
    await eventually(async () => {
      if (!(await heard(page)).some((entry) => entry.kind === 'bridgenotes:ready'))
        throw new Error('not ready yet');
    });

    // Opening the member's part and joining: the page sees the frame grow, as any reader's.
    await enter(page, 'joining');
    await frame.getByRole('button', { name: 'Help rate notes (2)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    // The panel drawn anew for the identity: its Join, and Restore for another identity.
    const join = frame.getByRole('button', { name: 'Join Host privacy community' });
    await join.waitFor();
    const panel = frame.locator('.member');
    await panel.getByText('Restore another identity from a backup').click();
    await panel.getByLabel('Identity backup').fill('not a backup');
    await panel.getByRole('button', { name: 'Restore', exact: true }).click();
    await panel.getByText('This is not a Bridgenotes identity backup', { exact: false }).waitFor();
    await panel.getByText('Restore another identity from a backup').click();
    await clickShown(join);
    await frame.getByText('You are a member of Host privacy community.').waitFor();
    await noteForm(frame, toRateId).waitFor();

    // From here on the member acts: the page must hear nothing at all.
    await enter(page, 'acting');
    await database.query('UPDATE notes SET deleted_at = now() WHERE id = $1', [goneId]);
    const gone = noteForm(frame, goneId);
    await gone.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await gone.getByRole('checkbox', { name: 'Clear', exact: true }).check();
    await clickShown(gone.getByRole('button', { name: 'Submit rating' }));
    await gone.getByText('(code NOTE_DELETED)', { exact: false }).waitFor();

    const rate = noteForm(frame, toRateId);
    await rate.getByRole('radio', { name: 'Not helpful', exact: true }).check();
    await rate.getByRole('checkbox', { name: 'Outdated', exact: true }).check();
    await clickShown(rate.getByRole('button', { name: 'Submit rating' }));
    await rate.getByText('Rating saved.', { exact: false }).waitFor();

    const write = frame.locator('form.write');
    await write.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await write.getByRole('checkbox', { name: 'Outdated information' }).check();
    await write.getByLabel('Note (at most 280 characters').fill(WRITTEN_TEXT);
    await write.getByLabel('Sources, one link per line').fill('https://example.org/council/2026');
    await clickShown(write.getByRole('button', { name: 'Publish note' }));
    await write.getByText('Note published.', { exact: false }).waitFor();

    await clickShown(frame.getByRole('button', { name: 'Ask for a note on this post' }));
    await frame.getByText('Members who asked for a note on this post: 1').waitFor();

    const {
      rows: [rating],
    } = await database.query<{ rater_pseudonym: string }>(
      'SELECT rater_pseudonym FROM ratings WHERE note_id = $1',
      [toRateId],
    );
    const {
      rows: [written],
    } = await database.query<{ id: string; author_pseudonym: string }>(
      'SELECT id, author_pseudonym FROM notes WHERE text = $1',
      [WRITTEN_TEXT],
    );
    expect(written.author_pseudonym).toBe(rating.rater_pseudonym);

    const all = await heard(page);
    // Nothing while the member acted: no message, no event, not even a change of height.
    expect(all.filter((entry) => entry.phase === 'acting')).toEqual([]);
    // Before: the frame's sizes, and one event, whose counts every reader of the post gets.
    expect([...new Set(all.map((entry) => entry.kind))].sort()).toEqual([
      'bridgenotes:ready',
      'message',
      'size',
    ]);
    expect(all.filter((entry) => entry.kind === 'bridgenotes:ready')).toEqual([
      {
        kind: 'bridgenotes:ready',
        phase: 'loading',
        value: { type: 'ready', notes: 2, helpful: 0 },
      },
    ]);
    const messages = all.filter((entry) => entry.kind === 'message');
    for (const { value } of messages) {
      expect(Object.keys(value as object).sort()).toEqual(
        (value as { type: string }).type === 'ready'
          ? ['helpful', 'notes', 'source', 'type']
          : ['height', 'source', 'type'],
      );
      expect(['ready', 'resize']).toContain((value as { type: string }).type);
    }
    const everything = JSON.stringify(all);
    for (const secret of [
      goneId,
      toRateId,
      written.id,
      rating.rater_pseudonym,
      'BACKUP_INVALID',
      'NOTE_DELETED',
    ]) {
      expect(everything).not.toContain(secret);
    }
    await page.close();
  });
});
