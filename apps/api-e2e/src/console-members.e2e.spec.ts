import { randomBytes, randomUUID } from 'node:crypto';

import { Client } from 'pg';
import type { Page } from 'playwright-core';

import { currentTestRun } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import { Browser, launchChromium } from './support/browser';
import { callApi, untilReady } from './support/http';
import { operatorKeyEnv, RunningApp, startBuiltApi } from './support/processes';

const OPERATOR_KEY = 'e2e-console-members-operator-key';

/** A commitment as a member's identity gives one: a field element, as decimal (below 2^248). */
const commitment = () => BigInt(`0x${randomBytes(31).toString('hex')}`).toString();

/**
 * The operator's membership forms and the runs table's failure reasons, in the built console
 * against the built API (no seed, no worker: a community of its own, a run failed as the worker
 * records a failure).
 */
describe("console: a closed community's members and a failed run's reason", () => {
  const run = currentTestRun();
  const slug = `m-${randomUUID().slice(0, 8)}`;
  let api: RunningApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let database: Client;

  beforeAll(async () => {
    const launching = launchChromium();
    launching.catch(() => undefined);
    ({ api, apiUrl: baseUrl } = await startBuiltApi(operatorKeyEnv(OPERATOR_KEY)));
    await untilReady(baseUrl);
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await callApi(
      baseUrl,
      'POST',
      '/communities',
      { slug, name: 'Closed club', admission: 'CLOSED' },
      OPERATOR_KEY,
    );
    browser = await launching;
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${baseUrl}/console`);
    await page.getByLabel('Key').fill(OPERATOR_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: 'Community' }).selectOption(slug);
  });

  afterAll(async () => {
    await browser?.close();
    await database?.end();
    if (api?.child.exitCode === null) api.child.kill('SIGTERM');
    await api?.exited;
  });

  const leaves = async () =>
    (await callApi(baseUrl, 'GET', `/communities/${slug}/group/leaves`)).leaves as string[];
  /** The console's announcement (the forms' outputs are live regions too, holding lists). */
  const status = (text: string) => page.locator('p.status').filter({ hasText: text }).waitFor();

  async function open(section: string): Promise<void> {
    await page.getByRole('button', { name: section, exact: true }).click();
    await page.getByRole('heading', { level: 2, name: section }).waitFor();
  }

  it('adds members by commitment, tells those already in apart, and removes one after saying what that does', async () => {
    await open('Communities');
    const members = page.getByRole('form', { name: 'Members', exact: true });
    const [first, second, third] = [commitment(), commitment(), commitment()];

    // A line the API would refuse stops the batch before it is sent, with the API's code.
    await members.getByLabel('Identity commitments').fill(`${first}\n0x12\n\n${second}`);
    await members.getByRole('button', { name: 'Add members' }).click();
    await status('VALIDATION_FAILED: line 2 must be a Semaphore identity commitment');
    expect(await leaves()).toEqual([]);

    await members.getByLabel('Identity commitments').fill(`${first}\n${second}\n`);
    await members.getByRole('button', { name: 'Add members' }).click();
    await status('2 added, 0 already members; the group has 2 leaves now');
    expect(await leaves()).toEqual([first, second]);

    // Pasted again beside a new one: only the new one is sent.
    await members.getByLabel('Identity commitments').fill(`${second}\n${third}`);
    await members.getByRole('button', { name: 'Add members' }).click();
    await status('1 added, 1 already members; the group has 3 leaves now');
    await members.getByText('Already members (1):').waitFor();
    expect(await members.locator('output li code').allTextContents()).toEqual([third, second]);
    expect(await leaves()).toEqual([first, second, third]);
    expect(await seriousViolations(page.mainFrame())).toEqual([]);

    // Removing asks first, saying what removal does; a refusal leaves the group as it is.
    const remove = page.getByRole('form', { name: 'Remove a member' });
    await remove.getByLabel('Identity commitment').fill(second);
    const deletes: string[] = [];
    const onRequest = (sent: { method(): string; url(): string }) => {
      if (sent.method() === 'DELETE') deletes.push(sent.url());
    };
    page.on('request', onRequest);
    const dismissed = new Promise<void>((resolve) =>
      page.once('dialog', (dialog) => {
        void dialog.dismiss();
        resolve();
      }),
    );
    await remove.getByRole('button', { name: 'Remove' }).click();
    await dismissed;
    expect(await leaves()).toEqual([first, second, third]);
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (dialog) => {
        resolve(dialog.message());
        void dialog.accept();
      }),
    );
    await remove.getByRole('button', { name: 'Remove' }).click();
    expect(await asked).toMatch(/never join again.*keeps counting.*cannot be undone/s);
    await status('Member removed: leaf 1 is 0 now, under a new root');
    page.off('request', onRequest);
    // The dismissed confirmation sent nothing; the accepted one, one removal.
    expect(deletes).toHaveLength(1);
    expect(await leaves()).toEqual([first, '0', third]);

    // A removed commitment added again: the API refuses the batch, naming it.
    await members.getByLabel('Identity commitments').fill(`${second}\n${commitment()}`);
    await members.getByRole('button', { name: 'Add members' }).click();
    await status('MEMBERSHIP_ENDED: ');
    await members.getByText('Nothing added: MEMBERSHIP_ENDED for (1):').waitFor();
    expect(await members.locator('output li code').allTextContents()).toEqual([second]);
    expect(await leaves()).toEqual([first, '0', third]);
  });

  it("shows a failed run's reason as its code and fixed message", async () => {
    const requested = await callApi(
      baseUrl,
      'POST',
      `/communities/${slug}/scoring-runs`,
      undefined,
      OPERATOR_KEY,
    );
    // As the worker's failure hook records a last attempt's unexpected error
    // (ScoringRunStore.fail): its code alone, the error's text going to the worker's log.
    await database.query(
      `UPDATE scoring_runs SET status = 'FAILED', finished_at = now(), error_code = 'WORKER_ERROR' WHERE id = $1`,
      [requested.id],
    );
    await open('Scoring');
    const runs = page.getByRole('table', { name: 'Scoring runs, newest first' });
    await runs
      .getByRole('cell', {
        name: "WORKER_ERROR: The worker's last attempt failed with an error; the operator finds its text in the worker's log",
      })
      .waitFor();
  });
});
