// Writing a note: checked before proving (the proof takes seconds), the problems shown under
// their fields; once published, the form empties and the note is listed at once. A try whose
// answer was lost sends the same proven note again (proven-writes.ts): never a second note. A
// note that waits for its batch is kept on the device until sealed (MemberStore.keepOwnNote), so
// that a reload still lists it.
import {
  MISLEADING_REASONS,
  NOT_MISLEADING_REASONS,
  NOTE_TEXT_LIMIT,
  NoteResponse,
  noteTextLength,
} from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from '../api';
import { FrameContext, prove } from '../context';
import { h, markField, nextId } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, errorSlot, memberAction, showFieldErrors } from '../feedback';
import { formatNumber, label, t } from '../i18n';
import { type FieldError, noteErrors, noteTextLengthError } from '../validation';
import { sendProven } from '../proven-writes';
import { confirmShown } from '../visibility-guard';
import { writeOutcome, writeWaits } from '../write-outcome';
import { checked, choices } from './choices';

/**
 * The counter under the text: its length as readers count it, and, when the text is too long as
 * sent (its links in full), that length too, since that is what to shorten then.
 */
function counterText(text: string, tooLong?: FieldError): string {
  const counted = `${formatNumber(noteTextLength(text))}/${formatNumber(NOTE_TEXT_LIMIT)}`;
  return tooLong?.key === 'textTooLongSent'
    ? t('noteCounterSent', { ...tooLong.values, counted })
    : counted;
}

/**
 * `onPublished`: the note the API answered, and whether it waits for its batch (a copy kept);
 * `onHidden`: the kept copies dropped when the API answered the draft as a note moderators hid.
 */
export function noteForm(
  context: FrameContext,
  onPublished: (note: NoteResponse, waiting: boolean) => void,
  onHidden: (ids: string[]) => void,
): HTMLFormElement {
  const textId = nextId('text');
  const sourcesId = nextId('sources');
  const classification = nextId('classification');
  const reasons = h('div', { class: 'reasons' });
  const text = h('textarea', { id: textId, rows: '4', 'data-field': 'text' });
  const counter = h('p', { class: 'meta counter' }, counterText(''));
  const sources = h('textarea', {
    id: sourcesId,
    rows: '2',
    spellcheck: 'false',
    'data-field': 'sources',
  });
  const feedback = actionFeedback(memberAction(context, 'write'));
  const submit = h('button', { type: 'submit' }, t('submitNote'));
  const form = h(
    'form',
    { class: 'write', 'aria-label': t('writeNote'), novalidate: true },
    choices(
      'radio',
      classification,
      t('classification'),
      ['MISINFORMED_OR_POTENTIALLY_MISLEADING', 'NOT_MISLEADING'],
      label,
      [],
      'classification',
    ),
    errorSlot('classification'),
    reasons,
    errorSlot('reasons'),
    h('label', { for: textId }, t('noteText', { limit: NOTE_TEXT_LIMIT })),
    text,
    counter,
    errorSlot('text'),
    h('label', { for: sourcesId }, t('noteSources')),
    sources,
    errorSlot('sources'),
    submit,
    feedback.element,
  );
  feedback.busy(submit, form);
  const showReasons = () => {
    const misleading = checked(form, classification)[0] !== 'NOT_MISLEADING';
    reasons.replaceChildren(
      choices(
        'checkbox',
        `${classification}-reasons`,
        t('reasons'),
        misleading ? MISLEADING_REASONS : NOT_MISLEADING_REASONS,
        label,
        [],
        'reasons',
      ),
    );
  };
  // A text too long is said as the member types, under the text (which it describes), with the
  // figures of the limit it breaks; announced when it starts, or another limit is broken.
  const textSlot = form.querySelector('[data-error-for="text"]') as HTMLElement;
  let saidWhileTyping: FieldError['key'] | undefined;
  text.addEventListener('input', () => {
    const tooLong = noteTextLengthError(text.value);
    counter.textContent = counterText(text.value, tooLong);
    counter.classList.toggle('over', tooLong !== undefined);
    if (tooLong) {
      const message = t(tooLong.key, tooLong.values);
      textSlot.textContent = message;
      markField(text, textSlot);
      if (tooLong.key !== saidWhileTyping) context.announce(message);
    } else if (saidWhileTyping) {
      textSlot.textContent = '';
      markField(text, null);
    }
    saidWhileTyping = tooLong?.key;
  });
  form.addEventListener('change', (event) => {
    if ((event.target as HTMLInputElement).name === classification) showReasons();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const draft = {
      classification: checked(form, classification)[0],
      reasons: checked(form, `${classification}-reasons`),
      text: text.value,
      sources: sources.value.split(/\s+/).filter(Boolean),
    };
    if (!showFieldErrors(form, noteErrors(draft))) return;
    const payload = { post: { url: context.postUrl }, ...draft };
    // The identity that proves it: another one may be kept by the time the API answers.
    const commitment = context.store.identityCommitment;
    void (async () => {
      try {
        // Said for a try that sends the note proven before: no proof is made this time.
        let proven = false;
        await confirmShown();
        const note = await sendProven(
          memberAction(context, 'write'),
          JSON.stringify(payload),
          async () => {
            proven = true;
            feedback.progress(t('proving'));
            return { ...payload, ...(await prove(context, 'note.create', '', payload)) };
          },
          (body) => {
            if (!proven) feedback.progress(t('sendingAgain'));
            return api<NoteResponse>(`${communityPath(context.slug)}/notes`, {
              method: 'POST',
              body,
            });
          },
          (seconds) => feedback.progress(t('verifierBusy', { seconds })),
        );
        const tracked = { role: 'wrote', status: note.status, text: note.text } as const;
        const waiting = commitment !== null && writeWaits(context.community);
        if (commitment) context.store.track(commitment, note.id, tracked);
        if (waiting) context.store.keepOwnNote(commitment, context.postUrl, note);
        form.reset();
        reasons.replaceChildren();
        counter.textContent = counterText('');
        counter.classList.remove('over');
        saidWhileTyping = undefined;
        onPublished(note, waiting);
        feedback.done(writeOutcome(context.community, 'noted'));
      } catch (error) {
        // Its card goes first (the member's area renders anew), then the failure is said: in the
        // new view, where it takes the focus.
        if (commitment && error instanceof RequestError && error.code === 'NOTE_NOT_FOUND') {
          const hidden = context.store.ownNoteNotFound(commitment, context.postUrl, draft);
          if (hidden.length > 0) onHidden(hidden);
        }
        reportFailure(feedback, error);
      }
    })();
  });
  return form;
}
