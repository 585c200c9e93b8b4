import { pagePostKeys } from '@bridgenotes/protocol';

import { lookUp } from './instance';
import { load } from './storage';

/** Content script → background: look the page up. */
export interface LookupMessage {
  type: 'lookup';
  page: { url: string; canonical: string | null };
}

/** What the content script needs to decide whether to show the panel. */
export interface PageNotes {
  helpful: number;
  toRate: number;
  member: boolean;
}

/** The page's notes in every followed community, counted (failed lookups count nothing). */
export async function countPageNotes(page: LookupMessage['page']): Promise<PageNotes> {
  const keys = pagePostKeys(page);
  const stored = await load();
  const counts: PageNotes = {
    helpful: 0,
    toRate: 0,
    member: Object.keys(stored.memberships).length > 0,
  };
  if (keys.length === 0) return counts;
  const results = await Promise.allSettled(stored.follows.map((follow) => lookUp(follow, keys)));
  for (const result of results) {
    if (result.status !== 'fulfilled') continue;
    for (const note of result.value.notes) {
      if (note.status === 'CURRENTLY_RATED_HELPFUL') counts.helpful += 1;
      if (note.status === 'NEEDS_MORE_RATINGS') counts.toRate += 1;
    }
  }
  return counts;
}
