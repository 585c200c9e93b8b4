// The member's identity: created or restored in the prover (the backup stays on this origin),
// then used to join the community. A restored identity that joined before (here, on another
// device, through the CLI or the extension) is recognised from the published group; a join that
// waits for its batch says so until the commitment is in the group. A membership whose commitment
// is missing from the group is not taken for ended: only the API's MEMBERSHIP_ENDED is an end.
import { backupProblem, type BackupProblem } from '../../prover/backup';
import { ensurePseudonym, FrameContext, Outcome } from '../context';
import { button, focusHere, h, nextId } from '../dom';
import { reportFailure } from '../failure';
import { actionFeedback, ActionFeedback } from '../feedback';
import { StringKey, t } from '../i18n';
import { inPublishedGroup, lookAgain, notInGroupText, pendingText, sendJoin } from '../membership';
import { prover } from '../prover-client';
import { backupControl, communitiesNamed } from './backup';
import { credentialJoin } from './credential-join';

const BACKUP_REASONS: Record<BackupProblem, StringKey> = {
  empty: 'backupReasonEmpty',
  characters: 'backupReasonCharacters',
  length: 'backupReasonLength',
};

/**
 * Whether another tab or window of this browser kept another identity since the panel showed
 * `shown` (read again after the prover's answer, which takes a while): then nothing is replaced,
 * and the panel is rendered anew with the identity kept now, whose membership would otherwise be
 * lost with it. (A `storage` event renders it too, but may come after the member clicked.)
 */
function keptElsewhere(
  context: FrameContext,
  shown: string | null,
  onChange: (outcome: Outcome) => void,
): boolean {
  if (context.store.identity === shown) return false;
  onChange({ message: t('identityKeptElsewhere') });
  return true;
}

/**
 * "Restore from a backup": only an identity export's exact form is kept (a mistyped or cut-off
 * paste would be another identity), then the membership is looked up in the published group.
 * The identity it replaces is shared by every community of this site (its memberships are kept
 * per community): one with standing in any of them (`MemberStore.holdings`, this one included)
 * is not replaced at the first click. The panel names those communities and offers its backup;
 * once the backup was shown, a second button replaces it (the extension refuses outright, having
 * one identity per instance and no Restore while one is kept).
 */
function restoreDetails(
  context: FrameContext,
  feedback: ActionFeedback,
  summary: StringKey,
  onChange: (outcome: Outcome) => void,
): HTMLElement {
  const { store, community } = context;
  // What the member sees replaced: the identity kept when the panel was rendered.
  const shown = store.identity;
  const restoreId = nextId('restore');
  const restoreText = h('textarea', { id: restoreId, rows: '3', spellcheck: 'false' });
  /** Where the replacement of an identity with standing is asked, its backup first. */
  const confirm = h('div', { class: 'replaces', hidden: true });
  /** The commitment the member chose to replace, once its backup was shown. */
  let replacing: string | null = null;
  /**
   * Whether restoring `commitment` may replace the identity shown: none is kept, it is the same,
   * it has no standing on this site, or the member chose to replace it after its backup.
   */
  const mayReplace = async (backup: string, commitment: string): Promise<boolean> => {
    const loses = await store.replacementLoses(backup, commitment, async (kept) =>
      String((await prover({ type: 'commitment', backup: kept })).commitment),
    );
    if (!loses || replacing === loses.commitment || shown === null) return true;
    const held = loses.holdings;
    const said = h(
      'p',
      { tabindex: '-1' },
      t('restoreWouldLose', { communities: communitiesNamed(held) }),
    );
    const replace = button(t('restoreReplaceAnyway'), () => {
      replacing = loses.commitment;
      void restore().catch((error: unknown) => reportFailure(feedback, error));
    });
    feedback.busy(replace, confirm);
    replace.hidden = true;
    confirm.replaceChildren(
      said,
      ...backupControl(shown, () => {
        replace.hidden = false;
      }),
      replace,
    );
    confirm.hidden = false;
    focusHere(said);
    return false;
  };
  const restore = async (): Promise<void> => {
    const problem = backupProblem(restoreText.value);
    if (problem) {
      const reason = t(BACKUP_REASONS[problem], { count: restoreText.value.trim().length });
      feedback.failed(t('backupInvalid', { reason }));
      restoreText.setAttribute('aria-invalid', 'true');
      return;
    }
    const backup = restoreText.value.trim();
    // Busy until it ends: a second click would find the identity it keeps and say that another
    // tab kept one.
    feedback.progress(t('restoringIdentity'));
    const { commitment } = await prover({ type: 'commitment', backup, strict: true });
    if (keptElsewhere(context, shown, onChange)) return;
    if (!(await mayReplace(backup, commitment as string))) return feedback.clear();
    if (keptElsewhere(context, shown, onChange)) return;
    store.keepIdentity(backup, commitment as string);
    // Not found (or not fetched now): Join is offered, and a join made before answers
    // ALREADY_MEMBER, which looks again.
    const found = await inPublishedGroup(context, commitment as string).catch(() => false);
    if (found) {
      store.joined(commitment as string);
      await ensurePseudonym(context);
    }
    onChange({
      message: found ? t('restoredMember', { community: community.name }) : t('restored'),
    });
  };
  const restoreButton = button(t('restoreButton'), () => {
    void restore().catch((error: unknown) => reportFailure(feedback, error));
  });
  const details = h(
    'details',
    {},
    h('summary', {}, t(summary)),
    h('label', { for: restoreId }, t('restoreLabel')),
    restoreText,
    restoreButton,
    confirm,
  );
  feedback.busy(restoreButton, details);
  return details;
}

