import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Client } from 'pg';
import type { Frame, Locator, Page } from 'playwright-core';

import { communityScope } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';

/** The widget's frame on `page`, once the embed script has made it and it has loaded. */
export const widgetFrame = (page: Page): Promise<Frame> =>
  eventually(async () => {
    const frame = await (await page.waitForSelector('bridgenotes-widget iframe')).contentFrame();
    if (!frame) throw new Error('no frame yet');
    return frame;
  });

/**
 * An OPEN community with no earn-in, framed from any page, written straight to the database: the
 * widget tests need no operator to have one.
 */
export async function insertOpenCommunity(
  database: Client,
  community: { id: string; slug: string },
  name: string,
): Promise<void> {
  await database.query(
    `INSERT INTO communities (id, slug, name, scope, admission, embed_origins, earn_in_impact, updated_at)
     VALUES ($1, $2, $3, $4, 'OPEN', '{}', 0, now())`,
    [community.id, community.slug, name, communityScope(community.id).toString()],
  );
}

/**
 * Waits until a control that writes (join, note, rating, request, report) has been on screen,
 * unhidden, long enough for a member to read it: the widget's frame and the extension's panel
 * refuse a write whose button was not visible for half a second before the click or key press
 * (libs/widget's shared/visibility-guard.ts, which marks the button `data-shown` then).
 * Playwright scrolls to a control and clicks at once, faster than anyone reads.
 */
export async function untilShown(control: Locator): Promise<void> {
  // The button it acts with, as the guard takes it: itself, or its form's submit button. In the
  // middle of the view, as a member looks at it: at an edge, the panel's sticky status line
  // covers it.
  const button = control
    .locator('xpath=ancestor-or-self::button | ancestor::form//button[@type="submit"]')
    .first();
  await button.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await button.locator('xpath=self::*[@data-shown]').waitFor({ state: 'attached' });
}

/**
 * Waits until the frame's guard saw the write button whose text contains `text` hidden (its
 * `data-shown` mark gone): what a page did to the frame since, not the half-second rule alone,
 * then decides a click on it.
 */
export async function untilHidden(frame: Frame, text: string): Promise<void> {
  await frame.waitForFunction(
    (label) =>
      [...document.querySelectorAll('button')].some(
        (button) => button.textContent?.includes(label) && !('shown' in button.dataset),
      ),
    text,
  );
}

/** Clicks a control that writes as a member does: once shown long enough (`untilShown`). */
export async function clickShown(control: Locator): Promise<void> {
  await untilShown(control);
  await control.click();
}

/**
 * A site that embeds the widget, on another origin than the API's ("localhost" is not
 * "127.0.0.1"): serves `html(path)` for every path.
 */
export async function startHostSite(
  html: (path: string) => string,
): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(html(request.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

/** A post known by its URL, written straight to the database; its id. */
export async function insertPost(database: Client, url: string): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO posts (id, canonical_url) VALUES (gen_random_uuid(), $1) RETURNING id`,
    [url],
  );
  return rows[0].id;
}

/**
 * A note as the API stores a proven one (by pseudonym 7, unscored), written straight to the
 * database: the widget tests read notes, and need no proof to have one. Its id.
 */
export async function insertNote(
  database: Client,
  note: { communityId: string; postId: string; text: string; sources: string[] },
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `INSERT INTO notes (id, community_id, post_id, author_pseudonym, classification, reasons, text, sources)
     VALUES (gen_random_uuid(), $1, $2, '7', 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
             '{MISSING_IMPORTANT_CONTEXT}', $3, $4) RETURNING id`,
    [note.communityId, note.postId, note.text, note.sources],
  );
  return rows[0].id;
}
