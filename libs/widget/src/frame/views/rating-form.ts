// Rating a note. The frame remembers the member's rating on the device (a reload shows it), and
// a change always wins: it is proven with the minute after the stored one (docs/protocol.md,
// "The order of a member's ratings"), learnt from the API's refusal when another device rated.
import {
  HELPFUL_TAGS,
  Helpfulness,
  NOT_HELPFUL_TAGS,
  NoteResponse,
  RatingResponse,
  sendRating,
} from '@bridgenotes/protocol';

import { api, communityPath, instanceClock, RequestError } from '../api';
import { FrameContext, prove } from '../context';
import { h, nextId } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, errorSlot, memberAction, showFieldErrors } from '../feedback';
import { label, t } from '../i18n';
import { ratingErrors, TAGS_REQUIRED } from '../validation';
import { confirmShown } from '../visibility-guard';
import { writeOutcome } from '../write-outcome';
import { checked, choices } from './choices';

const HELPFULNESS: Record<Helpfulness, 'helpful' | 'somewhat' | 'notHelpful'> = {
  HELPFUL: 'helpful',
  SOMEWHAT_HELPFUL: 'somewhat',
  NOT_HELPFUL: 'notHelpful',
};

/** The `storedClientMinute` of a `409 RATING_OUTDATED` answer; undefined for any other error. */
function outdatedMinute(error: unknown): number | undefined {
  if (!(error instanceof RequestError) || error.code !== 'RATING_OUTDATED') return undefined;
  const minute = (error.details as { storedClientMinute?: unknown } | undefined)
    ?.storedClientMinute;
  return typeof minute === 'number' ? minute : undefined;
}

/**
 * Rates `noteId` as the member, once they were seen to ask (`confirmShown`, once for the submit),
 * proven with the minute after `knownMinute` and again while each refusal names a later one.
 */
export async function rateNote(
  context: FrameContext,
  noteId: string,
  payload: { helpfulness: Helpfulness; tags: string[] },
  knownMinute: number | undefined,
  progress: (message: string) => void,
): Promise<RatingResponse> {
  await confirmShown();
  const send = async (clientMinute: number) => {
    progress(t('proving'));
    const proven = await prove(context, 'rating.put', `note:${noteId}`, payload, clientMinute);
    return api<RatingResponse>(`${communityPath(context.slug)}/notes/${noteId}/rating`, {
      method: 'PUT',
      body: { ...payload, ...proven },
    });
  };
  return sendRating(send, { outdatedMinute, knownMinute, now: () => instanceClock.now() });
}

function tagsFor(helpfulness: string | undefined): readonly string[] {
  if (helpfulness === 'HELPFUL') return HELPFUL_TAGS;
  if (helpfulness === 'NOT_HELPFUL') return NOT_HELPFUL_TAGS;
  return [...new Set([...HELPFUL_TAGS, ...NOT_HELPFUL_TAGS])];
}

export function ratingForm(context: FrameContext, note: NoteResponse): HTMLFormElement {
  const name = nextId('helpfulness');
  const stored = context.store.rating(note.id);
  const tags = h('div', { class: 'tags' });
  const feedback = actionFeedback(memberAction(context, `rate:${note.id}`));
  const yours = h('p', { class: 'yours' });
  const submit = h('button', { type: 'submit' }, t('submitRating'));
  const showYours = () => {
    const rating = context.store.rating(note.id);
    yours.textContent = rating
      ? t('yourRating', { rating: t(HELPFULNESS[rating.helpfulness]) })
      : '';
  };
  const showTags = (helpfulness: string | undefined, selected: string[] = []) => {
    const group = choices(
      'checkbox',
      `${name}-tags`,
      t('tags'),
      tagsFor(helpfulness),
      label,
      selected,
      'tags',
    );
    // Why a tag is asked for, beside the tags: untagged ratings never settle a note.
    if (helpfulness && TAGS_REQUIRED.has(helpfulness)) {
      group.querySelector('legend')?.after(h('p', { class: 'meta hint' }, t('tagsWhy')));
    }
    tags.replaceChildren(group);
  };
  const form = h(
    'form',
    { class: 'rate', 'aria-label': t('rateAs'), novalidate: true },
    yours,
    h(
      'fieldset',
      { 'data-field': 'helpfulness' },
      h('legend', {}, t('rateAs')),
      ...Object.entries(HELPFULNESS).map(([value, key]) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name, value, checked: stored?.helpfulness === value }),
          t(key),
        ),
      ),
    ),
    errorSlot('helpfulness'),
    tags,
    errorSlot('tags'),
    submit,
    feedback.element,
  );
  feedback.busy(submit, form);
  showYours();
  if (stored) showTags(stored.helpfulness, stored.tags);
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === name) showTags(checked(form, name)[0]);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [helpfulness] = checked(form, name) as Helpfulness[];
    const chosenTags = checked(form, `${name}-tags`);
    if (!showFieldErrors(form, ratingErrors(helpfulness, chosenTags))) return;
    const payload = { helpfulness, tags: chosenTags };
    // The identity that proves it: another one may be kept by the time the API answers.
    const commitment = context.store.identityCommitment;
    void (async () => {
      try {
        const known = context.store.rating(note.id, commitment)?.clientMinute;
        const rating = await rateNote(context, note.id, payload, known, (message) =>
          feedback.progress(message),
        );
        if (commitment) {
          context.store.rated(commitment, note.id, {
            helpfulness: rating.helpfulness,
            tags: rating.tags,
            clientMinute: rating.clientMinute,
          });
          const tracked = { role: 'rated', status: note.status, text: note.text } as const;
          context.store.track(commitment, note.id, tracked);
        }
        showYours();
        feedback.done(writeOutcome(context.community, 'rated'));
      } catch (error) {
        reportFailure(feedback, error);
      }
    })();
  });
  return form;
}
