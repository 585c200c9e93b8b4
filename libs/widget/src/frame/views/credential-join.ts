// Joining a CREDENTIAL community: the frame asks the host page for a ticket its site signed for
// the signed-in account (through the loader, docs/widget.md), joins with it once and forgets
// it. Each refusal says what the member can do, with the API's code for whoever helps them.
import { api, communityPath, RequestError } from '../api';
import { ensurePseudonym, FrameContext } from '../context';
import { button, h, nextId } from '../dom';
import { actionFeedback } from '../feedback';
import { StringKey, t } from '../i18n';
import { prover } from '../prover-client';

/** What the member reads for each refusal; the host's set-up errors share one sentence. */
const REFUSALS: Record<string, StringKey> = {
  SIGNED_OUT: 'ticketSignIn',
  TICKET_REQUIRED: 'ticketSignIn',
  UNAVAILABLE: 'ticketUnavailable',
  TICKET_EXPIRED: 'ticketExpired',
  TICKET_REPLAYED: 'ticketExpired',
  ACCOUNT_ALREADY_MEMBER: 'ticketAccountMember',
  ACCOUNT_REMOVED: 'ticketAccountRemoved',
  TICKET_FORGED: 'ticketHostWrong',
  TICKET_WRONG_AUDIENCE: 'ticketHostWrong',
  TICKET_ISSUER_UNKNOWN: 'ticketHostWrong',
  TICKET_MALFORMED: 'ticketHostWrong',
  TICKET_CLAIMS_INVALID: 'ticketHostWrong',
  TICKET_TOO_LONG_LIVED: 'ticketHostWrong',
};

export function credentialJoin(
  context: FrameContext,
  backup: string,
  onJoined: () => void,
): HTMLElement {
  const feedback = actionFeedback();
  const restoreId = nextId('restore');
  const restoreText = h('textarea', { id: restoreId, rows: '3', spellcheck: 'false' });
  // Offered when the account already holds a membership: the member's way back, or a new start.
  const lost = h(
    'div',
    { class: 'lost', hidden: true },
    button(t('replaceIdentity'), () => run(true)),
    h(
      'details',
      {},
      h('summary', {}, t('restore')),
      h('label', { for: restoreId }, t('restoreLabel')),
      restoreText,
      button(
        t('restoreButton'),
        () =>
          void prover({ type: 'commitment', backup: restoreText.value.trim() }).then(() => {
            context.store.identity = restoreText.value.trim();
            onJoined();
          }, fail),
      ),
    ),
  );

  async function join(replaceLostIdentity: boolean): Promise<void> {
    lost.hidden = true;
    feedback.progress(t('ticketAsking'));
    const { commitment } = await prover({ type: 'commitment', backup });
    for (let attempt = 1; ; attempt++) {
      const { ticket, error } = await context.host.ticket();
      if (!ticket) throw new RequestError(error ?? 'UNAVAILABLE', '');
      try {
        await api(`${communityPath(context.slug)}/members`, {
          method: 'POST',
          body: { commitment, ticket, ...(replaceLostIdentity ? { replaceLostIdentity } : {}) },
        });
        break;
      } catch (failure) {
        const code = failure instanceof RequestError ? failure.code : '';
        if (code === 'ALREADY_MEMBER') break;
        // A ticket that expired on its way (a slow host, a slow network): one more, silently.
        if (code !== 'TICKET_EXPIRED' || attempt > 1) throw failure;
      }
    }
    context.store.joined(commitment as string);
    await ensurePseudonym(context);
    onJoined();
  }

  function fail(error: unknown): void {
    const code = error instanceof RequestError ? error.code : 'ERROR';
    const known = REFUSALS[code];
    feedback.failed(t('withCode', { message: known ? t(known) : (error as Error).message, code }));
    lost.hidden = code !== 'ACCOUNT_ALREADY_MEMBER';
    context.host.tell({ type: 'error', code });
  }

  function run(replace: boolean): void {
    void join(replace).catch(fail);
  }

  return h(
    'div',
    { class: 'credential' },
    button(t('join', { community: context.community.name }), () => run(false)),
    feedback.element,
    lost,
  );
}
