/**
 * The frame's English catalogue, the reference every other language completes. `{name}` marks
 * a value filled in at run time (as text, never as markup); numbers arrive formatted by `Intl`.
 */
import { EN_CONTENT } from './en-content';
import { EN_PENDING } from './en-pending';
import { EN_WRITE_WAIT } from './en-write-wait';

export const EN = {
  heading: 'Community notes',
  loading: 'Loading notes…',
  loadFailed: 'Notes could not be loaded. Try again later.',
  noHelpful: 'No note on this post has been rated helpful yet.',
  noNotes: 'No one has written a note on this post yet.',
  whyShown: 'Rated helpful by people who usually disagree',
  sideShare:
    '{share} helpful from {count} ratings on one side, {other} from {otherCount} on the other',
  modelCore: 'Decided by the bridging model of Community Notes',
  modelGaussian:
    'Decided by the second bridging model, which settles notes the first one leaves undecided',
  modelSmallCommunity:
    'Decided by small-community scoring, which finds the groups of raters who usually agree',
  modelCoreWithTopics:
    'Decided by the bridging model of Community Notes, in its run that includes notes on closely watched topics',
  modelGaussianCoreWithTopics:
    'Decided by the second bridging model, in its run that includes notes on closely watched topics',
  modelExpansion:
    'Decided by the bridging model over a wider set of raters, for a note the first run did not score',
  modelExpansionPlus:
    'Decided by the bridging model over every rater, for a note no other run scored',
  modelTopic:
    'Held back by the model of its topic: the people who follow this topic closely do not agree it is helpful',
  explainHeadline: 'Needs more ratings.',
  lockedHeadline: 'Not shown.',
  explainNotMisleading:
    'A note saying the post is not misleading is never shown as helpful; it stays here unless rated not helpful.',
  explainHeld:
    'Its ratings are enough to show it; it is held back for up to an hour to check that the verdict lasts.',
  explainTopicModel:
    'The community’s ratings lean helpful, but the people who follow its topic closely do not agree yet; it needs their agreement too.',
  explainTagsHelpful:
    'Its ratings are enough to show it, but a note is shown only when its raters agree on why it helps: two of the reasons under “What applies?” must each be chosen by at least two raters. Ratings that say what applies would help.',
  explainTagsNotHelpful:
    'Its ratings are enough to rate it not helpful, but that verdict stands only when its raters agree on why: two of the reasons under “What applies?” must each be chosen by at least two raters.',
  explainLocked:
    'Its status is locked: a note keeps the status it had two weeks after it was written, and new ratings no longer change it.',
  explainRatingsNeeded: 'It needs more ratings before it can be scored: {count} more.',
  explainBothLean:
    'Both sides lean helpful, but not yet clearly enough: more helpful ratings from either would help.',
  explainUnratedSide:
    'It needs helpful ratings from members who usually see things differently from those who rated it so far: {count} more.',
  explainOneSide:
    'The other side has not found it helpful enough yet: {count} more helpful ratings needed there.',
  explainBothSides:
    'It needs helpful ratings from both sides: {one} more from one and {other} more from the other.',
  manyMore: 'many',
  viewpoints: 'What each side of the raters thought',
  viewpointLine: '{name}: {ratings}',
  viewpointOne: 'One side',
  viewpointOther: 'The other side',
  viewpointUnrated: 'no rating from this side yet',
  viewpointUnknown:
    'Ratings from members whose viewpoint isn’t known yet: {count} — a viewpoint is known after 3 ratings',
  viewpointUnknownCore: 'Ratings from members whose viewpoint isn’t known yet: {count}',
  viewpointRatings:
    '{share} helpful from {count} ratings ({helpful} helpful, {somewhat} somewhat, {notHelpful} not helpful)',
  viewpointNeeds: 'helpful ratings still needed: {count}',
  sources: 'Sources',
  misleading: 'Readers added context',
  notMisleading: 'Readers say this is not misleading',
  proposedMisleading: 'Proposed note: the post may mislead',
  proposedNotMisleading: 'Proposed note: the post is not misleading',
  helpRate: 'Help rate notes ({count})',
  hideRate: 'Hide notes that need ratings',
  contribute: 'Write, rate or ask for a note',
  needsRatingsHeading: 'Notes that need ratings',
  needsRatings: 'These notes need more ratings before they can be shown.',
  noneToRate: 'No note on this post needs ratings now.',
  member: 'Member identity',
  memberIntro:
    'Rating and writing are anonymous: your identity stays in this frame, and each action carries a zero-knowledge proof that a member made it, not which one.',
  createIdentity: 'Create an identity',
  backup: 'Back up identity',
  backupHint: 'Keep this text somewhere safe; it is the only way to keep your pseudonym.',
  restore: 'Restore from a backup',
  restoreLabel: 'Identity backup',
  restoreButton: 'Restore',
  join: 'Join {community}',
  inviteLabel: 'Invite code',
  joining: 'Joining…',
  joinWorking:
    'Working… Joining asks this device for a few seconds of computing, so that scripts cannot fill the community.',
  joined: 'You are a member of {community}.',
  closed: 'This community admits members by the operator only.',
  storageWhy:
    'This browser forgets what this frame keeps when the page closes, your identity included. Allow it to keep your identity on this device (this site learns nothing), or back it up.',
  storageAsk: 'Keep my identity on this device',
  storageRefused: 'The browser did not allow it. Back up your identity to keep it.',
  storageNone: 'This browser forgets your identity when the page closes: back it up to keep it.',
  ticketAsking: 'Asking this site to vouch for your account…',
  ticketSignIn: 'Sign in on this site to join this community.',
  ticketUnavailable: 'This site could not vouch for your account just now. Try again later.',
  ticketExpired: 'The ticket from this site was no longer valid. Try again.',
  // The site's clock is ahead of the service's.
  ticketNotYetValid:
    'The ticket from this site is not valid yet (the site’s clock may be ahead). Wait a minute and try again.',
  ticketAccountMember:
    'Your account on this site already joined with another identity. Restore that identity from your backup, or replace it: the new one starts without standing.',
  ticketAccountRemoved: 'The operator removed the membership of your account on this site.',
  ticketReplacedRecently:
    'Your account replaced a lost identity recently: it can replace one again from {from} (UTC). Until then, restore the identity it has from its backup.',
  ticketHostWrong: 'This site cannot admit members to this community (its set-up is wrong).',
  replaceIdentity: 'Replace my lost identity',
  creatingIdentity: 'Creating your identity in this browser…',
  restoringIdentity: 'Restoring your identity…',
  created: 'Identity created.',
  restored: 'Identity restored.',
  restoredMember: 'Identity restored: it is a member of {community}.',
  joinedNow: 'Joined {community}: you can now rate, write and ask for notes.',
  joinedPending: 'Joined {community}; your membership is waiting to be sealed.',
  restoreReplaces: 'Restore another identity from a backup',
  backupInvalid: 'This is not a Bridgenotes identity backup: {reason}',
  // Restore over an identity with standing elsewhere on this site: refused until its backup was
  // shown, then replaced on a second, explicit click.
  restoreWouldLose:
    'The identity kept on this site now is a member of {communities}. Restoring another one replaces it here: without its backup, that identity and its pseudonym there are lost for good. Back it up first.',
  restoreReplaceAnyway: 'I kept its backup: replace it',
  // Storage opened that already keeps another identity than the one this page made.
  storageTwoIdentities:
    'This device already keeps another identity on this site ({device}). The identity you use now ({page}) was not replaced: it stays in use until this page closes. Back it up to keep it. You may instead use the identity kept on this device; to bring this one back later, restore its backup.',
  storageUseDevice: 'Use the identity kept on this device',
  storageTwoIdentitiesShort:
    'This device already keeps another identity on this site: the one you use now was not replaced. Choose below.',
  identityChangedHere: 'The identity kept on this device is used now.',
  storageGranted: 'Your identity is kept on this device now.',
  storageDeviceIdentity:
    'This device already kept another identity on this site: it is used now. The identity made on this page had joined no community.',
  storageDeviceNone: 'a member of no community',
  memberOfList: 'a member of {communities}',
  // Another tab or window of this browser changed the identity kept on this site.
  identityKeptElsewhere:
    'Another tab or window of this browser keeps an identity on this site now: it is shown here, and was not replaced.',
  identityChangedElsewhere:
    'Your identity on this site changed in another tab or window: shown here now.',
  backupReasonEmpty: 'nothing was pasted.',
  backupReasonCharacters:
    'it holds characters a backup never has (a backup is letters, digits, + and /, ending with =).',
  backupReasonLength:
    'it has {count} characters where a backup has 44: it may be cut off or have something added.',
  backupReasonUnknown: 'check that it was copied whole.',
  // A join waiting for its batch (apart: the extension says it too).
  ...EN_PENDING,
  earnInRule:
    'In this community, a new member writes notes once its ratings have earned an impact of {required}: rate notes that need ratings, and each rating that agrees with the status a note is later given counts.',
  failGeneric: 'Something went wrong. Try again later.',
  // A refusal the widget has no sentence of its own for (a rule the form does not check, a newer
  // API's code): the API's message, in its words, as it says what to change.
  failRefused: 'The service refused it: “{message}”',
  // A proof the service does not take: made by a widget older or newer than the service.
  failCommunityGone:
    'This community is not on the service any more (removed or renamed). Reload the page.',
  failProofRefused:
    'The service did not accept the proof made in this browser. Reload the page and try again.',
  failNetwork: 'The service could not be reached. Check your connection and try again.',
  failServer: 'The service is busy or restarting. Try again in a moment.',
  failTryAgain: 'The community changed while this was being done. Try again.',
  // A membership missing from the group: no end until the API says so. Check again first (a
  // download), then what the community's admission offers.
  notInGroup:
    'This identity is not in the group of {community} now. That can pass (the service may be catching up, or your join may still be waiting), or it was removed or replaced. Check again first; still missing, join again, and the service says which.',
  notInGroupCredential:
    'This identity is not in the group of {community} now. That can pass (the service may be catching up, or your join may still be waiting), or it was removed or replaced. Check again first; still missing, join again with your account on this site, and the service says which.',
  notInGroupClosed:
    'This identity is not in the group of {community} now. That can pass (the service may be catching up), or it was removed or replaced. Check again; still missing, ask the community’s moderators, since it admits members by the operator only.',
  checkAgain: 'Check {community} again',
  checking: 'Looking for your membership in the community’s group…',
  stillPending: 'Checked just now: your membership of {community} is not sealed yet.',
  // Beside a join pending for a day and more: the same commitment sent again, the API answering
  // whether it still waits, is taken anew, or was removed.
  pendingJoinAgain:
    'Waiting for more than a day? Your join may still be waiting to be sealed (which can take a long time in a quiet community), or it was lost: removed, or the service went back to an older backup. Joining again sends the same identity, and the service says which.',
  pendingJoinAgainInvite:
    'Waiting for more than a day? Your join may still be waiting to be sealed (which can take a long time in a quiet community), or it was lost: removed, or the service went back to an older backup. Joining again sends the same identity, and the service says which; it may ask for your invite code again.',
  joinAgain: 'Join {community} again',
  stillNotInGroup: 'Checked just now: this identity is still not in the group of {community}.',
  membershipEnded:
    'Your membership of {community} ended: this identity was removed from the community or replaced. It cannot rate or write here any more. Restore another identity that is a member, or ask the community’s moderators.',
  failMembershipEnded:
    'This identity’s membership ended: it was removed from the community or replaced, and cannot join again. Restore another identity, or ask the community’s moderators.',
  // A proof asked for before the seal, by the seal wait the prover was given (the first where
  // the instance says none; shared/seal-wait-key.ts): the pending notice's promise, no other.
  failNotSealed:
    'Your membership is not sealed yet, which keeps when you joined private. Try again later: usually within minutes, a few hours in a quiet community.',
  failNotSealedNoTimeBound:
    'Your membership is not sealed yet, which keeps when you joined private. Try again later: it is sealed once enough members have joined; this has no set time, and in a quiet community it can take a long time.',
  failNotSealedWithinHour:
    'Your membership is not sealed yet, which keeps when you joined private. Try again later: within minutes in a busy community, at the latest about an hour after you joined.',
  failNotSealedWithinHours:
    'Your membership is not sealed yet, which keeps when you joined private. Try again later: within minutes in a busy community, at the latest about {hours} hours after you joined.',
  failNotInGroup:
    'This identity is not in the community’s group now: see the member panel, which offers to check again.',
  failGroupUnavailable:
    'The community’s group could not be downloaded to make your proof: the service is busy or restarting. Try again in a moment.',
  failCircuitUnavailable:
    'The files your browser makes proofs with could not be downloaded: the service is busy or restarting. Try again in a moment.',
  failCircuitMismatch:
    'The files your browser makes proofs with are not the expected ones, so no proof was made. Tell the site that shows this widget.',
  failProver: 'Your browser stopped making the proof. Reload the page and try again.',
  failNoteDeleted: 'Its author deleted this note: it takes no more ratings.',
  failNoteNotShown: 'This note is not shown any more: moderators hid it, or it was removed.',
  failMirror:
    'This service only mirrors the community: members rate and write on the community’s own service.',
  failGroupFull: 'This community is full: it takes no more members.',
  // A proof over a group below the instance's minimum anonymity set (PROOF_ROOT_TOO_SMALL).
  failTooFewMembers:
    'This community needs {required} members before anyone can write, rate or invite here, so that no one is hidden among too few; it has {members}. Try again once more members have joined.',
  failReload:
    'The community’s rules changed since this page was loaded. Reload the page and try again.',
  failInviteRequired: 'This community admits members by invitation: enter your invite code.',
  failInviteInvalid: 'This invite code is not one of this community’s. Check it.',
  failInviteUsed: 'This invite code has already been used. Ask for another.',
  failInviteExpired: 'This invite code has expired. Ask for another.',
  failInviteJoinsToday:
    'Members’ invites have admitted as many newcomers as this community allows today. Try your code again from 00:00 UTC.',
  failEarnIn:
    'You can write notes once your ratings have earned an impact of {required} (yours is {impact}). Rate notes that need ratings; impacts are updated at each scoring run.',
  failWritingLocked:
    'Writing is locked: several of your recent notes were rated not helpful. Rating notes that need ratings reopens it.',
  failRatingOutdated:
    'A newer rating of this note from another of your devices is stored. Reload and rate again.',
  failDailyQuota: 'You have reached today’s limit in this community. It starts again at 00:00 UTC.',
  failRateLimitedWaitOne:
    'Too many requests from this connection just now. Wait {seconds} second and try again.',
  failRateLimitedWait:
    'Too many requests from this connection just now. Wait {seconds} seconds and try again.',
  failRateLimited: 'Too many requests from this connection just now. Wait a minute and try again.',
  failBlocked: 'The community’s moderators blocked your pseudonym: your writes are refused.',
  withCode: '{message} (code {code})',
  wroteThis: 'You wrote this note: others rate it.',
  // A note kept on the device while it waits for its batch (MemberStore.keepOwnNote).
  wroteWaiting:
    'You wrote this note. It waits for its batch to be sealed with other members’ writes: until then only you see it, on this device, and nobody can rate it.',
  yourRating: 'Your rating: {rating}. You can change it.',
  rateAs: 'Rate this note',
  helpful: 'Helpful',
  somewhat: 'Somewhat helpful',
  notHelpful: 'Not helpful',
  tags: 'What applies?',
  tagsWhy:
    'Choose at least one: a note is shown, or rated not helpful, only when its raters agree on the reasons.',
  submitRating: 'Submit rating',
  proving: 'Making your proof in this browser…',
  rated: 'Rating saved. It counts at the next scoring run, usually within a few minutes.',
  requestCount: 'Members who asked for a note on this post: {count}',
  requestNote: 'Ask for a note on this post',
  requested: 'Request recorded. Writers see the posts members ask about most.',
  reportNote: 'Report this note',
  reportReason: 'What is wrong with it?',
  reportText: 'What is wrong, in a few words (needed for “Other”)',
  submitReport: 'Send report',
  chooseReportReason: 'Choose what is wrong with the note.',
  reportTextMissing: 'Say in a few words what is wrong.',
  reported: 'You reported this note. The community’s moderators will look at it.',
  redacted: 'This note’s text was removed by the community’s moderators.',
  writeNote: 'Write a note',
  classification: 'This post is',
  reasons: 'Why?',
  noteText: 'Note (at most {limit} characters, a link counts as one)',
  noteSources: 'Sources, one link per line',
  sendingAgain: 'Sending again the note you proved…',
  verifierBusy: 'The service is busy checking proofs: sending again in {seconds} s…',
  ...EN_WRITE_WAIT,
  submitNote: 'Publish note',
  noted:
    'Note published. It will be shown once raters from different perspectives find it helpful.',
  failed: 'That did not work: {message}',
  dismiss: 'Dismiss',
  // The API's content rules broken (apart: the extension says them too).
  ...EN_CONTENT,
  updatesHeading: 'Notes you wrote or rated changed status',
  updateWrote: 'You wrote: “{text}”: {status}',
  updateRated: 'You rated: “{text}”: {status}',
  statusHelpful: 'now shown as helpful',
  statusNotHelpful: 'rated not helpful',
  statusNeedsRatings: 'needs more ratings again',
  // The click-jacking guard (visibility-guard.ts).
  failPanelHidden:
    'Nothing was sent: this page hides or covers the notes panel, and the browser did not let it ask you. Make sure all of the panel is visible, then try again.',
  confirmWrite:
    '“{action}”: send this as a member of the community? Nothing is sent unless you confirm.',
  failNotConfirmed:
    'Nothing was sent: it was not confirmed, or confirmed before the question could be read.',
} as const;