export function memberPanel(
  context: FrameContext,
  onChange: (outcome: Outcome) => void,
): HTMLElement {
  const { store, community } = context;
  const headingId = nextId('member-heading');
  const panel = h(
    'section',
    { class: 'member', 'aria-labelledby': headingId },
    h('h3', { id: headingId, tabindex: '-1' }, t('member')),
  );
  const feedback = actionFeedback();
  const act = (action: () => Promise<void>) => () => {
    void action().catch((error: unknown) => reportFailure(feedback, error));
  };
  /**
   * "Check again", with its own line: the published group downloaded anew, for a join waiting
   * for its batch or a membership missing from the group (`still` says it is not there yet).
   * Found, the commitment is a sealed membership; a join waited for too long and still missing
   * is absent. What changed meanwhile (a restore, another tab) is rendered by its own change.
   */
  const checkAgain = (commitment: string, still: StringKey): HTMLElement[] => {
    const checking = actionFeedback();
    const check = button(t('checkAgain', { community: community.name }), () => {
      void (async () => {
        checking.progress(t('checking'));
        const looked = await lookAgain(context, commitment);
        if (looked === 'moved') return onChange({ message: '' });
        if (looked === 'missing') return checking.done(t(still, { community: community.name }));
        if (looked === 'absent') {
          return onChange({ message: notInGroupText(community) });
        }
        await ensurePseudonym(context);
        onChange({ message: t('joinedNow', { community: community.name }) });
      })().catch((error: unknown) => reportFailure(checking, error));
    });
    checking.busy(check, panel);
    return [check, checking.element];
  };
  const backup = store.identity;
  if (!backup) {
    const create = button(
      t('createIdentity'),
      act(async () => {
        // Busy until it ends: a second click would make a second identity, find the first
        // kept, and say that another tab kept one.
        feedback.progress(t('creatingIdentity'));
        const created = await prover({ type: 'create' });
        if (keptElsewhere(context, null, onChange)) return;
        store.keepIdentity(created.backup as string, created.commitment as string);
        onChange({ message: t('created') });
      }),
    );
    feedback.busy(create, panel);
    panel.append(
      h('p', {}, t('memberIntro')),
      create,
      restoreDetails(context, feedback, 'restore', onChange),
      feedback.element,
    );
    return panel;
  }
  if (store.isMember) {
    // Looked for again at each render: once sealed, the forms are shown; a sealed membership
    // missing from the group is put aside as absent (the prover could only call it "not
    // sealed"), with a check and a join. The whole group is fetched, as every proof does:
    // nothing names the member.
    const commitment = store.memberCommitment as string;
    const wasPending = store.pending;
    void lookAgain(context, commitment).then(
      (looked) => {
        if (looked === 'found' && wasPending) {
          onChange({ message: t('joinedNow', { community: community.name }), focus: false });
        } else if (looked === 'absent') {
          onChange({ message: notInGroupText(community), focus: false });
        }
      },
      () => undefined,
    );
    panel.append(
      h(
        'p',
        { class: store.pending ? 'pending' : 'joined' },
        store.pending ? pendingText(community) : t('joined', { community: community.name }),
      ),
      ...(store.pending ? checkAgain(commitment, 'stillPending') : []),
      ...(store.pending && store.pendingResendable ? joinAgain(context, backup, onChange) : []),
      ...backupControl(backup),
      // A join that is never sealed (removed before this device saw it, lost with an instance
      // restored from an older backup) leaves the member another identity to restore meanwhile.
      ...(store.pending
        ? [restoreDetails(context, feedback, 'restoreReplaces', onChange), feedback.element]
        : []),
    );
    return panel;
  }
  // An identity that has not joined here: Restore stays offered, for the identity that did. Its
  // backup too: it may be a member of another community of this site, or join this one.
  const restore = restoreDetails(context, feedback, 'restoreReplaces', onChange);
  const keep = backupControl(backup);
  if (store.membershipEnded) {
    // The API refused this identity a join (MEMBERSHIP_ENDED): another one is the way.
    panel.append(
      h('p', { class: 'ended' }, t('membershipEnded', { community: community.name })),
      ...keep,
      restore,
      feedback.element,
    );
    return panel;
  }
  // Missing from the group when last looked at: looked for again at each render, and said with
  // a check, above the join, which the API answers with a membership or with its end.
  const absent = store.absentCommitment;
  if (absent) {
    void lookAgain(context, absent).then(
      (looked) => {
        if (looked !== 'found') return;
        onChange({ message: t('joinedNow', { community: community.name }), focus: false });
      },
      () => undefined,
    );
  }
  const notice = absent
    ? [
        h('p', { class: 'absent' }, notInGroupText(community)),
        ...checkAgain(absent, 'stillNotInGroup'),
      ]
    : [];
  const intro = absent ? notice : [h('p', {}, t('memberIntro'))];
  if (community.admission === 'CLOSED') {
    panel.append(...notice, h('p', {}, t('closed')), ...keep, restore, feedback.element);
    return panel;
  }
  if (community.admission === 'CREDENTIAL') {
    panel.append(
      ...intro,
      credentialJoin(context, backup, onChange),
      ...keep,
      restore,
      feedback.element,
    );
    return panel;
  }
  panel.append(
    ...intro,
    ...joinControls(context, backup, feedback, panel, onChange, 'join'),
    ...keep,
    restore,
  );
  return panel;
}

