// "Report this note": a member tells the community's moderators what is wrong with a note
// (docs/moderation.md), as a proven action made in this browser like a rating, once per note.
import { REPORT_REASONS, type NoteReportResponse } from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from '../api';
import { FrameContext, prove } from '../context';
import { focusHere, h, nextId } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, memberAction } from '../feedback';
import { label, t } from '../i18n';
import { checked, choices } from './choices';

const TEXT_LIMIT = 500;

/** A disclosure under a note: closed, it is one line; open, the reasons, a text and a button. */
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
  const complain = (message: string, field: HTMLElement) => {
    problem.textContent = message;
    field.setAttribute('aria-invalid', 'true');
    field.setAttribute('aria-describedby', problem.id);
    focusHere(field.querySelector('input') ?? field);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [reason] = checked(form, name);
    problem.textContent = '';
    for (const field of [reasons, text]) field.removeAttribute('aria-invalid');
    if (!reason) return complain(t('chooseReportReason'), reasons);
    if (reason === 'OTHER' && text.value.trim() === '')
      return complain(t('reportTextMissing'), text);
    const payload = { reason, text: text.value };
    void (async () => {
      try {
        feedback.progress(t('proving'));
        const proven = await prove(context, 'note.report', `note:${noteId}`, payload);
        await api<NoteReportResponse>(`${communityPath(context.slug)}/notes/${noteId}/reports`, {
          method: 'POST',
          body: { ...payload, ...proven },
        });
        // Once per note: the form stays disabled, whatever is dismissed or rendered since.
        feedback.finished(t('reported'));
      } catch (error) {
        const code = error instanceof RequestError ? error.code : 'ERROR';
        if (code === 'REPORT_EXISTS') {
          feedback.finished(t('alreadyReported'));
          return;
        }
        reportFailure(feedback, error);
      }
    })();
  });
  return h('details', { class: 'report' }, h('summary', {}, t('reportNote')), form);
}
