// Community Notes' "request a note": a member asks for a note on this post (once per pseudonym;
// asking again counts nothing), which puts it in the writers' list of requested posts.
import type { NoteRequestResponse } from '@bridgenotes/protocol';

import { api, communityPath } from '../api';
import { FrameContext, prove } from '../context';
import { button, h } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, memberAction } from '../feedback';
import { t } from '../i18n';
import { confirmShown } from '../visibility-guard';

export function requestPanel(
  context: FrameContext,
  requestCount: number,
  onRequested: (count: number) => void,
): HTMLElement {
  const count = h('p', {}, t('requestCount', { count: requestCount }));
  const feedback = actionFeedback(memberAction(context, 'request'));
  const ask = button(t('requestNote'), () => {
    void (async () => {
      try {
        await confirmShown();
        feedback.progress(t('proving'));
        const payload = { post: { url: context.postUrl } };
        const proven = await prove(context, 'note.request', '', payload);
        const stored = await api<NoteRequestResponse>(
          `${communityPath(context.slug)}/note-requests`,
          { method: 'POST', body: { ...payload, ...proven } },
        );
        count.textContent = t('requestCount', { count: stored.postRequestCount });
        onRequested(stored.postRequestCount);
        feedback.done(t('requested'));
      } catch (error) {
        reportFailure(feedback, error);
      }
    })();
  });
  const panel = h('div', { class: 'request' }, count, ask, feedback.element);
  feedback.busy(ask, panel);
  return panel;
}
