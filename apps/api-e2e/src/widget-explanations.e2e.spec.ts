import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { currentTestRun } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import { Browser, launchChromium, screenshotFolder } from './support/browser';
import { untilReady } from './support/http';
import { RunningApp, startBuiltApi } from './support/processes';
import { insertPost, widgetFrame } from './support/widget-page';

const docs = screenshotFolder();
const SMALL = 'Opinion groups on both sides found this note on the ferry timetable helpful.';
const GAUSSIAN = 'The second model settled this note on the harbour fees.';
const PENDING = 'The ferry runs hourly only on weekdays, per the operator’s winter timetable.';
const side = (raters: number, helpful: number) => ({
  raters,
  helpful,
  somewhatHelpful: 0,
  notHelpful: raters - helpful,
  helpfulnessSum: helpful,
});
/** Field names and enum values a reader must never see. */
const INTERNAL =
  /decidingModel|decidedBy|helpfulRatingsNeeded|SmallCommunityModel|GaussianModel|CoreModel|NEEDS_MORE_RATINGS|OpinionGroups/;

/**
 * What the widget says about why a note has its status: for a note that needs ratings, the
 * explanation the API computes (what is missing, from which side), and for a shown note which
 * model decided, in plain words; in English and in French, the language the browser asks for
 * when the page sets none. Notes and scores are written as the scoring worker publishes them.
 */
describe('widget: explanations, in the browser’s language', () => {
  const run = currentTestRun();
  let api: RunningApp;
  let apiUrl: string;
  let database: Client;
  const community = { slug: `x-${randomUUID().slice(0, 8)}`, id: randomUUID() };
  const postUrl = `https://example.com/harbour/${community.slug}`;

  async function note(postId: string, text: string, status: string, score: object): Promise<void> {
    await database.query(
      `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons,
                          text, sources, status, score)
       VALUES (gen_random_uuid(), $1, $2, '7', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
               '{MISSING_IMPORTANT_CONTEXT}', $3, '{https://example.org/ferry}', $4, $5::jsonb)`,
      [community.id, postId, text, status, JSON.stringify(score)],
    );
  }

  /** The demo page with no `locale`: the frame follows the browser's languages. */
  async function open(browser: Browser, helpRate: RegExp): Promise<{ page: Page; frame: Frame }> {
    const page = await browser.context.newPage();
    await page.goto(
      `${apiUrl}/demo?${new URLSearchParams({ community: community.slug, post: postUrl })}`,
    );
    const frame = await widgetFrame(page);
    await frame.getByText(SMALL).waitFor();
    await frame.getByRole('button', { name: helpRate }).click();
    await frame.getByText(PENDING).waitFor();
    return { page, frame };
  }

  beforeAll(async () => {
    ({ api, apiUrl } = await startBuiltApi({ QUEUE_PREFIX: `${run.queuePrefix}-explain` }));
    database = new Client({ connectionString: run.databaseUrl });
    await database.connect();
    await database.query(
      `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, updated_at)
       VALUES ($1, $2, 'Harbour readers', $3, 'OPEN', '{}', now())`,
      [community.id, community.slug, communityScope(community.id).toString()],
    );
    const postId = await insertPost(database, postUrl);
    const helpful = 'CURRENTLY_RATED_HELPFUL';
    await note(postId, SMALL, helpful, {
      decidedBy: 'OpinionGroupsCRH',
      decidingModel: 'SmallCommunityModel',
      negativeFactorRaters: side(4, 4),
      positiveFactorRaters: side(3, 3),
    });
    await note(postId, GAUSSIAN, helpful, {
      decidedBy: 'GaussianModel',
      decidingModel: 'GaussianModel',
      negativeFactorRaters: side(6, 5),
      positiveFactorRaters: side(5, 4),
    });
    // Three helpful ratings from one side, none from the other: two more are needed there.
    await note(postId, PENDING, 'NEEDS_MORE_RATINGS', {
      decidedBy: 'OpinionGroupsNMR',
      decidingModel: 'SmallCommunityModel',
      missing: {
        regime: 'small-community',
        sides: [side(3, 3), side(0, 0)].map(({ raters, ...rest }) => ({
          ratings: raters,
          ...rest,
        })),
        helpfulNeeded: [0, 2],
        ratingsNeeded: 0,
      },
    });
    await untilReady(apiUrl);
  });

  afterAll(async () => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL');
    await api?.exited;
    await database?.end();
  });

  it('says in English what a note needing ratings lacks and which model decided a shown note', async () => {
    const browser = await launchChromium({ locale: 'en-US' });
    try {
      const { page, frame } = await open(browser, /Help rate notes/);
      expect(await frame.locator('html').getAttribute('lang')).toBe('en');
      const pending = frame.locator('.note.proposed', { hasText: PENDING });
      await pending
        .getByText(
          'Needs more ratings. It needs helpful ratings from members who usually see things differently from those who rated it so far: 2 more.',
        )
        .waitFor();
      const sides = pending.getByRole('list', { name: 'What each side of the raters thought' });
      expect(await sides.getByRole('listitem').allTextContents()).toEqual([
        'One side: 100% helpful from 3 ratings (3 helpful, 0 somewhat, 0 not helpful)',
        'The other side: nobody has rated it yet · helpful ratings still needed: 2',
      ]);
      const why = (text: string) =>
        frame.locator('.note.shown', { hasText: text }).locator('.meta').textContent();
      expect(await why(SMALL)).toContain(
        'Decided by small-community scoring, which finds the groups of raters who usually agree.',
      );
      expect(await why(GAUSSIAN)).toContain(
        '83% of 6 raters on one side, 80% of 5 on the other. Decided by the second bridging model',
      );
      expect(await frame.locator('#app').innerText()).not.toMatch(INTERNAL);
      expect(await seriousViolations(frame)).toEqual([]);
      await page
        .locator('bridgenotes-widget')
        .screenshot({ path: join(docs, 'widget-explanation.png') });
    } finally {
      await browser.close();
    }
  });

  it('follows a French browser when the page names no language', async () => {
    const browser = await launchChromium({ locale: 'fr-FR' });
    try {
      const { frame } = await open(browser, /Aider à évaluer/);
      expect(await frame.evaluate(() => navigator.languages[0])).toBe('fr-FR');
      expect(await frame.locator('html').getAttribute('lang')).toBe('fr');
      await frame.getByRole('heading', { name: 'Notes de la communauté' }).waitFor();
      const pending = frame.locator('.note.proposed', { hasText: PENDING });
      await pending.getByText('Il faut plus d’évaluations.', { exact: false }).waitFor();
      const items = await pending
        .getByRole('list', { name: 'Ce qu’en pense chaque côté des contributeurs' })
        .getByRole('listitem')
        .allTextContents();
      // Intl writes "100 %" with a narrow no-break space, as French typography wants.
      expect(items.map((item) => item.replace(/\u202f|\u00a0/g, ' '))).toEqual([
        'Un côté : 100 % utile sur 3 évaluations (3 utile, 0 plutôt utile, 0 pas utile)',
        'L’autre côté : personne ne l’a encore évaluée · évaluations « utile » encore nécessaires : 2',
      ]);
      expect(
        await frame.locator('.note.shown', { hasText: SMALL }).locator('.meta').textContent(),
      ).toContain('Décidé par la notation des petites communautés');
      expect(await frame.locator('#app').innerText()).not.toMatch(INTERNAL);
    } finally {
      await browser.close();
    }
  });
});
