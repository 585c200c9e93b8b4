import { randomUUID } from 'node:crypto';

import type { Request, Route } from 'playwright-core';

import { noteTextLength } from '@bridgenotes/protocol';
import { seriousViolations } from './support/accessibility';
import { clickShown, insertOpenCommunity, widgetFrame } from './support/widget-page';
import { startWidgetRig, stopWidgetRig, type WidgetRig } from './support/widget-rig';

/**
 * The widget's note form says which of a note's two length limits a text breaks: 280 characters
 * as readers count them (a link is one), 1000 as sent (links in full). In Debian's Chromium,
 * against the built API; and a refusal the widget has no sentence for shows the API's message.
 */
describe('the limits of a note’s text in the widget', () => {
  let rig: WidgetRig;
  const community = { slug: `l-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;

  beforeAll(async () => {
    rig = await startWidgetRig((database) =>
      insertOpenCommunity(database, community, 'Limits community'),
    );
  });

  afterAll(() => stopWidgetRig(rig));

  it('says a note too long as sent (its links in full) as such, sends nothing, and announces it', async () => {
    const page = await rig.browser.context.newPage();
    const posted: Request[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/notes')) posted.push(request);
    });
    await page.goto(
      `${rig.apiUrl}/demo?${new URLSearchParams({ community: community.slug, post: postUrl, theme: 'light' })}`,
    );
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    await clickShown(frame.getByRole('button', { name: 'Join Limits community' }));
    await frame.getByText('You are a member of Limits community.').waitFor();

    const form = frame.locator('form.write');
    await form.getByRole('radio', { name: 'Misleading or missing context' }).check();
    await form.getByRole('checkbox', { name: 'Outdated information' }).check();
    await form.getByLabel('Sources, one link per line').fill('https://example.org/report');
    // Three long links: under 50 characters as readers count them, over 1,200 as sent.
    const link = (n: number) => `https://example.org/archive/${n}/${'a'.repeat(380)}`;
    const longText = `The figures are from 2019: ${link(1)} ${link(2)} ${link(3)} see the dates.`;
    const text = form.getByLabel('Note (at most 280 characters');
    await text.fill(longText);
    const sent = [...longText].length;
    const counted = noteTextLength(longText);
    expect(sent).toBeGreaterThan(1000);
    expect(counted).toBeLessThan(280);

    // Said as the member types: the figures as sent, what to do, the counter showing it too.
    const message = `With its links in full, the note has ${sent.toLocaleString('en')} characters; at most 1,000 can be sent. Shorten its links, or move some to the sources.`;
    const slot = form.locator('[data-error-for="text"]');
    await slot.getByText(message).waitFor();
    const counter = form.locator('.counter');
    expect(await counter.textContent()).toBe(
      `${counted}/280 · ${sent.toLocaleString('en')}/1,000 with links in full`,
    );
    expect(await counter.getAttribute('class')).toContain('over');
    expect(await text.getAttribute('aria-invalid')).toBe('true');
    expect(await text.getAttribute('aria-describedby')).toBe(await slot.getAttribute('id'));
    // Announced in the frame's live region.
    await frame.locator('[role="status"]').getByText(message).waitFor();

    // Publishing is refused before any proof: the message stays, the focus is on the text.
    await clickShown(form.getByRole('button', { name: 'Publish note' }));
    await slot.getByText(message).waitFor();
    expect(await text.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await form.getByText('Making your proof in this browser…').count()).toBe(0);
    expect(await form.getByText(/of 280|at most 280 fit/).count()).toBe(0);
    expect(await seriousViolations(frame)).toEqual([]);

    // Shortened under both limits: the message and the mark go, the counter is plain again.
    const shortened = 'The figures are from 2019: https://example.org/archive/1 see the dates.';
    await text.fill(shortened);
    await frame.waitForFunction(
      () => document.querySelector('[data-error-for="text"]')?.textContent === '',
    );
    expect(await counter.textContent()).toBe(`${noteTextLength(shortened)}/280`);
    expect(await text.getAttribute('aria-invalid')).toBeNull();
    expect(posted).toEqual([]);

    // A refusal the widget has no sentence for (a newer API's): its message is said, with its
    // code, never "undefined" nor the raw answer.
    await page.route('**/notes', async (route: Route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          statusCode: 400,
          error: 'Bad Request',
          code: 'NOTE_TOPIC_CLOSED',
          message: 'Notes on this topic are closed for now',
        }),
      });
    });
    await clickShown(form.getByRole('button', { name: 'Publish note' }));
    const failed = form.locator('.feedback');
    await failed
      .getByText(
        'That did not work: The service refused it: “Notes on this topic are closed for now” (code NOTE_TOPIC_CLOSED)',
      )
      .waitFor();
    expect(await failed.textContent()).not.toMatch(/undefined|\{|Something went wrong/);
    expect(await seriousViolations(frame)).toEqual([]);
    await page.close();
  });
});
