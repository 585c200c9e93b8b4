import {
  MAX_NYH_HOLD_MS,
  MIN_EXPLANATION_TAGS,
  MIN_RATINGS_PER_EXPLANATION_TAG,
  MIN_STABLE_CRH_MS,
  NOTE_LOCK_MS,
  STABLE_CRH_MS,
} from './constants';
import {
  META_RULE_NAMES,
  MetaRule,
  NOTE_STATUS_NAMES,
  NoteStatus,
  parseStatus,
  publicStatus,
} from './note-status';
import {
  HELPFUL_TAG_PRIORITY,
  NOT_HELPFUL_TAG_PRIORITY,
  TAG_COUNT,
  type RatingTag,
} from './rating-tags';
import type { ScoringInput } from './scoring-input';
import { emptyStatusHistory, type NoteStatusHistory } from './status-history';

/** The shown status after §9 rules 8–10 and §10, per note. */
export interface StableStatuses {
  /** The Core status as shown before stabilisation (FIRM_REJECT → NMR, NYH kept). */
  readonly preStabilizationStatus: Uint8Array;
  /** The status to show (`finalRatingStatus`). */
  readonly finalStatus: Uint8Array;
  /** The `MetaRule` that decided `finalStatus`. */
  readonly metaDecidedBy: Uint8Array;
  /** §9: the two most used qualifying explanation tags, −1 when none. */
  readonly firstTag: Int8Array;
  readonly secondTag: Int8Array;
  /** §10.4: the updated status history; only when the run time is known. */
  readonly history: NoteStatusHistory[] | undefined;
}

/** §9 rules 1–7: the status the models agree on (FIRM_REJECT shown as NMR) and who set it. */
export interface ModelDecision {
  readonly status: Uint8Array;
  /** The `MetaRule` of the scorer whose status stands (`SCORER_META_RULES`). */
  readonly decidedBy: Uint8Array;
  /**
   * §8.6: 1 for a topic note its topic model scored without confidence, which stabilisation
   * holds through its whole 30–60 minute window; absent when no note has a topic model.
   */
  readonly unconfidentTopic?: Uint8Array;
}

const CRH = NoteStatus.CurrentlyRatedHelpful;
const CRNH = NoteStatus.CurrentlyRatedNotHelpful;
const NYH = NoteStatus.NeedsYourHelp;
const NMR = NoteStatus.NeedsMoreRatings;

/**
 * §9 rules 8–10 and §10, in the reference's order, on top of the models' status (`models`, from
 * `metaScore`; the Core status alone when absent):
 * NmrDueToMinStableCrhTime holds a new CRH (or NYH) at NMR until it has been stable for 30–60
 * minutes (60 for a note that was CRH before or whose topic model is not confident in it; 360
 * for NYH); ScoringDriftGuard enforces a locked status; InsufficientExplanation
 * sends a CRH (CRNH) note without two helpful (not-helpful) tags each used twice back to NMR.
 * Then the history is updated and notes older than 14 days are locked (§10.3).
 *
 * Stabilisation and locking need the run time (`nowMs`); without it they are skipped, and the
 * explanation requirement is skipped when the input has no tags. The library never reads the
 * clock, so the same input, history and `nowMs` always give the same output.
 */
export function stabiliseStatuses(
  input: ScoringInput,
  coreStatus: Uint8Array,
  nowMs: number | undefined,
  models?: ModelDecision,
): StableStatuses {
  const noteCount = input.noteIds.length;
  const preStabilizationStatus = models
    ? models.status.slice()
    : Uint8Array.from(coreStatus, (s) => publicStatus(s));
  const finalStatus = preStabilizationStatus.slice();
  const metaDecidedBy = models ? models.decidedBy.slice() : new Uint8Array(noteCount);
  const { firstTag, secondTag } = explanationTags(input, preStabilizationStatus);
  const timed = nowMs !== undefined;
  const history: NoteStatusHistory[] | undefined = timed ? [] : undefined;
  const decide = (n: number, status: NoteStatus, rule: MetaRule): void => {
    finalStatus[n] = status;
    metaDecidedBy[n] = rule;
  };

  for (let n = 0; n < noteCount; n++) {
    const previous = input.noteHistory[n];
    let hold = timestampOrNaN(previous?.timestampMillisOfNmrDueToMinStableCrhTime);
    let firstHold = timestampOrNaN(previous?.timestampMillisOfFirstNmrDueToMinStableCrhTime);
    const status = finalStatus[n] as NoteStatus;
    // Where the pre-stabilisation status is public, a status released from a hold was seen from
    // the hold's start: the history records it as decided then (`preStabilizationPublic`).
    let seenSince = NaN;
    if (timed) {
      const wasCrh = previous?.currentStatus === NOTE_STATUS_NAMES[CRH];
      if ((status === CRH || status === NYH) && !wasCrh) {
        if (Number.isNaN(hold)) {
          hold = nowMs;
          if (Number.isNaN(firstHold)) firstHold = nowMs;
        }
        const age = nowMs - hold;
        const released =
          status === CRH
            ? age >= STABLE_CRH_MS ||
              (age >= MIN_STABLE_CRH_MS &&
                previous?.firstNonNMRStatus !== NOTE_STATUS_NAMES[CRH] &&
                models?.unconfidentTopic?.[n] !== 1)
            : age >= MAX_NYH_HOLD_MS;
        if (!released) decide(n, NMR, MetaRule.NmrDueToMinStableCrhTime);
        // A released CRH is CRH from now on; a released NYH keeps its clock so it is not re-held.
        else if (status === CRH) {
          if (input.preStabilizationPublic) seenSince = hold;
          hold = NaN;
        }
      } else {
        hold = NaN;
      }
      const locked = parseStatus(previous?.lockedStatus ?? '');
      if (locked !== undefined) decide(n, locked, MetaRule.ScoringDriftGuard);
    }
    const shown = finalStatus[n];
    if (input.tagsKnown && (shown === CRH || shown === CRNH) && secondTag[n] < 0) {
      decide(n, NMR, MetaRule.InsufficientExplanation);
    }
    if (history && nowMs !== undefined) {
      history.push(
        nextHistory(
          input,
          n,
          previous,
          finalStatus[n],
          coreStatus[n],
          metaDecidedBy[n],
          nowMs,
          hold,
          firstHold,
          finalStatus[n] === CRH && !Number.isNaN(seenSince) ? seenSince : nowMs,
        ),
      );
    }
  }
  return { preStabilizationStatus, finalStatus, metaDecidedBy, firstTag, secondTag, history };
}

