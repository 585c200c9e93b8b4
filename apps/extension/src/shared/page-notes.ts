import { pagePostKey } from '@bridgenotes/protocol';

import { failureMessage } from './failure';
import { type Found, lookUp } from './instance';
import { type Follow, load } from './storage';

/**
 * Content script or panel → background: look the page up. Every lookup is made by the
 * background, so that the browser's cache (an answer lasts a minute) serves the panel's and any
 * other tab's: a page framed on a site would otherwise cache apart, per site, and ask again.
 */
export interface LookupMessage {
  type: 'lookup' | 'lookup-notes';
  page: { url: string; canonical: string | null };
}

/** Each followed community's notes on the page, or why they could not be loaded (a sentence). */
export type PageLookup = ({ ok: true } & Found) | { ok: false; follow: Follow; error: string };

export async function lookUpPage(page: LookupMessage['page']): Promise<PageLookup[]> {
  const key = pagePostKey(page);
  if (!key) return [];
  const stored = await load();
  const results = await Promise.allSettled(stored.follows.map((follow) => lookUp(follow, key)));
  return results.map((result, index) =>
    result.status === 'fulfilled'
      ? { ok: true, ...result.value }
      : { ok: false, follow: stored.follows[index], error: failureMessage(result.reason) },
  );
}

/** What the content script needs to decide whether to show the panel. */
export interface PageNotes {
  helpful: number;
  toRate: number;
}

/** The page's notes in every followed community, counted (failed lookups count nothing). */
export async function countPageNotes(page: LookupMessage['page']): Promise<PageNotes> {
  const counts: PageNotes = { helpful: 0, toRate: 0 };
  for (const result of await lookUpPage(page)) {
    if (!result.ok) continue;
    for (const note of result.notes) {
      if (note.status === 'CURRENTLY_RATED_HELPFUL') counts.helpful += 1;
      if (note.status === 'NEEDS_MORE_RATINGS') counts.toRate += 1;
    }
  }
  return counts;
}
