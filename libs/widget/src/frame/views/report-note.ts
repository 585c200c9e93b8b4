// "Report this note": a member tells the community's moderators what is wrong with a note
// (docs/moderation.md), as a proven action made in this browser like a rating, once per note.
import { REPORT_REASONS, type NoteReportResponse } from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from '../api';
import { FrameContext, prove } from '../context';
import { focusHere, focusStillIn, h, nextId } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, memberAction } from '../feedback';
import { label, t } from '../i18n';
import { confirmShown } from '../visibility-guard';
import { checked, choices } from './choices';

const TEXT_LIMIT = 500;

/**
 * A disclosure under a note: closed, it is one line; open, the reasons, a text and a button, or,
 * once this identity's report is sent, a line that says so.
 */
export function reportNote(context: FrameContext, noteId: string): HTMLDetailsElement {
  const name = nextId('report-reason');
  const textId = nextId('report-text');
  const problem = h('p', { class: 'error', id: nextId('report-error'), role: 'alert' });
  const feedback = actionFeedback(memberAction(context, `report:${noteId}`));
  const reasons = choices('radio', name, t('reportReason'), REPORT_REASONS, label);
  const text = h('textarea', {
    id: textId,
    name: 'text',
    rows: '2',
    maxlength: String(TEXT_LIMIT),
  });
  const submit = h('button', { type: 'submit' }, t('submitReport'));
  const form = h(
    'form',
    { class: 'report', novalidate: true, 'aria-label': t('reportNote') },
    reasons,
    h('label', { for: textId }, t('reportText')),
    text,
    problem,
    submit,
    feedback.element,
  );
  feedback.busy(submit, form);
  /** What the member must still do before sending: a message and its field, or nothing. */
  const missing = (reason: string | undefined): [string, HTMLElement] | null => {
    if (!reason) return [t('chooseReportReason'), reasons];
    if (reason === 'OTHER' && text.value.trim() === '') return [t('reportTextMissing'), text];
    return null;
  };
  const clear = () => {
    problem.textContent = '';
    for (const field of [reasons, text]) {
      field.removeAttribute('aria-invalid');
      field.removeAttribute('aria-describedby');
    }
  };
  // A complaint goes as soon as what it asked for is done, not at the next send only (and one
  // that no longer says what is missing, "Other" chosen after "Choose…", goes too: the next send
  // says what is).
  form.addEventListener('input', () => {
    if (problem.textContent && missing(checked(form, name)[0])?.[0] !== problem.textContent) {
      clear();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [reason] = checked(form, name);
    clear();
    const complaint = missing(reason);
    if (complaint) {
      const [message, field] = complaint;
      problem.textContent = message;
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', problem.id);
      focusHere(field.querySelector('input') ?? field);
      return;
    }
    if (!reason) return;
    const payload = { reason, text: text.value };
    void (async () => {
      try {
        await confirmShown();
        feedback.progress(t('proving'));
        const proven = await prove(context, 'note.report', `note:${noteId}`, payload);
        await api<NoteReportResponse>(`${communityPath(context.slug)}/notes/${noteId}/reports`, {
          method: 'POST',
          body: { ...payload, ...proven },
        });
        // Once per note: the form gives way to the line, in this view and the next ones.
        feedback.finished(t('reported'));
      } catch (error) {
        const code = error instanceof RequestError ? error.code : 'ERROR';
        if (code === 'REPORT_EXISTS') {
          feedback.finished(t('reported'));
          return;
        }
        reportFailure(feedback, error);
      }
    })();
  });
  const details = h('details', { class: 'report' }, h('summary', {}, t('reportNote')), form);
  feedback.whenFinished((message, focus) => {
    // In the form's place and at its height (.report-sent): the page sizes the frame, and must not
    // see a report sent (docs/threat-model.md, "What the page can measure").
    const line = h('p', { class: 'reported', role: 'status', tabindex: '-1' }, message);
    const takesFocus = focus && focusStillIn(details);
    form.replaceWith(h('div', { class: 'report-sent' }, line));
    if (!takesFocus) return;
    // A view rendered anew while the report was proven has the disclosure closed: opened, so that
    // the line taking the focus is seen.
    details.open = true;
    focusHere(line);
  });
  return details;
}
