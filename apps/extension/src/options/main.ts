// Over 500 lines, one room: the settings page's drawing. Its sections are drawn again whole from
// the stored settings after each action (`render`) and share the page's status line, its
// one-at-a-time actions and the focus they give back; what lies beneath (joining, recognising a
// membership, the stored settings) has its own files (join.ts, membership-check.ts, ../shared).
//
// The extension's settings: the communities followed (following is typing an instance and a
// community, or one click on a page that lists one; leaving is one click), and the member's
// identities, one per instance, exportable in the format of the widget and the CLI, and their
// memberships: joined here, or made elsewhere and recognised from the community's group, and
// said to wait for their batch until the group holds them, or not to be in it now (with a way to
// look again, or to join again), or to have ended once the instance refused a join as removed.
import { button, h, nextId } from '@bridgenotes/widget';
import { failureMessage } from '../shared/failure';
import { followCommunity, listingOf } from '../shared/listing';
import { errorSlot, showProblem } from '../shared/field-error';
import {
  type MembershipState,
  membershipOf,
  pendingResendable,
  settleMembership,
  withEnd,
  withMemberships,
} from '../shared/membership';
import { visitLooks } from '../shared/membership-looks';
import { membershipNews, NOT_IN_GROUP, pendingNotice } from '../shared/membership-news';
import { prover, ProverError } from '../shared/prover';
import {
  type Follow,
  followKey,
  instanceOrigin,
  load,
  localhostFor,
  reachableInstance,
  type Stored,
  update,
} from '../shared/storage';
import { t } from '../shared/strings';
import { joinCommunity } from './join';
import { recognisedIn } from './membership-check';
import { oneAtATime } from './one-at-a-time';

const app = document.getElementById('app') as HTMLElement;
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
const say = (message: string) => (status.textContent = message);

async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    say(failureMessage(error));
  }
}

/** The settings' actions that run now: kept across redraws (one-at-a-time.ts). */
const actions = oneAtATime();

/**
 * Where the focus goes once an action ends (by its key) that drew its part again without its
 * button: the line the part says its state with.
 */
const focusAfter = new Map<string, HTMLElement>();

/**
 * The focus back where the member was once `key`'s action ended: its button, disabled while the
 * action ran, lost the focus to the page's body, and may have been drawn again. On the button of
 * the same action in the page now, else on what the action left in its place (`focusAfter`);
 * never taken from where the member moved it meanwhile.
 */
function restoreFocus(key: string): void {
  const instead = focusAfter.get(key);
  focusAfter.delete(key);
  if (document.activeElement && document.activeElement !== document.body) return;
  const same = [...app.querySelectorAll<HTMLElement>('[data-action]')].find(
    (element) => element.dataset['action'] === key,
  );
  (same ?? (instead?.isConnected ? instead : null))?.focus();
}

/**
 * A button running `action` guarded, as `key`'s (a community or an instance, and the action):
 * disabled while it runs, in whichever drawing of the page.
 */
function actionButton(key: string, text: string, action: () => Promise<void>): HTMLButtonElement {
  const element = button(text, () => {
    void actions.run(key, () => guarded(action)).then(() => restoreFocus(key));
  });
  // The action's stable name, for the focus to find its button in a drawing made meanwhile.
  element.dataset['action'] = key;
  actions.show(key, (busy) => (element.disabled = busy));
  return element;
}

/**
 * Records `commitment` as the member's in each of `entries`, as a join accepted does (`pending`:
 * kept by the instance for its batch).
 */
const recordMemberships = (entries: Follow[], commitment: string, pending = false) =>
  update((stored) => withMemberships(stored, entries, commitment, pending));

/**
 * `identities` with `backup` kept for `instance`; refused when another identity was kept for it
 * meanwhile (in another settings tab): replacing it would lose that identity and its pseudonym.
 */
function withIdentity(
  identities: Stored['identities'],
  instance: string,
  backup: string,
): Stored['identities'] {
  const kept = identities[instance];
  // An empty backup (kept by an earlier version's Restore of an empty box) is no identity.
  if (kept && kept !== backup) {
    throw new Error(t('identityKept', { instance: new URL(instance).host }));
  }
  return { ...identities, [instance]: backup };
}

const joinedAll = (entries: Follow[]) =>
  entries.map((entry) => t('joined', { community: entry.name }));

/**
 * The community a page's offer named, when its click opened the settings (content.ts): filled in
 * for the reader to follow with Follow, until followed.
 */
let offered = listingOf(new URLSearchParams(location.search).get('follow') ?? '');

