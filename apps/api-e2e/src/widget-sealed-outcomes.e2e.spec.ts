import { randomUUID } from 'node:crypto';

import type { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import type { PostNotesResponse } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import type { Browser } from './support/browser';
import { callApi } from './support/http';
import { operatorKeyEnv, startBuiltApi } from './support/processes';
import {
  clickShown,
  insertNote,
  insertOpenCommunity,
  insertPost,
  widgetFrame,
} from './support/widget-page';
import { startWidgetRig, stopWidgetRig, type WidgetRig } from './support/widget-rig';

const OPERATOR_KEY = 'widget-sealed-outcomes-operator-key';

/**
 * What the widget's frame says of a write the API answered while it waits in the write buffer
 * for its batch (docs/threat-model.md), in Debian's Chromium against a built API that seals by
 * the instance's defaults: K members, or a batch's oldest write waiting its longest wait (6 h).
 */
describe('the outcome of a write that waits for its batch', () => {
  let rig: WidgetRig | undefined;
  let apiUrl: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `s-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;

  beforeAll(async () => {
    rig = await startWidgetRig(
      async (db) => {
        await insertOpenCommunity(db, community, 'Sealed community');
        await insertNote(db, {
          communityId: community.id,
          postId: await insertPost(db, postUrl),
          text: 'The map is of another town.',
          sources: ['https://example.org/map'],
        });
      },
      {
        ...operatorKeyEnv(OPERATOR_KEY),
        SEAL_WINDOW_SECONDS: '60',
      },
    );
    ({ apiUrl, database, browser } = rig);
  });

  afterAll(() => stopWidgetRig(rig));

  const demo = (post: string) =>
    `${apiUrl}/demo?${new URLSearchParams({ community: community.slug, post })}`;

  /**
   * `page` loaded anew on `post`, with the member's area open: by `toggle`, or at once on a post
   * with no notes.
   */
  async function opened(page: Page, post: string, toggle?: string): Promise<Frame> {
    await page.goto(demo(post));
    const frame = await widgetFrame(page);
    if (toggle) await frame.getByRole('button', { name: toggle }).click();
    await frame.locator('section.member').waitFor();
    return frame;
  }

  /**
   * A new page on `post` whose frame keeps a new identity, admitted by the operator, whose batch
   * joins are sealed at once: the member proves now.
   */
  async function member(post: string, toggle?: string): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.context.newPage();
    // The browser is the spec's: another case's identity is forgotten first.
    await page.goto(demo(post));
    await page.evaluate(() => localStorage.clear());
    let frame = await opened(page, post, toggle);
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    // Admitted by the operator, whose batch joins are sealed at once: the member proves now.
    const commitment = await eventually(async () => {
      const kept = await page.evaluate(() =>
        localStorage.getItem('bridgenotes:identity-commitment'),
      );
      if (!kept) throw new Error('no identity kept yet');
      return kept;
    });
    await callApi(
      apiUrl,
      'POST',
      `/communities/${community.slug}/members/batch`,
      { commitments: [commitment] },
      OPERATOR_KEY,
    );
    await page.evaluate(
      ([slug, value]) => localStorage.setItem(`bridgenotes:member:${slug}`, value),
      [community.slug, commitment],
    );
    frame = await opened(page, post, toggle);
    await frame.getByText('You are a member of Sealed community.').waitFor();
    return { page, frame };
  }

  /** Writes a note of `text` in `frame`, answered while it waits for its batch. */
  async function writeWaiting(frame: Frame, text: string): Promise<void> {
    const form = frame.locator('form.write');
    await form.getByRole('radio', { name: 'Not misleading' }).check();
    await form.getByRole('checkbox', { name: 'Factually correct' }).check();
    await form.getByLabel('Note (at most 280 characters').fill(text);
    await clickShown(form.getByRole('button', { name: 'Publish note' }));
    await form
      .getByText(
        'Your note is in. It appears once its batch is sealed with other members’ writes, which keeps when you wrote it private: within minutes in a busy community, at the latest about 6 hours from now.',
        { exact: false },
      )
      .waitFor();
  }

  it('says a rating and a note wait for their batch, within the instance’s longest wait', async () => {
    const { page, frame } = await member(postUrl, 'Help rate notes (1)');

    const rateForm = frame.locator('form.rate');
    await rateForm.getByRole('radio', { name: 'Helpful', exact: true }).check();
    await rateForm.getByRole('checkbox', { name: 'Clear' }).check();
    await clickShown(rateForm.getByRole('button', { name: 'Submit rating' }));
    await rateForm
      .getByText(
        'Your rating is in. It counts once its batch is sealed with other members’ writes, which keeps when you rated private: within minutes in a busy community, at the latest about 6 hours from now, then at the next scoring run.',
      )
      .waitFor();

    const text = `A note that waits for its batch ${randomUUID()}`;
    await writeWaiting(frame, text);
    // Not stored yet: nothing but the buffer holds it.
    const { rows } = await database.query('SELECT id FROM notes WHERE text = $1', [text]);
    expect(rows).toHaveLength(0);
    await page.close();
  });

  it('lists the member’s note after a reload as waiting for its batch, and once sealed lists it once', async () => {
    // A post of its own, with no notes: the member's area is shown at once.
    const post = `${postUrl}/kept`;
    const { page, frame } = await member(post);
    const text = `A note kept on the device ${randomUUID()}`;
    await writeWaiting(frame, text);
    // What the frame keeps on the device (the demo page is on the frame's origin): a key a copy.
    const kept = async () =>
      page.evaluate(
        (prefix) =>
          Object.keys(localStorage)
            .filter((key) => key.startsWith(prefix))
            .map((key) => localStorage.getItem(key))
            .join('\n'),
        `bridgenotes:own-note:${community.slug}:`,
      );

    // Reloaded before the seal: the note is still listed, the member's own, said to wait.
    let reloaded = await opened(page, post);
    const cards = reloaded.locator('.to-rate article.note', { hasText: text });
    await cards
      .getByText(
        'You wrote this note. It waits for its batch to be sealed with other members’ writes: until then only you see it, on this device, and nobody can rate it.',
      )
      .waitFor();
    expect(await cards.count()).toBe(1);
    expect(await cards.locator('form.rate').count()).toBe(0);
    expect(await seriousViolations(reloaded)).toEqual([]);
    expect(await kept()).toContain(text);

    // Sealed by a second API over the same database, whose notes wait a second at most.
    const sealer = await startBuiltApi({ SEAL_WINDOW_SECONDS: '1', SEAL_MAX_WAIT_SECONDS: '1' });
    let noteId: string;
    try {
      noteId = await eventually(async () => {
        const stored = await database.query('SELECT id FROM notes WHERE text = $1', [text]);
        if (stored.rows.length === 0) throw new Error('the note is not sealed yet');
        return stored.rows[0].id as string;
      });
    } finally {
      sealer.api.child.kill('SIGKILL');
    }
    // Listed by the API the frame reads (its answers to the post are cached for a second).
    await eventually(async () => {
      const listing: PostNotesResponse = await callApi(
        apiUrl,
        'GET',
        `/posts?${new URLSearchParams({ url: post, community: community.slug })}`,
      );
      if (!listing.notes.some((note) => note.id === noteId)) throw new Error('not listed yet');
    });

    // Listed once, from the listing, as the member's note; the kept copy is gone. (A post with
    // a note now: the member's area is behind the toggle, which counts the listed note only.)
    reloaded = await opened(page, post, 'Help rate notes (1)');
    const listed = reloaded.locator('.to-rate article.note', { hasText: text });
    await listed.getByText('You wrote this note: others rate it.').waitFor();
    expect(await listed.count()).toBe(1);
    expect(await listed.getByText('It waits for its batch', { exact: false }).count()).toBe(0);
    expect(await kept()).not.toContain(noteId);
    await page.close();
  });
});
