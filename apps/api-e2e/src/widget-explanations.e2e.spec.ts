import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { Client } from 'pg';
import type { Frame, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import {
  explainNote,
  HelpfulnessLevel,
  indexOfId,
  RatingTag,
  ScoringInputBuilder,
  scoreNotes,
  tagMask,
} from '@bridgenotes/scoring';
import { currentTestRun } from '@bridgenotes/testing';
import { seriousViolations } from './support/accessibility';
import { Browser, launchChromium, paintedScreenshot, screenshotFolder } from './support/browser';
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
/**
 * What the scoring worker publishes for a note in a small community: twelve members in two camps
 * that disagree on four partisan notes, then four of camp A and three of camp B rate the ferry
 * note helpful, naming two tags. The opinion groups show it; the Core's sides are empty (nobody
 * has its 10 ratings), so only the explanation's viewpoints say who found it helpful.
 */
function smallCommunityScore(): { status: string; negativeFactorRaters: { raters: number } } {
  const T0 = Date.UTC(2026, 10, 1);
  const builder = new ScoringInputBuilder();
  const camp = (u: number) => (u < 6 ? 'a' : 'b');
  for (const id of ['for-a', 'for-b', 'for-a-2', 'for-b-2', 'ferry']) {
    builder.addNote(id, { createdAtMs: T0, misleading: true, authorId: 'writer' });
  }
  const why = tagMask(RatingTag.HelpfulClear, RatingTag.HelpfulGoodSources);
  const against = tagMask(RatingTag.NotHelpfulIncorrect);
  for (let u = 0; u < 12; u++) {
    for (const id of ['for-a', 'for-b', 'for-a-2', 'for-b-2']) {
      const liked = id.startsWith(`for-${camp(u)}`);
      const level = liked ? HelpfulnessLevel.Helpful : HelpfulnessLevel.NotHelpful;
      builder.addRating(id, `m${u}`, level, T0 + 60_000, liked ? why : against);
    }
    if (u < 4 || (u >= 6 && u < 9)) {
      builder.addRating('ferry', `m${u}`, HelpfulnessLevel.Helpful, T0 + 120_000, why);
    }
  }
  const input = builder.build();
  const result = scoreNotes(input, { seed: 3 });
  return JSON.parse(JSON.stringify(explainNote(result, indexOfId(input.noteIds, 'ferry'))));
}
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
    const small = smallCommunityScore();
    expect([small.status, small.negativeFactorRaters.raters]).toEqual([helpful, 0]);
    await note(postId, SMALL, helpful, small);
    await note(postId, GAUSSIAN, helpful, {
      decidedBy: 'GaussianModel',
      decidingModel: 'GaussianModel',
      negativeFactorRaters: side(6, 5),
      positiveFactorRaters: side(5, 4),
    });
    // Three helpful ratings from one side, none from the other: two more are needed there; two
    // more from members with too few ratings for a viewpoint.
    await note(postId, PENDING, 'NEEDS_MORE_RATINGS', {
      decidedBy: 'OpinionGroupsNMR',
      decidingModel: 'SmallCommunityModel',
      numRatings: 5,
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
        'The other side: no rating from this side yet · helpful ratings still needed: 2',
        'Ratings from members whose viewpoint isn’t known yet: 2 — a viewpoint is known after 3 ratings',
      ]);
      const why = (text: string) =>
        frame.locator('.note.shown', { hasText: text }).locator('.meta').textContent();
      // The opinion groups' ratings, as the explanation gives them, never the Core's empty sides.
      expect(await why(SMALL)).toContain(
        'Rated helpful by people who usually disagree: 100% helpful from 4 ratings on one side, 100% from 3 on the other. Decided by small-community scoring, which finds the groups of raters who usually agree.',
      );
      expect(await why(GAUSSIAN)).toContain(
        '83% helpful from 6 ratings on one side, 80% from 5 on the other. Decided by the second bridging model',
      );
      expect(await frame.locator('#app').innerText()).not.toMatch(INTERNAL);
      expect(await seriousViolations(frame)).toEqual([]);
      await paintedScreenshot(
        page.locator('bridgenotes-widget'),
        join(docs, 'widget-explanation.png'),
      );
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
        'L’autre côté : aucune évaluation de ce côté pour l’instant · évaluations « utile » encore nécessaires : 2',
        'Évaluations de membres dont le point de vue n’est pas encore connu : 2 — un point de vue est connu après 3 évaluations',
      ]);
      const small = await frame
        .locator('.note.shown', { hasText: SMALL })
        .locator('.meta')
        .textContent();
      expect(small?.replace(/\u202f|\u00a0/g, ' ')).toContain(
        '100 % utile sur 4 évaluations d’un côté, 100 % sur 3 de l’autre. Décidé par la notation des petites communautés',
      );
      expect(await frame.locator('#app').innerText()).not.toMatch(INTERNAL);
    } finally {
      await browser.close();
    }
  });
});
