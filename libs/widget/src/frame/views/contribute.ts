// What members do on a post: join, rate the notes that need ratings (not their own), ask for a
// note, write one. On a post with no notes it is shown at once; otherwise behind a toggle.
// A member's forms sit in an area of fixed height that scrolls (`.acting`): rating, writing or
// asking never changes the frame's height, which the page around it sees (docs/threat-model.md).
// The member's own notes that wait for their batch, kept on the device, are listed there too.
import type { NoteResponse } from '@bridgenotes/protocol';

import { ensurePseudonym, FrameContext, Outcome } from '../context';
import { focusHere, focusStillIn, h, nextId } from '../dom';
import { t } from '../i18n';
import type { OwnNote } from '../member-store';
import { storageOffer } from '../storage-access';
import { memberPanel } from './member-panel';
import { noteCard } from './note-card';
import { noteForm } from './note-form';
import { ratingForm } from './rating-form';
import { reportNote } from './report-note';
import { requestPanel } from './request-panel';

/** A kept copy as its card shows it: proposed, not rated or scored yet (nobody else sees it). */
const waitingNote = (note: OwnNote, communityId: string): NoteResponse => ({
  ...note,
  communityId,
  postId: '',
  status: 'NEEDS_MORE_RATINGS',
  ratingCount: 0,
  score: null,
  explanation: null,
  deletedAt: null,
  redacted: false,
});

/** `listed`: the ids of every note the post's listing has (sealed), whatever its status. */
export function contribute(
  context: FrameContext,
  toRate: NoteResponse[],
  requestCount: number,
  hidden: boolean,
  listed: ReadonlySet<string>,
): HTMLElement {
  const section = h('section', {
    class: 'contribute',
    hidden,
    id: nextId('contribute'),
    'aria-label': t('contribute'),
  });
  // Kept across renders (joining or restoring re-renders the section).
  let requests = requestCount;
  /** The member's notes that wait for their batch: listed as theirs, said to wait. */
  let waiting = new Set<string>();
  const card = (note: NoteResponse): HTMLElement => {
    const view = noteCard(note, 'proposed');
    if (!context.store.canAct) return view;
    if (waiting.has(note.id)) {
      view.append(h('p', { class: 'yours waiting' }, t('wroteWaiting')));
      return view;
    }
    const mine = context.store.pseudonym === note.authorPseudonym;
    view.append(mine ? h('p', { class: 'yours' }, t('wroteThis')) : ratingForm(context, note));
    if (!mine) view.append(reportNote(context, note.id));
    return view;
  };
  const render = (outcome?: Outcome): void => {
    // A member whose join waits for its batch reads only: the member panel says so.
    const member = context.store.canAct;
    if (member && !context.store.pseudonym) {
      // A member from before pseudonyms were kept: compute it once, then show its own notes.
      void ensurePseudonym(context).then(
        () => render(),
        () => undefined,
      );
    }
    // The kept identity's copies only, read again at each render: another tab may have restored
    // another identity. Never outside the member's area, whose height is fixed: the page around
    // the frame must not learn that this reader wrote a note.
    const kept = member
      ? context.store.waitingNotes(context.postUrl, listed, context.community)
      : [];
    waiting = new Set(kept.map((note) => note.id));
    const inList = new Set(toRate.map((note) => note.id));
    const reloaded = kept
      .filter((note) => !inList.has(note.id))
      .map((note) => waitingNote(note, context.community.id));
    const list = h('div', { class: 'to-rate' }, ...reloaded.map(card), ...toRate.map(card));
    // Only once there is an identity to lose.
    const identity = context.store.identity;
    const offer = identity !== null ? storageOffer(identity, render) : null;
    const listing = toRate.length + reloaded.length;
    const intro = h('p', {}, listing > 0 ? t('needsRatings') : t('noneToRate'));
    const panel = memberPanel(context, render);
    context.membershipChanged = render;
    const notes = listing > 0 || member ? [h('h3', {}, t('needsRatingsHeading')), intro, list] : [];
    section.replaceChildren(
      panel,
      ...(offer ? [offer] : []),
      ...(member
        ? [
            h(
              'div',
              { class: 'acting' },
              context.updates,
              ...notes,
              requestPanel(context, requests, (count) => {
                requests = count;
              }),
              h('h3', {}, t('writeNote')),
              ...(context.community.earnInImpact > 0
                ? [
                    h(
                      'p',
                      { class: 'earn-in' },
                      t('earnInRule', { required: context.community.earnInImpact }),
                    ),
                  ]
                : []),
              noteForm(
                context,
                (note, waits) => {
                  // Listed at once, first, with the others that need ratings: in the list on
                  // screen now, a render may have come while the note was proven.
                  toRate.unshift(note);
                  if (waits) waiting.add(note.id);
                  const shown = section.querySelector('.to-rate');
                  if (shown === list) {
                    list.prepend(card(note));
                    intro.textContent = t('needsRatings');
                  } else {
                    render();
                  }
                },
                (ids) => {
                  // Moderators hid it: not listed any more, here either.
                  toRate.splice(
                    0,
                    toRate.length,
                    ...toRate.filter((note) => !ids.includes(note.id)),
                  );
                  render();
                },
              ),
            ),
          ]
        : notes),
    );
    // Create, Restore and Join replace the panel: the focus goes to its heading, not lost to
    // the page, and the live region says what happened.
    if (outcome) {
      const heading = panel.querySelector<HTMLElement>('h3');
      if (outcome.focus !== false && heading && focusStillIn(section)) focusHere(heading);
      context.announce(outcome.message);
    }
  };
  render();
  // Another tab or window of this browser created, restored or joined with an identity: shown
  // here at once, so that this frame offers no Create or Join that would replace it.
  addEventListener('storage', (event) => {
    if (!context.store.concerns(event.key)) return;
    render({ message: t('identityChangedElsewhere'), focus: false });
  });
  return section;
}