export type StringKey = keyof typeof EN;

/** Community Notes' classification, reason and tag names, as readers read them. */
export const EN_LABELS: Record<string, string> = {
  MISINFORMED_OR_POTENTIALLY_MISLEADING: 'Misleading or missing context',
  NOT_MISLEADING: 'Not misleading',
  FACTUAL_ERROR: 'Factual error',
  MANIPULATED_MEDIA: 'Manipulated media',
  OUTDATED_INFORMATION: 'Outdated information',
  MISSING_IMPORTANT_CONTEXT: 'Missing important context',
  UNVERIFIED_CLAIM_AS_FACT: 'Unverified claim as fact',
  SATIRE: 'Satire',
  OTHER: 'Other',
  PERSONAL_DATA: 'Personal data',
  ILLEGAL: 'Illegal content',
  SPAM: 'Spam',
  HARASSMENT: 'Harassment',
  FACTUALLY_CORRECT: 'Factually correct',
  OUTDATED_BUT_NOT_WHEN_WRITTEN: 'Outdated, but not when written',
  CLEARLY_SATIRE: 'Clearly satire',
  PERSONAL_OPINION: 'Personal opinion',
  CLEAR: 'Clear',
  GOOD_SOURCES: 'Good sources',
  ADDRESSES_CLAIM: 'Addresses the claim',
  IMPORTANT_CONTEXT: 'Important context',
  UNBIASED_LANGUAGE: 'Unbiased language',
  INFORMATIVE: 'Informative',
  EMPATHETIC: 'Empathetic',
  UNIQUE_CONTEXT: 'Unique context',
  INCORRECT: 'Incorrect',
  SOURCES_MISSING_OR_UNRELIABLE: 'Sources missing or unreliable',
  OPINION_SPECULATION: 'Opinion or speculation',
  MISSING_KEY_POINTS: 'Misses key points',
  OUTDATED: 'Outdated',
  HARD_TO_UNDERSTAND: 'Hard to understand',
  ARGUMENTATIVE_OR_BIASED: 'Argumentative or biased',
  OFF_TOPIC: 'Off topic',
  SPAM_HARASSMENT_OR_ABUSE: 'Spam, harassment or abuse',
  IRRELEVANT_SOURCES: 'Irrelevant sources',
  NOTE_NOT_NEEDED: 'Note not needed',
};
