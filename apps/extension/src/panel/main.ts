// The panel, an extension page framed beside the post by the content script. It reads the page
// (URL and canonical link) from its own URL's fragment, finds the post's notes in every followed
// community through the private lookup, and lets members rate, write and request.
import { type AdmissionPolicy, pagePostKey, type PostKey, postRefOf } from '@bridgenotes/protocol';

import { button, guardWrites, h } from '@bridgenotes/widget';
import { ext } from '../shared/extension-api';
import { failureMessage } from '../shared/failure';
import type { Found, Note } from '../shared/instance';
import type { PanelConnect, PanelReport } from '../shared/messages';
import {
  membershipOf,
  type MembershipState,
  pendingResendable,
  type SettleMembershipMessage,
} from '../shared/membership';
import { membershipNews, NOT_IN_GROUP, pendingNotice } from '../shared/membership-news';
import type { LookupMessage, PageLookup } from '../shared/page-notes';
import { prover } from '../shared/prover';
import { type Follow, followKey, load, type Stored } from '../shared/storage';
import { type StringKey, t } from '../shared/strings';
import {
  type MemberContext,
  MembershipNotSealed,
  noteForm,
  ratingForm,
  requestPanel,
} from './member-actions';
import { noteView } from './note-view';
import { panelCheck } from './panel-check';
import { whileBusy } from './busy';

const app = document.getElementById('app') as HTMLElement;

function page(): { url: string; canonical: string | null; token: string } {
  try {
    const parsed = JSON.parse(decodeURIComponent(location.hash.slice(1))) as {
      url?: unknown;
      canonical?: unknown;
      token?: unknown;
    };
    return {
      url: typeof parsed.url === 'string' ? parsed.url : '',
      canonical: typeof parsed.canonical === 'string' ? parsed.canonical : null,
      token: typeof parsed.token === 'string' ? parsed.token : '',
    };
  } catch {
    return { url: '', canonical: null, token: '' };
  }
}

/**
 * The channel to the content script that framed the panel (shared/messages.ts): its port, once
 * it came with this panel's token. Until then what is to be said waits; the page's window is
 * never posted to, since every script of the page would hear it.
 */
let port: MessagePort | undefined;
let waiting: PanelReport | undefined;

addEventListener('message', (event: MessageEvent) => {
  const data = event.data as PanelConnect | null;
  if (port || event.source !== parent || data?.type !== 'connect' || !event.ports[0]) return;
  const { token } = page();
  if (data.source !== 'bridgenotes-extension' || !token || data.token !== token) return;
  port = event.ports[0];
  if (waiting) port.postMessage(waiting);
  waiting = undefined;
});

function tell(message: PanelReport): void {
  if (port) port.postMessage(message);
  else if (message.type === 'notes') waiting = message;
}

function report(): void {
  // The member's actions open: the panel takes its whole height, whatever they show.
  const fill = app.querySelector('.contribute:not([hidden])') !== null;
  document.documentElement.classList.toggle('fill', fill);
  tell({ type: 'notes', height: Math.ceil(app.getBoundingClientRect().height), fill });
}

const hostOf = (instance: string) => new URL(instance).host;

/**
 * What a non-member is told, as the settings offer it: a join for an OPEN or INVITE community; a
 * membership check for a CREDENTIAL one (joined on its site, with a ticket the extension cannot
 * ask for); nothing to do for a CLOSED one.
 */
const NOT_MEMBER: Record<AdmissionPolicy, StringKey> = {
  OPEN: 'joinToRate',
  INVITE: 'joinToRate',
  CREDENTIAL: 'joinOnSiteToRate',
  CLOSED: 'closedToRate',
};

/** Whether the extension holds an identity (an empty one is none) and a membership for `follow`. */
const isMember = (stored: Stored, follow: Follow) =>
  Boolean(stored.identities[follow.instance]) &&
  stored.memberships[followKey(follow)] !== undefined;

const STATES: readonly unknown[] = ['none', 'pending', 'sealed', 'absent', 'ended'];

/**
 * Asks the service worker for `follow`'s membership state now (it looks in the published group
 * and records a seal, or an end, shared/membership.ts); undefined when it could not tell.
 */
async function membershipNow(follow: Follow): Promise<MembershipState | undefined> {
  const message: SettleMembershipMessage = {
    type: 'settle-membership',
    instance: follow.instance,
    slug: follow.slug,
  };
  const answer = await ext.runtime.sendMessage(message).catch(() => undefined);
  return STATES.includes(answer) ? (answer as MembershipState) : undefined;
}