/**
 * Join again, beside a join pending for a day and more (`MemberStore.pendingResendable`), which
 * stays said: where the instance seals with no time bound the join is never taken as absent, and
 * one lost before its batch was sealed (removed, or with an instance restored from an older
 * backup) could not be sent again otherwise. What the admission offers: the join (OPEN, INVITE)
 * or the site's ticket (CREDENTIAL); nothing where only the operator admits members.
 */
function joinAgain(
  context: FrameContext,
  backup: string,
  onChange: (outcome: Outcome) => void,
): HTMLElement[] {
  const { community } = context;
  if (community.admission === 'CLOSED') return [];
  const region = h(
    'div',
    { class: 'join-again' },
    h('p', {}, t(community.admission === 'INVITE' ? 'pendingJoinAgainInvite' : 'pendingJoinAgain')),
  );
  if (community.admission === 'CREDENTIAL') {
    region.append(credentialJoin(context, backup, onChange, 'joinAgain'));
  } else {
    region.append(
      ...joinControls(context, backup, actionFeedback(), region, onChange, 'joinAgain'),
    );
  }
  return [region];
}

/**
 * What joins an OPEN or INVITE community (`label`: Join, or Join again beside a join pending too
 * long): the invite code's field for an INVITE one, the button, and its line.
 */
function joinControls(
  context: FrameContext,
  backup: string,
  feedback: ActionFeedback,
  panel: HTMLElement,
  onChange: (outcome: Outcome) => void,
  label: 'join' | 'joinAgain',
): HTMLElement[] {
  const { community } = context;
  const inviteId = nextId('invite');
  const invite = h('input', { id: inviteId, autocomplete: 'off' });
  const joinButton = button(t(label, { community: community.name }), () => {
    void (async () => {
      feedback.progress(t('joining'));
      const joined = await sendJoin(context, backup, invite.value.trim(), () =>
        feedback.progress(t('joinWorking')),
      );
      const said: StringKey =
        joined === 'ended' ? 'membershipEnded' : joined ? 'joinedPending' : 'joinedNow';
      onChange({ message: t(said, { community: community.name }) });
    })().catch((error: unknown) => reportFailure(feedback, error));
  });
  feedback.busy(joinButton, panel);
  return [
    ...(community.admission === 'INVITE'
      ? [h('label', { for: inviteId }, t('inviteLabel')), invite]
      : []),
    joinButton,
    feedback.element,
  ];
}