async function follow(instanceInput: string, slug: string): Promise<void> {
  const instance = instanceOrigin(instanceInput);
  if (!instance) {
    say(t('instanceInvalid'));
    return;
  }
  await guarded(async () => {
    const entry = await followCommunity(instance, slug);
    offered = null;
    say(t('followed', { community: entry.name }));
    await render();
  });
}

async function leave(entry: Follow): Promise<void> {
  await update(({ follows }) => ({
    follows: follows.filter((other) => followKey(other) !== followKey(entry)),
  }));
  say(t('left', { community: entry.name }));
  await render();
}

function followSection(stored: Stored): HTMLElement {
  const instanceId = nextId('instance');
  const slugId = nextId('slug');
  const instance = h('input', {
    id: instanceId,
    autocomplete: 'off',
    placeholder: 'https://notes.example.org',
  });
  const slug = h('input', { id: slugId, autocomplete: 'off', placeholder: 'city-news' });
  if (offered) {
    instance.value = offered.instance;
    slug.value = offered.slug;
  }
  const form = h(
    'form',
    { 'aria-label': t('follow') },
    h('label', { for: instanceId }, t('instanceLabel')),
    instance,
    h('label', { for: slugId }, t('slugLabel')),
    slug,
    h('button', { type: 'submit' }, t('follow')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void follow(instance.value, slug.value);
  });
  // The page's button reads the same for a community already followed (listing.ts, offerFor):
  // only here, where no page reads, does the reader learn it.
  const offer = offered;
  const offeredFollowed =
    offer !== null && stored.follows.some((entry) => followKey(entry) === followKey(offer));
  return h(
    'section',
    { 'aria-labelledby': 'follows' },
    h('h2', { id: 'follows' }, t('followHeading')),
    h('p', {}, t('followIntro')),
    offered &&
      h(
        'p',
        { class: 'offered' },
        t(offeredFollowed ? 'followOfferedFollowed' : 'followOffered', {
          slug: offered.slug,
          instance: new URL(offered.instance).host,
        }),
      ),
    stored.follows.length === 0
      ? h('p', { class: 'meta' }, t('noFollows'))
      : h(
          'ul',
          {},
          ...stored.follows.map((entry) =>
            h(
              'li',
              {},
              `${entry.name} (${entry.slug}, ${new URL(entry.instance).host}) `,
              button(t('leave', { community: entry.name }), () => void leave(entry)),
              // Kept, with its identity, for the member to move it: nothing here reaches it.
              !reachableInstance(entry.instance) &&
                h(
                  'p',
                  {},
                  t('instanceUnsupportedHere', {
                    instance: new URL(entry.instance).host,
                    community: entry.name,
                    replacement: localhostFor(entry.instance),
                    replacementHost: new URL(localhostFor(entry.instance)).host,
                  }),
                ),
            ),
          ),
        ),
    form,
  );
}

/**
 * The memberships looked for in this visit: each once, whatever its state, so that the group
 * downloads at a drawing of the page again do not tell the instance which states they are in.
 */
const looks = visitLooks();

/** The admissions the extension joins itself (a CREDENTIAL one is joined on its site). */
const JOINABLE = new Set<Follow['admission']>(['OPEN', 'INVITE']);

/**
 * One community's membership for the identity `backup`: said as the widget says it, with what
 * the member can do. A pending, sealed or absent one is looked for again in the published group at
 * the first drawing of the visit that shows it (`looks`; not when `look` is false: just looked
 * for), and at each Check again; when found in another state, this community's part is drawn again in
 * place, so that the focus and whatever is typed elsewhere on the page stay, and the status
 * announces it.
 */