function timestampOrNaN(value: number | undefined): number {
  return value !== undefined && value >= 0 ? value : NaN;
}

/** §10.3 and §10.4: the note's history row after this run. */
function nextHistory(
  input: ScoringInput,
  n: number,
  previous: NoteStatusHistory | undefined,
  status: NoteStatus,
  coreStatus: NoteStatus,
  decidedBy: MetaRule,
  nowMs: number,
  hold: number,
  firstHold: number,
  decidedMs: number,
): NoteStatusHistory {
  const author = input.noteAuthor[n] >= 0 ? input.participantIds[input.noteAuthor[n]] : '';
  const row: NoteStatusHistory = previous
    ? { ...previous }
    : emptyStatusHistory(input.noteIds[n], author, input.noteCreatedAtMs[n]);
  const name = NOTE_STATUS_NAMES[status];
  if (row.currentStatus !== name) row.timestampMillisOfMostRecentStatusChange = nowMs;
  row.currentStatus = name;
  row.timestampMillisOfCurrentStatus = nowMs;
  if (status === CRH || status === CRNH) {
    // `decidedMs` is the run's time, or the start of the hold the status was released from
    // where the pre-stabilisation status is public.
    if (row.firstNonNMRStatus === '') {
      row.firstNonNMRStatus = name;
      row.timestampMillisOfFirstNonNMRStatus = decidedMs;
    }
    // Flips between CRH and CRNH move the latest non-NMR time; a stay at NMR does not.
    if (row.mostRecentNonNMRStatus !== name) {
      row.mostRecentNonNMRStatus = name;
      row.timestampMillisOfLatestNonNMRStatus = decidedMs;
    }
  }
  row.currentCoreStatus = NOTE_STATUS_NAMES[coreStatus];
  row.currentDecidedBy = META_RULE_NAMES[decidedBy];
  row.timestampMillisOfNmrDueToMinStableCrhTime = hold;
  row.timestampMillisOfFirstNmrDueToMinStableCrhTime = firstHold;
  row.timestampMinuteOfFinalScoringOutput = Math.floor(nowMs / 60_000);
  // §8.4: ExpansionPlus's statuses are never locked.
  const lockable =
    decidedBy === MetaRule.CoreModel ||
    decidedBy === MetaRule.CoreWithTopicsModel ||
    decidedBy === MetaRule.ExpansionModel ||
    decidedBy === MetaRule.GaussianModel ||
    decidedBy === MetaRule.GaussianCoreWithTopicsModel ||
    decidedBy === MetaRule.InsufficientExplanation;
  if (row.lockedStatus === '' && lockable && nowMs - input.noteCreatedAtMs[n] > NOTE_LOCK_MS) {
    row.lockedStatus = name;
    row.timestampMillisOfStatusLock = nowMs;
  }
  return row;
}

/**
 * §9 InsufficientExplanation: per note, the two most used tags of the kind matching its status
 * (helpful tags for CRH, not-helpful tags for CRNH) among tags used by ≥ 2 of its ratings, ties
 * broken by the reference's tag order.
 */
function explanationTags(
  input: ScoringInput,
  status: Uint8Array,
): { firstTag: Int8Array; secondTag: Int8Array } {
  const noteCount = input.noteIds.length;
  const firstTag = new Int8Array(noteCount).fill(-1);
  const secondTag = new Int8Array(noteCount).fill(-1);
  const counts = new Int32Array(TAG_COUNT);
  const { ratingNote, ratingTags } = input;
  for (let start = 0; start < ratingNote.length;) {
    const n = ratingNote[start];
    let end = start;
    while (end < ratingNote.length && ratingNote[end] === n) end++;
    const order =
      status[n] === CRH
        ? HELPFUL_TAG_PRIORITY
        : status[n] === CRNH
          ? NOT_HELPFUL_TAG_PRIORITY
          : null;
    if (order) {
      counts.fill(0);
      // Each set bit once (lowest first), rather than every tag of every rating.
      for (let i = start; i < end; i++) {
        for (let tags = ratingTags[i]; tags !== 0; tags &= tags - 1) {
          counts[31 - Math.clz32(tags & -tags)]++;
        }
      }
      const chosen = topTags(order, counts);
      if (chosen.length >= 1) firstTag[n] = chosen[0];
      if (chosen.length >= MIN_EXPLANATION_TAGS) secondTag[n] = chosen[1];
    }
    start = end;
  }
  return { firstTag, secondTag };
}

function topTags(order: readonly RatingTag[], counts: Int32Array): RatingTag[] {
  return order
    .filter((tag) => counts[tag] >= MIN_RATINGS_PER_EXPLANATION_TAG)
    .map((tag, rank) => ({ tag, rank }))
    .sort((a, b) => counts[b.tag] - counts[a.tag] || a.rank - b.rank)
    .slice(0, MIN_EXPLANATION_TAGS)
    .map((entry) => entry.tag);
}
