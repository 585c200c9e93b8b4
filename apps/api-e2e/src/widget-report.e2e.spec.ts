import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { Client } from 'pg';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import { Browser, launchChromium, paintedScreenshot, screenshotFolder } from './support/browser';
import { untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';
import { clickShown, insertNote, insertPost, widgetFrame } from './support/widget-page';

const docs = screenshotFolder();
const OPERATOR_KEY = 'widget-report-operator-key';
const TEXT = 'Jane Example of 1 Example Street posted this from her kitchen.';

/**
 * "Report this note" in Debian's Chromium, against the built API as a process: a member joins
 * through the widget and reports a note with a proof made in the browser; a moderator redacts
 * it; the widget then shows that the text was removed, and never the text.
 */
describe('reporting a note through the widget', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let database: Client;
  let browser: Browser;
  const community = { slug: `r-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/news/${community.slug}`;
  let noteId: string;

  const demo = () =>
    `${apiUrl}/demo?${new URLSearchParams({ community: community.slug, post: postUrl, theme: 'light' })}`;

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi(operatorKeyEnv(OPERATOR_KEY)));
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
       VALUES ($1, $2, 'Report test community', $3, 'OPEN', '{}', 0, now())`,
      [community.id, community.slug, communityScope(community.id).toString()],
    );
    noteId = await insertNote(database, {
      communityId: community.id,
      postId: await insertPost(database, postUrl),
      text: TEXT,
      sources: ['https://example.org/source'],
    });
    await untilReady(apiUrl);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await database?.end();
  });

  it('sends a proven report, which the moderator redacts; the widget then shows no text', async () => {
    const page = await browser.context.newPage();
    await page.goto(demo());
    const frame = await widgetFrame(page);
    await frame.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await frame.getByRole('button', { name: 'Create an identity' }).click();
    await clickShown(frame.getByRole('button', { name: 'Join Report test community' }));
    await frame.getByText('You are a member of Report test community.').waitFor();

    const report = frame.locator('details.report').first();
    await report.locator('summary').click();
    // Nothing chosen: said before any proof.
    await clickShown(report.getByRole('button', { name: 'Send report' }));
    await report.getByText('Choose what is wrong with the note.').waitFor();
    await report.getByRole('radio', { name: 'Other' }).check();
    // A reason chosen, that complaint goes, though "Other" needs words (said at the next send).
    await report.getByText('Choose what is wrong with the note.').waitFor({ state: 'detached' });
    await clickShown(report.getByRole('button', { name: 'Send report' }));
    await report.getByText('Say in a few words what is wrong.').waitFor();
    await report.getByRole('radio', { name: 'Personal data' }).check();
    await report.getByLabel('What is wrong, in a few words').fill('A home address');
    // The complaint goes once it is answered, before any send.
    await report.getByText('Say in a few words what is wrong.').waitFor({ state: 'detached' });
    expect(await seriousViolations(frame)).toEqual([]);
    await paintedScreenshot(report, join(docs, 'widget-report.png'));
    await clickShown(report.getByRole('button', { name: 'Send report' }));
    await report.getByRole('status').filter({ hasText: 'You reported this note.' }).waitFor();
    const { rows: reports } = await database.query<{ reason: string; text: string }>(
      'SELECT reason, text FROM note_reports WHERE note_id = $1',
      [noteId],
    );
    expect(reports).toEqual([{ reason: 'PERSONAL_DATA', text: 'A home address' }]);

    const operator = {
      Authorization: `Bearer ${OPERATOR_KEY}`,
      'Content-Type': 'application/json',
    };
    const queue = await fetch(`${apiUrl}/communities/${community.slug}/moderation/reports`, {
      headers: operator,
    });
    expect((await queue.json()).items[0]).toMatchObject({ reasons: { PERSONAL_DATA: 1 } });
    const redacted = await fetch(`${apiUrl}/communities/${community.slug}/moderation/actions`, {
      method: 'POST',
      headers: operator,
      body: JSON.stringify({ action: 'REDACT', noteId, reasonCode: 'PERSONAL_DATA' }),
    });
    expect(redacted.status).toBe(201);

    // The moderator's write cleared this API process's cached post reads: a reload shows it.
    await page.goto(demo());
    const again = await widgetFrame(page);
    await again.getByRole('button', { name: 'Help rate notes (1)' }).click();
    await again.getByText('This note’s text was removed by the community’s moderators.').waitFor();
    expect(await again.getByText(TEXT).count()).toBe(0);
    await page.close();
  });
});