function sectionFor(found: Found, stored: Stored, key: PostKey, pseudonym?: string) {
  const { follow } = found;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  // What the member's actions say, inside them (and kept to the bottom of the panel while they
  // are open): a line in the section would resize the panel as a write lands, even with the
  // actions closed meanwhile.
  const said = h('p', { class: 'status said', role: 'status', 'aria-live': 'polite' });
  const say = (message: string) => (said.textContent = message);
  const live = found.notes.filter((note) => note.deletedAt === null);
  const helpful = live.filter((note) => note.status === 'CURRENTLY_RATED_HELPFUL');
  const toRate = live.filter((note) => note.status === 'NEEDS_MORE_RATINGS');
  const backup = stored.identities[follow.instance];
  // A member whose join waits for its batch reads only, as in the widget: no form is offered.
  let membership = isMember(stored, follow) ? membershipOf(stored, follow) : 'none';
  const resendable =
    membership === 'pending' &&
    (follow.admission === 'OPEN' || follow.admission === 'INVITE') &&
    pendingResendable(stored, follow);
  const section = h(
    'section',
    { class: 'community', 'data-community': followKey(follow) },
    h(
      'p',
      { class: 'meta' },
      t('from', { community: follow.name, instance: hostOf(follow.instance) }),
    ),
    // Never marked as the member's here: the panel's height at load, which the page measures,
    // would tell it which of its readers wrote a shown note (docs/threat-model.md). The actions
    // say so, at their fixed height.
    ...helpful.map((note) => noteView(note, true, false)),
    status,
  );
  if (helpful.length === 0) status.textContent = t('noHelpful');
  const context: MemberContext = {
    follow,
    backup: backup ?? '',
    post: postRefOf(key),
    say,
    async guarded(action, busy) {
      try {
        await (busy ? whileBusy(busy, action) : action());
      } catch (error) {
        // A membership waiting to be sealed is no failure: it says when it will work. Unless it
        // is missing from the group: looked for, the notice then says so in place of the forms.
        say(error instanceof MembershipNotSealed ? error.message : failureMessage(error));
        if (error instanceof MembershipNotSealed) void settle();
      }
    },
  };
  const contribute = h('div', { class: 'contribute', hidden: true });
  const rateView = (note: Note) => {
    const own = note.authorPseudonym === pseudonym;
    const view = noteView(note, false, own);
    // Members cannot rate their own notes (the API answers SELF_RATING): no form for them.
    const rating = stored.ratings[note.id];
    if (!own) {
      view.append(
        ratingForm(
          context,
          note,
          rating === undefined
            ? undefined
            : { helpfulness: rating, clientMinute: stored.ratingMinutes[note.id] },
        ),
      );
    }
    return view;
  };
  const settings = () => button(t('settings'), () => void ext.runtime.openOptionsPage());
  const community = { community: follow.name };
  // Looked for again when asked: nothing else would before the actions are opened again.
  const checkAgain = () => button(t('checkAgain', community), () => void settle(true));
  const memberActions = () => [
    h('p', {}, toRate.length > 0 ? t('needsRatings') : ''),
    ...toRate.map(rateView),
    requestPanel(context, found.requestCount),
    h('h3', {}, t('writeNote')),
    noteForm(context, (note) => contribute.prepend(rateView(note))),
  ];
  /** What the actions show for each state of the membership. */
  const views: Record<MembershipState, () => Node[]> = {
    sealed: memberActions,
    pending: () => [
      h('p', {}, pendingNotice(follow)),
      checkAgain(),
      // Pending a day and more: joining again is in the settings, as for an absent membership.
      ...(resendable ? [h('p', {}, t('pendingJoinAgainInSettings')), settings()] : []),
      ...toRate.map((note) => noteView(note, false, note.authorPseudonym === pseudonym)),
    ],
    // Joining again is in the settings, where the instance answers whether it ended.
    absent: () => [
      h('p', {}, t(NOT_IN_GROUP[follow.admission], community)),
      checkAgain(),
      settings(),
    ],
    ended: () => [h('p', {}, t('membershipEnded', community)), settings()],
    none: () => [h('p', {}, t(NOT_MEMBER[follow.admission], community)), settings()],
  };
  const ownShown = helpful.some((note) => note.authorPseudonym === pseudonym);
  const ownLine = () => (ownShown ? [h('p', { class: 'own' }, t('yourNoteShown'))] : []);
  contribute.append(...ownLine(), ...views[membership](), said);
  // Looked for again each time the member opens the actions, as the widget does at each render,
  // and at each Check again: in another state, its view replaces the actions' and it is said. A
  // sealed membership missing from the group is absent, not ended: only the instance says that.
  async function settle(asked = false) {
    const before = membership;
    if (before !== 'pending' && before !== 'sealed' && before !== 'absent') return;
    const now = await membershipNow(follow);
    // None: recorded anew elsewhere meanwhile, for the next opening of the panel to show.
    if (membership !== before || now === 'none') return;
    const news = membershipNews(before, now, asked, follow.admission);
    if (now !== undefined && now !== before) {
      membership = now;
      contribute.replaceChildren(...ownLine(), ...views[now](), said);
    }
    if (news) say(t(news, community));
    // The Check again pressed is gone with its view: the focus goes to the line saying why.
    if (asked && now !== undefined && now !== before && news) {
      said.tabIndex = -1;
      said.focus();
    }
  }
  const toggle = button(t('helpRate', { count: toRate.length }), () => {
    contribute.hidden = !contribute.hidden;
    toggle.setAttribute('aria-expanded', String(!contribute.hidden));
    toggle.textContent = contribute.hidden
      ? t('helpRate', { count: toRate.length })
      : t('hideRate');
    if (!contribute.hidden) void settle();
  });
  toggle.setAttribute('aria-expanded', 'false');
  section.append(toggle, contribute);
  return section;
}

