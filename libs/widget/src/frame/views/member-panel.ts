// The member's identity: created or restored in the prover (the backup stays on this origin),
// then used to join the community.
import { api, communityPath, RequestError } from '../api';
import { ensurePseudonym, FrameContext } from '../context';
import { button, h, nextId } from '../dom';
import { actionFeedback } from '../feedback';
import { t } from '../i18n';
import { joinWorkFields } from '../join-work';
import { prover } from '../prover-client';
import { credentialJoin } from './credential-join';

export function memberPanel(context: FrameContext, onChange: () => void): HTMLElement {
  const { store, community } = context;
  const panel = h('section', { class: 'member', 'aria-label': t('member') });
  const feedback = actionFeedback();
  const act = (action: () => Promise<void>) => () => {
    void action().catch((error: unknown) => {
      feedback.failed((error as Error).message);
      context.host.tell({
        type: 'error',
        code: error instanceof RequestError ? error.code : 'ERROR',
      });
    });
  };
  const backup = store.identity;
  if (!backup) {
    const restoreId = nextId('restore');
    const restoreText = h('textarea', { id: restoreId, rows: '3', spellcheck: 'false' });
    panel.append(
      h('p', {}, t('memberIntro')),
      button(
        t('createIdentity'),
        act(async () => {
          const created = await prover({ type: 'create' });
          store.identity = created.backup as string;
          onChange();
        }),
      ),
      h(
        'details',
        {},
        h('summary', {}, t('restore')),
        h('label', { for: restoreId }, t('restoreLabel')),
        restoreText,
        button(
          t('restoreButton'),
          act(async () => {
            await prover({ type: 'commitment', backup: restoreText.value.trim() });
            store.identity = restoreText.value.trim();
            onChange();
          }),
        ),
      ),
      feedback.element,
    );
    return panel;
  }
  if (store.isMember) {
    const output = h('textarea', { readonly: true, rows: '3', 'aria-label': t('backup') });
    const reveal = h('div', { hidden: true }, h('p', {}, t('backupHint')), output);
    panel.append(
      h('p', {}, t('joined', { community: community.name })),
      button(t('backup'), () => {
        output.value = backup;
        reveal.hidden = false;
        output.focus();
      }),
      reveal,
    );
    return panel;
  }
  if (community.admission === 'CLOSED') {
    panel.append(h('p', {}, t('closed')));
    return panel;
  }
  if (community.admission === 'CREDENTIAL') {
    panel.append(h('p', {}, t('memberIntro')), credentialJoin(context, backup, onChange));
    return panel;
  }
  const inviteId = nextId('invite');
  const invite = h('input', { id: inviteId, autocomplete: 'off' });
  panel.append(
    h('p', {}, t('memberIntro')),
    ...(community.admission === 'INVITE'
      ? [h('label', { for: inviteId }, t('inviteLabel')), invite]
      : []),
    button(
      t('join', { community: community.name }),
      act(async () => {
        const { commitment } = await prover({ type: 'commitment', backup });
        try {
          await api(`${communityPath(context.slug)}/members`, {
            method: 'POST',
            body: {
              commitment,
              ...(invite.value ? { inviteCode: invite.value.trim() } : {}),
              ...(await joinWorkFields(context, commitment as string, () =>
                feedback.progress(t('joinWorking')),
              )),
            },
          });
        } catch (error) {
          if (!(error instanceof RequestError && error.code === 'ALREADY_MEMBER')) throw error;
        }
        store.joined(commitment as string);
        await ensurePseudonym(context);
        onChange();
      }),
    ),
    feedback.element,
  );
  return panel;
}
