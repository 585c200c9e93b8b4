import { api, ApiFailure, session } from './api';
import type { Community, Context } from './context';
import { field, focusOn, formValues, h } from './dom';
import { communitiesView } from './views/communities';
import { moderationView } from './views/moderation';
import { membersView, scoringView } from './views/scoring';

const VIEWS = {
  Moderation: moderationView,
  Scoring: scoringView,
  Members: membersView,
  Communities: communitiesView,
} as const;
type ViewName = keyof typeof VIEWS;

const root = document.getElementById('console') as HTMLElement;
const status = h('p', { class: 'status', role: 'status' });
let view: ViewName = 'Moderation';
let communities: Community[] = [];
let chosen: string | undefined;

const describe = (error: unknown) =>
  error instanceof ApiFailure ? `${error.code}: ${error.message}` : String(error);

function announce(text: string, failed = false): void {
  status.textContent = text;
  status.classList.toggle('error', failed);
}

/**
 * Why the last redraw failed, when it did: an action that then reloads the view was still done,
 * and is announced as done, with this beside it (never as the action's own failure).
 */
let reloadFailure: string | undefined;

const context = (): Context => ({
  communities,
  community: communities.find((c) => c.slug === chosen),
  async act(done, action) {
    reloadFailure = undefined;
    try {
      await action();
      const outcome = typeof done === 'function' ? done() : done;
      if (reloadFailure === undefined) announce(outcome);
      else announce(`${outcome}; reloading the view failed: ${reloadFailure}`, true);
    } catch (error) {
      announce(describe(error), true);
    }
  },
  async load(read) {
    try {
      return await read();
    } catch (error) {
      announce(describe(error), true);
      return undefined;
    }
  },
  async reload(slug, focus) {
    if (slug) chosen = slug;
    try {
      await loadCommunities();
      await draw(focus ?? HEADING);
    } catch (error) {
      reloadFailure = describe(error);
      announce(`Reloading the view failed: ${reloadFailure}`, true);
    }
  },
});

async function loadCommunities(): Promise<void> {
  const moderated = session.community();
  if (moderated) {
    communities = [await api<Community>('GET', `/communities/${encodeURIComponent(moderated)}`)];
    chosen = moderated;
    return;
  }
  const all: Community[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Community[]; nextCursor: string | null } = await api(
      'GET',
      `/communities?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  communities = all;
  chosen ??= communities[0]?.slug;
}

/**
 * Refuses a wrong key at once, with the API's code: a moderator key against its community's
 * queue, the operator key against the API's operator check.
 */
async function checkKey(): Promise<void> {
  const moderated = session.community();
  await api(
    'GET',
    moderated
      ? `/communities/${encodeURIComponent(moderated)}/moderation/reports`
      : '/operator/session',
  );
}

function signIn(): void {
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Bridgenotes console'),
    field(
      'Key',
      h('input', { name: 'key', type: 'password', required: true, autocomplete: 'off' }),
      'The operator key, or a moderator key',
    ),
    field(
      'Community',
      h('input', { name: 'community' }),
      "A moderator key's community (leave empty with the operator key)",
    ),
    h('button', { type: 'submit' }, 'Sign in'),
    h('p', {}, 'The key stays in this tab only (session storage) and goes to this instance alone.'),
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const v = formValues(form);
    session.signIn(v['key'] ?? '', (v['community'] ?? '').trim());
    void start();
  });
  root.replaceChildren(form);
  (form.querySelector('input') as HTMLInputElement).focus();
}

/** Forgets the key (the tab's session storage) and shows the sign-in form. */
const signOutButton = () =>
  h(
    'button',
    {
      type: 'button',
      onclick: () => {
        session.signOut();
        signIn();
      },
    },
    'Sign out',
  );

/** Ids `draw` focuses: the view's heading (whichever view), the community picker. */
const HEADING = 'heading';
const PICKER = 'community';

/**
 * Redraws the console. The page is rebuilt, which drops keyboard focus with the control that had
 * it: after a section change focus goes to the new view's heading, after a community change back
 * to the picker, after an action to the element with the id `focus` (the view's heading when it
 * is gone). Only the status region is live: the rest is read when focus reaches it.
 */
async function draw(focus?: string): Promise<void> {
  const moderator = session.community() !== null;
  if (moderator && view === 'Communities') view = 'Moderation';
  const nav = h(
    'nav',
    { 'aria-label': 'Console sections' },
    ...(Object.keys(VIEWS) as ViewName[])
      .filter((name) => !(moderator && name === 'Communities'))
      .map((name) =>
        h(
          'button',
          {
            type: 'button',
            'aria-current': name === view ? 'page' : undefined,
            onclick: () => {
              view = name;
              void draw(HEADING);
            },
          },
          name,
        ),
      ),
  );
  const picker = h(
    'select',
    {
      id: PICKER,
      disabled: moderator,
      onchange: (event) => {
        chosen = (event.target as HTMLSelectElement).value;
        void draw(PICKER);
      },
    },
    ...communities.map((c) =>
      h('option', { value: c.slug, selected: c.slug === chosen }, `${c.name} (${c.slug})`),
    ),
  );
  const header = h(
    'header',
    {},
    h('h1', {}, 'Bridgenotes console'),
    h('div', { class: 'field' }, h('label', { for: PICKER }, 'Community'), picker),
    signOutButton(),
  );
  const main = h('div', { class: 'view' }, h('p', {}, 'Loading…'));
  root.replaceChildren(header, nav, status, main);
  if (focus === PICKER) picker.focus();
  main.replaceChildren(await VIEWS[view](context()));
  if (focus && focus !== PICKER) {
    focusOn(
      (focus === HEADING ? null : document.getElementById(focus)) ?? main.querySelector('h2'),
    );
  }
}

/**
 * A key check the API refused (401: not a key of this instance or community; 404: no such
 * community) ends the session: trying again cannot help. Anything else (the API unreachable, a
 * proxy's 502, a rate limit) keeps the key, shows why and offers to try again.
 */
const refusesSignIn = (error: unknown) =>
  error instanceof ApiFailure && (error.status === 401 || error.status === 404);

function unavailable(): void {
  root.replaceChildren(
    h('h1', {}, 'Bridgenotes console'),
    status,
    h('button', { type: 'button', onclick: () => void start() }, 'Try again'),
    signOutButton(),
  );
}

async function start(): Promise<void> {
  if (!session.key()) return signIn();
  announce('');
  try {
    await checkKey();
    await loadCommunities();
    await draw();
  } catch (error) {
    if (refusesSignIn(error)) {
      session.signOut();
      signIn();
    } else {
      unavailable();
    }
    announce(describe(error), true);
  }
}

void start();