async function pseudonymIn(stored: Stored, found: Found): Promise<string | undefined> {
  const backup = stored.identities[found.follow.instance];
  if (!backup) return undefined;
  const { pseudonym } = await prover({ type: 'pseudonym', backup, scope: found.follow.scope });
  return pseudonym;
}

/** Whether the content script framed this panel, asked once per token (panel-check.ts). */
const framedCheck = panelCheck(
  async (token) => (await ext.runtime.sendMessage({ type: 'panel-check', token })) === true,
);

/**
 * The latest run of `start`: a single-page site moves to another post (a new fragment) while a
 * run awaits, and that run must then add nothing, or the forms of the post left would show
 * under the new one, and write there.
 */
let latestRun = 0;

async function start(): Promise<void> {
  const run = ++latestRun;
  const stale = () => run !== latestRun;
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, t('loading'));
  app.replaceChildren(
    h(
      'header',
      {},
      h('h2', { id: 'heading' }, t('heading')),
      button(t('close'), () => tell({ type: 'close' }), {
        class: 'close',
      }),
    ),
    status,
  );
  const { token, ...shownPage } = page();
  // Framed by a page rather than by the extension's content script: show nothing at all.
  const framedByUs = await framedCheck(token);
  if (stale()) return;
  const key = framedByUs ? pagePostKey(shownPage) : null;
  const stored = await load();
  if (stale()) return;
  if (!key || stored.follows.length === 0) {
    status.textContent = '';
    report();
    return;
  }
  const message: LookupMessage = { type: 'lookup-notes', page: shownPage };
  const results = (await ext.runtime.sendMessage(message)) as PageLookup[];
  if (stale()) return;
  const sections: HTMLElement[] = [];
  for (const result of results) {
    const follow = result.follow;
    if (!result.ok) {
      sections.push(
        h(
          'p',
          { class: 'status' },
          t('loadFailed', { community: follow.name, message: result.error }),
        ),
      );
      continue;
    }
    const empty = result.notes.length === 0 && result.requestCount === 0;
    // A member may still ask for a note, or write one, where there is none yet.
    if (empty && !isMember(stored, follow)) continue;
    const pseudonym = await pseudonymIn(stored, result).catch(() => undefined);
    if (stale()) return;
    sections.push(sectionFor(result, stored, key, pseudonym));
  }
  status.textContent = '';
  app.append(...sections);
  report();
}

// Once for the panel's life, not at each run of `start` (each of a single-page site's posts).
// The platform page can fade the panel or paint a decoy over it: its forms are watched so that
// a write the member did not see is refused (member-actions.ts, docs/threat-model.md).
guardWrites(app);
new ResizeObserver(report).observe(app);
addEventListener('hashchange', () => void start());
void start();
