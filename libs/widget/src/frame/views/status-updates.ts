// "Notes you wrote or rated changed status", private: the frame fetches what everyone can fetch
// (this post's notes, the latest scoring run's public results) and compares them, on the
// device, with the statuses it remembers for the member's notes. What it sends is the same for
// every member, so nothing in it says which notes are theirs.
import type { NoteResponse, NoteStatus } from '@bridgenotes/protocol';

import { api, communityPath } from '../api';
import type { FrameContext } from '../context';
import { h } from '../dom';
import { t } from '../i18n';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** At most this many pages of the latest run's results (100 notes each) are read. */
const MAX_SCORE_PAGES = 10;

const STATUS_TEXT: Record<NoteStatus, 'statusHelpful' | 'statusNotHelpful' | 'statusNeedsRatings'> =
  {
    CURRENTLY_RATED_HELPFUL: 'statusHelpful',
    CURRENTLY_RATED_NOT_HELPFUL: 'statusNotHelpful',
    NEEDS_MORE_RATINGS: 'statusNeedsRatings',
  };

/** Statuses of the latest successful scoring run, for the wanted notes only. */
async function latestStatuses(
  context: FrameContext,
  wanted: Set<string>,
): Promise<Map<string, NoteStatus>> {
  const statuses = new Map<string, NoteStatus>();
  const runs = await api<Page<{ id: string; status: string }>>(
    `${communityPath(context.slug)}/scoring-runs?limit=10`,
  );
  const latest = runs.items.find((run) => run.status === 'SUCCEEDED');
  if (!latest) return statuses;
  let cursor: string | null = null;
  for (let page = 0; page < MAX_SCORE_PAGES; page += 1) {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const scores: Page<{ noteId: string; status: NoteStatus }> = await api(
      `/scoring-runs/${latest.id}/scores?${query}`,
    );
    for (const score of scores.items) {
      if (wanted.has(score.noteId)) statuses.set(score.noteId, score.status);
    }
    cursor = scores.nextCursor;
    if (!cursor) break;
  }
  return statuses;
}

/** The section listing the member's notes whose status changed since last seen, or null. */
export async function statusUpdates(
  context: FrameContext,
  postNotes: NoteResponse[],
): Promise<HTMLElement | null> {
  const commitment = context.store.identityCommitment;
  if (!commitment) return null;
  const tracked = context.store.tracked(commitment);
  const ids = Object.keys(tracked);
  if (ids.length === 0) return null;
  const current = new Map(postNotes.map((note) => [note.id, note.status]));
  const elsewhere = new Set(ids.filter((id) => !current.has(id)));
  // Fetched whenever anything is tracked, even when every tracked note is on this post: whether
  // the frame asks must not tell which of the post's notes are the member's (docs/widget.md).
  const statuses = await latestStatuses(context, elsewhere).catch(() => new Map());
  for (const [id, status] of statuses) current.set(id, status);
  const changed = ids.filter((id) => current.has(id) && current.get(id) !== tracked[id].status);
  if (changed.length === 0) return null;
  const items = changed.map((id) => {
    const note = tracked[id];
    const status = current.get(id) as NoteStatus;
    context.store.track(commitment, id, { ...note, status });
    return h(
      'li',
      {},
      t(note.role === 'wrote' ? 'updateWrote' : 'updateRated', {
        text: note.text.length > 80 ? `${note.text.slice(0, 79)}…` : note.text,
        status: t(STATUS_TEXT[status]),
      }),
    );
  });
  return h(
    'section',
    { class: 'updates', 'aria-labelledby': 'updates-heading' },
    h('h3', { id: 'updates-heading' }, t('updatesHeading')),
    h('ul', {}, ...items),
  );
}