function membershipPart(
  entry: Follow,
  state: MembershipState,
  backup: string,
  look = true,
  resendable = false,
): HTMLElement {
  const part = h('div', { class: 'membership' });
  const community = { community: entry.name };
  if (state === 'pending') {
    part.append(h('p', {}, pendingNotice(entry)));
  } else if (state === 'sealed') {
    part.append(h('p', {}, t('joined', community)));
  } else if (state === 'absent') {
    part.append(h('p', {}, t(NOT_IN_GROUP[entry.admission], community)));
  }
  if (state === 'pending' || state === 'absent') {
    // Nothing else would look again before the next visit: the member may not wait for it.
    const key = `${followKey(entry)} check-again`;
    part.append(
      actionButton(key, t('checkAgain', community), async () => {
        const now = await settleMembership(entry);
        const news = membershipNews(state, now, true, entry.admission);
        if (news) say(t(news, community));
        // Unchanged: nothing drawn again, so the focus stays on the button. Changed: only this
        // community's part is drawn again, as the look in the background does, not the page: the
        // focus comes back to its Check again, or, gone, to the line saying the new state.
        if (now === state || !part.isConnected) return;
        const next = membershipPart(entry, now, backup, false);
        part.replaceWith(next);
        const line = next.querySelector('p');
        if (line) {
          line.tabIndex = -1;
          focusAfter.set(key, line);
        }
      }),
    );
  }
  if (state === 'ended') {
    // The instance refused this commitment (MEMBERSHIP_ENDED): no Join to try again.
    part.append(h('p', {}, t('membershipEnded', community)));
  } else if (state === 'none' || state === 'absent') {
    part.append(...joinParts(entry, backup));
  } else if (state === 'pending' && resendable && JOINABLE.has(entry.admission)) {
    // Pending a day and more, still said pending: with no seal time bound it is never taken as
    // absent, and a join lost before its batch was sealed could not be sent again otherwise.
    const why = entry.admission === 'INVITE' ? 'pendingJoinAgainInvite' : 'pendingJoinAgain';
    part.append(h('p', {}, t(why)), ...joinParts(entry, backup, 'joinAgain'));
  }
  // The part a look's answer goes to, until the community's part is drawn again (looks.found).
  looks.shown(followKey(entry), state, (now) => {
    if (!part.isConnected) return;
    const news = membershipNews(state, now, false, entry.admission);
    if (news) say(t(news, community));
    part.replaceWith(membershipPart(entry, now, backup, false));
  });
  if (look && looks.due(followKey(entry), state)) {
    void settleMembership(entry).then(
      (now) => looks.found(followKey(entry), state, now),
      // Not fetched now: looked for again at the next visit, or with Check again.
      () => undefined,
    );
  }
  return part;
}

/**
 * What a member not in `entry`'s group can do with the identity `backup`: join (OPEN, INVITE),
 * or check a membership made on the community's site (CREDENTIAL); nothing for a CLOSED one.
 */
function joinParts(
  entry: Follow,
  backup: string,
  label: 'join' | 'joinAgain' = 'join',
): HTMLElement[] {
  const community = { community: entry.name };
  if (entry.admission === 'CLOSED') return [h('p', {}, t('closed', community))];
  if (entry.admission === 'CREDENTIAL') {
    // Joining needs a ticket from the community's site, which only its widget can ask for.
    return [
      actionButton(`${followKey(entry)} check`, t('checkMembership', community), async () => {
        const { commitment } = await prover({ type: 'commitment', backup });
        const { recognised, unchecked } = await recognisedIn([entry], commitment as string);
        // Said as any failure is, with the instance's reason.
        if (unchecked.length > 0) throw unchecked[0].error;
        if (recognised.length === 0) {
          say(t('notMemberYet', community));
          return;
        }
        await recordMemberships(recognised, commitment as string);
        // Found in the group fetched just now: not looked for again in this visit.
        looks.seen(followKey(entry));
        say(joinedAll(recognised).join(' '));
        await render();
      }),
    ];
  }
  const inviteId = nextId('invite');
  const invite = h('input', { id: inviteId, autocomplete: 'off' });
  return [
    ...(entry.admission === 'INVITE'
      ? [h('label', { for: inviteId }, t('inviteLabel', community)), invite]
      : []),
    actionButton(`${followKey(entry)} join`, t(label, community), async () => {
      const { commitment } = await prover({ type: 'commitment', backup });
      const state = await joinCommunity(
        entry,
        commitment as string,
        invite.value.trim() || undefined,
        () => say(t('joinWorking')),
      );
      if (state === 'ended') {
        // The instance's answer, and the only end that is final.
        await update((now) => withEnd(now, entry, commitment as string, 'ended'));
        say(t('membershipEnded', community));
      } else {
        await recordMemberships([entry], commitment as string, state === 'pending');
        // Answered sealed: in the group, as the instance just said, so not looked for in this
        // visit, as a membership recognised from the group is not. Answered pending: looked for
        // once at the drawing below, whatever the state before the join (a Join from absent, a
        // Join again from pending, looked for already). The look follows the instance's answer.
        if (state === 'sealed') looks.seen(followKey(entry));
        else looks.forget(followKey(entry));
        say(t(state === 'pending' ? 'joinedPending' : 'joined', community));
      }
      await render();
    }),
  ];
}

