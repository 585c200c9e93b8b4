import { randomUUID } from 'node:crypto';

import type { Client } from 'pg';

import { eventually } from '@bridgenotes/testing';
import type { Browser } from './support/browser';
import { callApi } from './support/http';
import { operatorKeyEnv } from './support/processes';
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

  it('says a rating and a note wait for their batch, within the instance’s longest wait', async () => {
    const page = await browser.context.newPage();
    const demo = `${apiUrl}/demo?${new URLSearchParams({ community: community.slug, post: postUrl })}`;
    await page.goto(demo);
    let frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
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
    await page.reload();
    frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByText('You are a member of Sealed community.').waitFor();

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
    // Not stored yet: nothing but the buffer holds it.
    const { rows } = await database.query('SELECT id FROM notes WHERE text = $1', [text]);
    expect(rows).toHaveLength(0);
    await page.close();
  });
});
