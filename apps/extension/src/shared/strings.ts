import { EN_CONTENT, EN_LABELS, EN_PENDING, EN_WRITE_WAIT } from '@bridgenotes/widget';

/**
 * Every string the extension shows, in one place for translation (the widget's wording where
 * the two say the same). `{name}` marks a value filled in at run time, as text.
 */
export const STRINGS = {
  heading: 'Community notes',
  from: 'From {community} on {instance}',
  loading: 'Looking for notes…',
  loadFailed: '{community}: notes could not be loaded. {message}',
  noHelpful: 'No note on this post has been rated helpful yet.',
  whyShown: 'Rated helpful by people who usually disagree',
  sideShare:
    '{share}% helpful from {count} ratings on one side, {other}% from {otherCount} on the other',
  locked:
    'Its status is locked: a note keeps the status it had two weeks after it was written, and new ratings no longer change it.',
  sources: 'Sources',
  misleading: 'Readers added context',
  notMisleading: 'Readers say this is not misleading',
  proposedMisleading: 'Proposed note: the post may mislead',
  proposedNotMisleading: 'Proposed note: the post is not misleading',
  redacted: 'This note’s text was removed by the community’s moderators.',
  yourNote: 'Your note',
  yourNoteShown: 'You wrote a note shown above.',
  yourRating: 'You rated this: {rating}',
  helpRate: 'Help rate notes ({count})',
  hideRate: 'Hide notes that need ratings',
  needsRatings: 'These notes need more ratings before they can be shown.',
  joinToRate: 'Join {community} in the extension’s settings to rate and write notes.',
  joinOnSiteToRate:
    'Join {community} on its site, then check your membership in the extension’s settings to rate and write notes.',
  closedToRate:
    '{community} admits members by the operator only: only members rate and write notes.',
  settings: 'Settings',
  close: 'Close',
  rateAs: 'Rate this note',
  helpful: 'Helpful',
  somewhat: 'Somewhat helpful',
  notHelpful: 'Not helpful',
  tags: 'What applies?',
  tagsWhy:
    'Choose at least one: a note is shown, or rated not helpful, only when its raters agree on the reasons.',
  submitRating: 'Submit rating',
  proving: 'Making your proof in this browser…',
  proverStopped: 'Your browser stopped making the proof. Try again.',
  sendingAgain: 'Sending again the note you proved…',
  verifierBusy: 'The service is busy checking proofs: sending again in {seconds} s…',
  rated: 'Rating saved. It counts at the next scoring run, usually within a few minutes.',
  // Where the instance keeps writes for their batch, in the widget's words (writeOutcome).
  ...EN_WRITE_WAIT,
  notRemembered: 'This browser could not keep your rating to show it back.',
  requestCount: 'Members who asked for a note on this post: {count}',
  requestNote: 'Ask for a note on this post',
  requested: 'Request recorded. Writers see the posts members ask about most.',
  writeNote: 'Write a note',
  classification: 'This post is',
  reasons: 'Why?',
  noteText: 'Note (at most {limit} characters, a link counts as one)',
  noteSources: 'Sources, one link per line',
  submitNote: 'Publish note',
  noted:
    'Note published. It will be shown once raters from different perspectives find it helpful.',
  // A note's or a rating's content rule broken (libs/protocol's), in the widget's words.
  ...EN_CONTENT,
  // A join waiting for its batch, in the panel and the settings, in the widget's words: by the
  // seal wait kept with the follow (shared/membership-news.ts).
  ...EN_PENDING,
  joinedNow: 'Joined {community}: you can now rate, write and ask for notes.',
  // A proof asked for before the seal, by the seal wait kept with the follow (the first where
  // none is kept; shared/membership-news.ts): the pending notice's promise, no other.
  notSealed:
    'Your membership of {community} is not usable yet: the instance adds new members to the community’s group in batches, once enough people have joined — within minutes in a busy community, up to six hours by default in a quiet one (as its operator set). Nothing was sent; try again later.',
  notSealedNoTimeBound:
    'Your membership of {community} is not usable yet: the instance adds new members to the community’s group in batches, once enough members have joined; this has no set time, and in a quiet community it can take a long time. Nothing was sent; try again later.',
  notSealedWithinHour:
    'Your membership of {community} is not usable yet: the instance adds new members to the community’s group in batches — within minutes in a busy community, at the latest about an hour after you joined. Nothing was sent; try again later.',
  notSealedWithinHours:
    'Your membership of {community} is not usable yet: the instance adds new members to the community’s group in batches — within minutes in a busy community, at the latest about {hours} hours after you joined. Nothing was sent; try again later.',
  // A membership removed or replaced (the widget's wording, without its Restore: the extension
  // keeps one identity per instance, which this one is).
  membershipEnded:
    'Your membership of {community} ended: this identity was removed from the community or replaced. It cannot rate or write here any more, nor join again. Ask the community’s moderators.',
  // A membership missing from the group when looked at: no end until the instance says so.
  // Check again first (a download), then what the community's admission offers.
  notInGroup:
    'This identity is not in the group of {community} now. That can pass (the instance may be catching up, or your join may still be waiting), or it was removed or replaced. Check again first; still missing, join again in the settings, and the instance says which.',
  notInGroupCredential:
    'This identity is not in the group of {community} now. That can pass (the instance may be catching up, or your join may still be waiting), or it was removed or replaced. Check again first; still missing, join again on the community’s site, then check your membership in the settings.',
  notInGroupClosed:
    'This identity is not in the group of {community} now. That can pass (the instance may be catching up), or it was removed or replaced. Check again; still missing, ask the community’s moderators, since it admits members by the operator only.',
  checkAgain: 'Check {community} again',
  stillPending: 'Checked just now: your membership of {community} is not sealed yet.',
  // Beside a join pending for a day and more (the widget's wording): the same commitment sent
  // again, the instance answering whether it still waits, is taken anew, or was removed.
  pendingJoinAgain:
    'Waiting for more than a day? Your join may still be waiting to be sealed (which can take a long time in a quiet community), or it was lost: removed, or the instance went back to an older backup. Joining again sends the same identity, and the instance says which.',
  pendingJoinAgainInvite:
    'Waiting for more than a day? Your join may still be waiting to be sealed (which can take a long time in a quiet community), or it was lost: removed, or the instance went back to an older backup. Joining again sends the same identity, and the instance says which; it may ask for your invite code again.',
  pendingJoinAgainInSettings:
    'Waiting for more than a day? Your join may still be waiting to be sealed (which can take a long time in a quiet community), or it was lost: removed, or the instance went back to an older backup. Join again in the settings: it sends the same identity, and the instance says which.',
  joinAgain: 'Join {community} again',
  stillNotInGroup: 'Checked just now: this identity is still not in the group of {community}.',
  failed: 'That did not work: {message}',
  // The widget's wording, for a membership that could not be looked for (an action's refusals
  // are said with the widget's own sentences: failure.ts).
  failNetwork: 'The service could not be reached. Check your connection and try again.',
  // Settings
  settingsHeading: 'Bridgenotes settings',
  followHeading: 'Communities you follow',
  followOffered:
    'A page offered to follow {slug} on {instance}: it is filled in below. Press Follow to follow it, or close this tab.',
  followOfferedFollowed:
    'A page offered to follow {slug} on {instance}: you follow it already (listed below). Pages are shown the same offer either way, so that none learns which communities you follow.',
  followIntro:
    'Notes come from the communities you follow. Looking a post up never sends its address: see "What the lookup leaks" in the documentation.',
  noFollows: 'You follow no community yet.',
  instanceLabel: 'Instance address',
  slugLabel: 'Community',
  follow: 'Follow',
  followed: 'Following {community}.',
  leave: 'Leave {community}',
  left: 'No longer following {community}.',
  instanceInvalid: 'The instance address must be an https address (http only on this machine).',
  // A follow made when the extension still reached http://[::1]:port (its permissions no longer
  // cover it): every request to it is refused, which is no network failure.
  instanceUnsupported:
    'The extension no longer supports the address {instance}: follow this community at {replacement} in the settings, then leave this one.',
  instanceUnsupportedHere:
    'No longer supported at {instance}: follow {community} at {replacement} (the form below), then leave this one. To keep your pseudonym, back up its identity under Membership first, and restore it for {replacementHost}.',
  identityLeftBehind:
    'Identity kept for {instance}, which the extension no longer supports: back it up and restore it for {replacementHost}.',
  memberHeading: 'Membership',
  memberIntro:
    'Rating and writing are anonymous: your identity stays in this extension, and each action carries a zero-knowledge proof that a member made it, not which one. Each instance gets its own identity, so operators cannot link you across instances.',
  createIdentity: 'Create an identity for {instance}',
  backup: 'Back up identity for {instance}',
  backupHint: 'Keep this text somewhere safe; it is the only way to keep your pseudonym.',
  restoreLabel: 'Identity backup for {instance} (from the widget, the CLI or another browser)',
  restoreButton: 'Restore',
  restored: 'Identity restored for {instance}.',
  restoreEmpty:
    'Paste the identity backup first: the text of the widget’s Back up identity, or the CLI’s identity file.',
  restoreInvalid:
    'This is not an identity backup, so nothing was kept: paste the whole text of the widget’s Back up identity, or the one line of the CLI’s identity file.',
  notChecked:
    'Membership of {communities} could not be checked now: use its button below to try again.',
  identityKept:
    'Another identity was kept for {instance} meanwhile (in another settings tab), and stays: reload this page to see it.',
  join: 'Join {community}',
  inviteLabel: 'Invite code for {community}',
  joinWorking:
    'Working… Joining asks this device for a few seconds of computing, so that scripts cannot fill the community.',
  joined: 'You are a member of {community}.',
  joinedPending: 'Joined {community}; your membership is waiting to be sealed.',
  checkMembership: 'Joined {community} on its site? Check membership',
  notMemberYet:
    'This identity is not a member of {community} yet: join through the community’s site, then check again.',
  closed: '{community} admits members by the operator only.',
  // The click-jacking guard's question (@bridgenotes/widget's visibility-guard); its refusals are
  // said in the widget's words (failure.ts).
  confirmWrite:
    '“{action}”: send this as a member of the community? Nothing is sent unless you confirm.',
} as const;

export type StringKey = keyof typeof STRINGS;

export function t(key: StringKey, values: Record<string, string | number> = {}): string {
  return STRINGS[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** The rating values, which the widget's label catalogue does not list. */
const RATING_LABELS: Record<string, string> = {
  HELPFUL: 'Helpful',
  SOMEWHAT_HELPFUL: 'Somewhat helpful',
  NOT_HELPFUL: 'Not helpful',
};

/** A Community Notes classification, reason, tag or rating name, as readers read it. */
export const label = (name: string): string => RATING_LABELS[name] ?? EN_LABELS[name] ?? name;