function identityFor(instance: string, stored: Stored): HTMLElement {
  const host = new URL(instance).host;
  const backup = stored.identities[instance];
  const block = h('div', { class: 'identity' });
  if (!reachableInstance(instance)) {
    // Nothing can be joined or checked there: its identity is only to be backed up and restored
    // where the community is followed now (shown even once left, so that it is never lost).
    if (!backup) return block;
    return backupPart(block, host, backup, [
      h(
        'p',
        {},
        t('identityLeftBehind', {
          instance: host,
          replacementHost: new URL(localhostFor(instance)).host,
        }),
      ),
    ]);
  }
  if (!backup) {
    const restoreId = nextId('restore');
    const restore = h('textarea', { id: restoreId, rows: '2', spellcheck: 'false' });
    const restoreFields = { backup: { control: () => restore, slot: errorSlot() } };
    block.append(
      actionButton(`${instance} create`, t('createIdentity', { instance: host }), async () => {
        const created = await prover({ type: 'create' });
        await update(({ identities }) => ({
          identities: withIdentity(identities, instance, created.backup as string),
        }));
        await render();
      }),
      h('label', { for: restoreId }, t('restoreLabel', { instance: host })),
      restore,
      restoreFields.backup.slot,
      actionButton(`${instance} restore`, t('restoreButton'), async () => {
        const value = restore.value.trim();
        // Refuses anything that is not an identity backup before keeping it: an empty box here,
        // anything else the prover cannot import as one (its Identity.import throws).
        if (!value) {
          showProblem(restoreFields, { field: 'backup', message: t('restoreEmpty') });
          return;
        }
        const imported = await prover({ type: 'commitment', backup: value, strict: true }).catch(
          (error: unknown) => {
            if (error instanceof ProverError) return null;
            throw error;
          },
        );
        if (!imported) {
          showProblem(restoreFields, { field: 'backup', message: t('restoreInvalid') });
          return;
        }
        showProblem(restoreFields, null);
        const { commitment } = imported;
        // An identity joined elsewhere (the community's widget, the CLI, another browser) is a
        // member already: its commitment is in the group of each community it joined.
        // A community that cannot be checked now keeps its Join or Check membership button.
        const current = await load();
        const { recognised, unchecked } = await recognisedIn(
          current.follows.filter(
            (entry) => entry.instance === instance && !current.memberships[followKey(entry)],
          ),
          commitment as string,
        );
        // One update for both, from the storage as it is now: another identity or membership
        // kept while the groups were fetched stays.
        await update((stored) => ({
          identities: withIdentity(stored.identities, instance, value),
          ...withMemberships(stored, recognised, commitment as string),
        }));
        // Found in the groups fetched just now: not looked for again in this visit, as none of
        // the communities it is not in is.
        for (const entry of recognised) looks.seen(followKey(entry));
        const notChecked = unchecked.map(({ follow }) => follow.name).join(', ');
        say(
          [
            t('restored', { instance: host }),
            ...joinedAll(recognised),
            ...(notChecked ? [t('notChecked', { communities: notChecked })] : []),
          ].join(' '),
        );
        await render();
      }),
    );
    return block;
  }
  backupPart(block, host, backup);
  for (const entry of stored.follows.filter((other) => other.instance === instance)) {
    const state = membershipOf(stored, entry);
    block.append(membershipPart(entry, state, backup, true, pendingResendable(stored, entry)));
  }
  return block;
}

/** `block` with `before`, then the Back up button of the identity `backup` for `host`. */
function backupPart(block: HTMLElement, host: string, backup: string, before: Node[] = []) {
  const output = h('textarea', {
    readonly: true,
    rows: '2',
    'aria-label': t('backup', { instance: host }),
  });
  const reveal = h('div', { hidden: true }, h('p', {}, t('backupHint')), output);
  block.append(
    ...before,
    button(t('backup', { instance: host }), () => {
      output.value = backup;
      reveal.hidden = false;
    }),
    reveal,
  );
  return block;
}

function memberSection(stored: Stored): HTMLElement {
  // The identities kept for addresses no longer supported too, followed or not: only the member
  // can move them (a backup restored where the community is followed now).
  const instances = [
    ...new Set([
      ...stored.follows.map((entry) => entry.instance),
      ...Object.keys(stored.identities).filter((instance) => !reachableInstance(instance)),
    ]),
  ];
  return h(
    'section',
    { 'aria-labelledby': 'membership' },
    h('h2', { id: 'membership' }, t('memberHeading')),
    h('p', {}, t('memberIntro')),
    ...instances.map((instance) => identityFor(instance, stored)),
  );
}

async function render(): Promise<void> {
  const stored = await load();
  app.replaceChildren(
    h('h1', {}, t('settingsHeading')),
    status,
    followSection(stored),
    memberSection(stored),
  );
}

void render();
