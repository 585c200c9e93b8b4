// The widget's UI, running in the frame on the service's own origin: it loads the post's notes
// and puts the views together (views/). Everything it shows from the API is inserted as text
// nodes or attribute values, never parsed as markup.
import type { CommunityResponse, NoteResponse, PostNotesResponse } from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from './api';
import type { FrameContext } from './context';
import { button, h } from './dom';
import { hostBridge, validOrigin } from './host';
import { pickLocale, t, useLocale } from './i18n';
import { MemberStore } from './member-store';
import { prover } from './prover-client';
import { regainStorage } from './storage-access';
import { guardWrites } from './visibility-guard';
import { contribute } from './views/contribute';
import { noteCard } from './views/note-card';
import { reportNote } from './views/report-note';
import { statusUpdates } from './views/status-updates';

const params = new URLSearchParams(location.search);
const slug = params.get('community') ?? '';
const postUrl = params.get('post') ?? '';
const theme = params.get('theme') ?? 'auto';
document.documentElement.dataset['theme'] = ['light', 'dark'].includes(theme) ? theme : 'auto';
useLocale(pickLocale([params.get('locale'), ...navigator.languages]));
const host = hostBridge(validOrigin(params.get('parent')));

const app = document.getElementById('app') as HTMLElement;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
/** Inside the live region, seen by nobody: what an action changed, said to screen readers. */
const announcer = h('span', { class: 'announce' });

async function load(): Promise<{
  community: CommunityResponse;
  notes: NoteResponse[];
  requestCount: number;
}> {
  const community = await api<CommunityResponse>(communityPath(slug));
  try {
    const body = await api<PostNotesResponse>(
      `/posts?${new URLSearchParams({ url: postUrl, community: slug })}`,
    );
    return { community, notes: body.notes, requestCount: body.post.requestCount };
  } catch (error) {
    if (error instanceof RequestError && error.code === 'POST_NOT_FOUND') {
      return { community, notes: [], requestCount: 0 };
    }
    throw error;
  }
}

async function start(): Promise<void> {
  guardWrites(app);
  app.replaceChildren(h('h2', { id: 'heading' }, t('heading')), status);
  app.setAttribute('aria-labelledby', 'heading');
  status.textContent = t('loading');
  new ResizeObserver(() =>
    host.tell({ type: 'resize', height: Math.ceil(app.getBoundingClientRect().height) }),
  ).observe(app);

  let loaded: Awaited<ReturnType<typeof load>>;
  try {
    [loaded] = await Promise.all([load(), regainStorage()]);
  } catch (error) {
    status.textContent = t('loadFailed');
    host.tell({ type: 'error', code: error instanceof RequestError ? error.code : 'ERROR' });
    return;
  }
  const store = new MemberStore(slug, loaded.community.name);
  // An identity an earlier version kept without its commitment: asked once, then kept. A prover
  // that does not answer soon leaves it for the next load (or the next join) to record.
  await store.knowCommitment((backup) =>
    Promise.race([
      prover({ type: 'commitment', backup }).then(({ commitment }) => commitment as string),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('slow')), 10_000)),
    ]),
  );
  const context: FrameContext = {
    slug,
    postUrl,
    community: loaded.community,
    store,
    host,
    updates: null,
    announce: (message) => {
      announcer.textContent = message;
      if (!announcer.isConnected) status.append(' ', announcer);
    },
  };
  const live = loaded.notes.filter((note) => note.deletedAt === null);
  const helpful = live.filter((note) => note.status === 'CURRENTLY_RATED_HELPFUL');
  const toRate = live.filter((note) => note.status === 'NEEDS_MORE_RATINGS');
  status.textContent = live.length === 0 ? t('noNotes') : helpful.length > 0 ? '' : t('noHelpful');

  // No notes at all: writing and asking are what there is to do, so they are shown at once.
  // Every note the listing has, whatever its status: a sealed note's kept copy is dropped.
  const listed = new Set(loaded.notes.map((note) => note.id));
  const section = contribute(context, toRate, loaded.requestCount, live.length > 0, listed);
  const shown = h(
    'div',
    { class: 'notes', role: 'list' },
    ...helpful.map((note) => {
      const view = noteCard(note, 'shown');
      view.setAttribute('role', 'listitem');
      if (context.store.canAct) view.append(reportNote(context, note.id));
      return view;
    }),
  );
  if (live.length > 0) {
    const toggle = button(t('helpRate', { count: toRate.length }), () => {
      section.hidden = !section.hidden;
      toggle.setAttribute('aria-expanded', String(!section.hidden));
      toggle.textContent = section.hidden ? t('helpRate', { count: toRate.length }) : t('hideRate');
    });
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', section.id);
    app.append(shown, toggle, section);
  } else {
    app.append(section);
  }
  host.tell({ type: 'ready', notes: live.length, helpful: helpful.length });

  // At the top of the member's forms, whose height is fixed: shown above the notes, the list's
  // height would tell the page around the frame that this reader wrote or rated a note whose
  // status changed lately, and the note's public raters would then name the member's pseudonym.
  if (section.querySelector('.acting')) {
    context.updates = await statusUpdates(context, live).catch(() => null);
    // Looked up again: a render meanwhile (the pseudonym computed) replaces the area, and each
    // later one puts the updates back (views/contribute.ts).
    if (context.updates) section.querySelector('.acting')?.prepend(context.updates);
  }
}

void start();
