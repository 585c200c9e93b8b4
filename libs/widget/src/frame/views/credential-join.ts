// Joining a CREDENTIAL community: the frame asks the host page for a ticket its site signed for
// the signed-in account (through the loader, docs/widget.md), joins with it once and forgets
// it. Each refusal says what the member can do, with the API's code for whoever helps them.
import type { MembershipChangeResponse } from '@bridgenotes/protocol';

import { api, communityPath, RequestError } from '../api';
import type { FrameContext, Outcome } from '../context';
import { button, h } from '../dom';
import { failureCode, failureText } from '../failure';
import { actionFeedback } from '../feedback';
import { StringKey, t } from '../i18n';
import { recordedEnd, recordJoin } from '../membership';
import { prover } from '../prover-client';
import { confirmShown } from '../visibility-guard';

/** What the member reads for each refusal; the host's set-up errors share one sentence. */
const REFUSALS: Record<string, StringKey> = {
  SIGNED_OUT: 'ticketSignIn',
  TICKET_REQUIRED: 'ticketSignIn',
  UNAVAILABLE: 'ticketUnavailable',
  TICKET_EXPIRED: 'ticketExpired',
  TICKET_NOT_YET_VALID: 'ticketNotYetValid',
  TICKET_REPLAYED: 'ticketExpired',
  ACCOUNT_ALREADY_MEMBER: 'ticketAccountMember',
  ACCOUNT_REMOVED: 'ticketAccountRemoved',
  IDENTITY_REPLACED_RECENTLY: 'ticketReplacedRecently',
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
  onJoined: (outcome: Outcome) => void,
  label: 'join' | 'joinAgain' = 'join',
): HTMLElement {
  const feedback = actionFeedback();
  // Offered when the account already holds a membership: a new start (the member panel's
  // "Restore" under this is the way back).
  const lost = h(
    'div',
    { class: 'lost', hidden: true },
    button(t('replaceIdentity'), () => run(true)),
  );

  async function join(replaceLostIdentity: boolean): Promise<void> {
    // Before the button clicked is hidden: the guard looks at it once more.
    await confirmShown();
    lost.hidden = true;
    feedback.progress(t('ticketAsking'));
    const { commitment } = await prover({ type: 'commitment', backup });
    let answer: MembershipChangeResponse | null = null;
    for (let attempt = 1; ; attempt++) {
      const { ticket, error } = await context.host.ticket();
      if (!ticket) throw new RequestError(error ?? 'UNAVAILABLE', '');
      try {
        answer = await api<MembershipChangeResponse>(`${communityPath(context.slug)}/members`, {
          method: 'POST',
          body: { commitment, ticket, ...(replaceLostIdentity ? { replaceLostIdentity } : {}) },
        });
        break;
      } catch (failure) {
        if (recordedEnd(context, commitment as string, failure)) {
          onJoined({ message: t('membershipEnded', { community: context.community.name }) });
          return;
        }
        const code = failure instanceof RequestError ? failure.code : '';
        if (code === 'ALREADY_MEMBER') break;
        // A ticket that expired on its way (a slow host, a slow network): one more, silently.
        if (code !== 'TICKET_EXPIRED' || attempt > 1) throw failure;
      }
    }
    const pending = await recordJoin(context, commitment as string, answer);
    const community = context.community.name;
    onJoined({ message: t(pending ? 'joinedPending' : 'joinedNow', { community }) });
  }

  function fail(error: unknown): void {
    const code = failureCode(error);
    feedback.failed(failureText(error, REFUSALS));
    lost.hidden = code !== 'ACCOUNT_ALREADY_MEMBER';
  }

  function run(replace: boolean): void {
    void join(replace).catch(fail);
  }

  const joinButton = button(t(label, { community: context.community.name }), () => run(false));
  const view = h('div', { class: 'credential' }, joinButton, feedback.element, lost);
  feedback.busy(joinButton, view);
  return view;
}
