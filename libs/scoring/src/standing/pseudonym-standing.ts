import type { NoteStatus } from '../lib/note-status';
import { HelpfulnessLevel, type ScoringInput } from '../lib/scoring-input';
import type { ScoringResult } from '../lib/scorer';
import type { NoteStatusHistory } from '../lib/status-history';
import { shownStatus, type ShownStatus } from '../run/run-input';

/**
 * Community Notes' earned standing, per pseudonym, from one run's statuses (docs/admission.md):
 *
 * - Rating impact: each rating of a note the run shows as decided (helpful or not helpful) and
 *   made no later than the note was first decided counts +1 when it agreed with the shown status
 *   (HELPFUL on a helpful note, NOT_HELPFUL on a not-helpful one), −1 when it said the opposite;
 *   SOMEWHAT_HELPFUL counts neither way. Ratings given after the decision only follow the crowd.
 *   A time a member may set (`ratingTimeSlackMs`, a client minute) must be before the decision
 *   by that slack, so that a rating made once the decision was published cannot be dated back.
 * - Writing impact: notes shown helpful minus notes shown not helpful.
 * - Writing lock: 3 or more of the pseudonym's last 5 decided notes (by creation time) not
 *   helpful. Since when: the latest time one of those became not helpful; the rating impact of
 *   ratings made after it (`impactSinceLock`) lifts the lock once it reaches the community's
 *   earn-in impact, as Community Notes lets an earned-out contributor rate its way back.
 *
 * Pure and deterministic: the same input and result give the same rows in the same order, so a
 * verifier recomputes them from the open data.
 */
export interface PseudonymStanding {
  pseudonym: string;
  ratingImpact: number;
  writingImpact: number;
  successfulRatings: number;
  unsuccessfulRatings: number;
  notesHelpful: number;
  notesNotHelpful: number;
  notesNeedingRatings: number;
  recentNotHelpful: number;
  impactSinceLock: number;
}

/** Community Notes' writing lock: 3 of the last 5 decided notes not helpful. */
export const WRITING_LOCK_RECENT_NOTES = 5;
export const WRITING_LOCK_NOT_HELPFUL = 3;

/**
 * Community Notes' earn-in: a rating impact of 5 before writing. The value recommended to
 * operators; a community's own `earnInImpact` defaults to 0 (no earn-in), since in a new
 * community nobody could earn an impact before the first note.
 */
export const COMMUNITY_NOTES_EARN_IN_IMPACT = 5;

const HELPFUL: ShownStatus = 'CURRENTLY_RATED_HELPFUL';
const NOT_HELPFUL: ShownStatus = 'CURRENTLY_RATED_NOT_HELPFUL';

/** +1 when the rating agreed with the decided status, −1 when it said the opposite, else 0. */
function ratingOutcome(level: number, status: ShownStatus): number {
  if (status === HELPFUL) {
    if (level === HelpfulnessLevel.Helpful) return 1;
    if (level === HelpfulnessLevel.NotHelpful) return -1;
  } else if (status === NOT_HELPFUL) {
    if (level === HelpfulnessLevel.NotHelpful) return 1;
    if (level === HelpfulnessLevel.Helpful) return -1;
  }
  return 0;
}

/** When the note was first decided; +Infinity (every rating counts) when the history lacks it. */
function firstDecidedMs(history: NoteStatusHistory | undefined): number {
  const at = history?.timestampMillisOfFirstNonNMRStatus;
  return at === undefined || Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/** When the note last became not helpful; its creation time when the history lacks it. */
function notHelpfulSinceMs(history: NoteStatusHistory | undefined, createdAtMs: number): number {
  const at = history?.timestampMillisOfLatestNonNMRStatus;
  return at === undefined || Number.isNaN(at) ? createdAtMs : at;
}

/** A pseudonym's standing before any of its ratings or notes counts. */
export function emptyStanding(pseudonym: string): PseudonymStanding {
  return {
    pseudonym,
    ratingImpact: 0,
    writingImpact: 0,
    successfulRatings: 0,
    unsuccessfulRatings: 0,
    notesHelpful: 0,
    notesNotHelpful: 0,
    notesNeedingRatings: 0,
    recentNotHelpful: 0,
    impactSinceLock: 0,
  };
}

export function computeStandings(
  input: ScoringInput,
  result: Pick<ScoringResult, 'finalStatus' | 'history'>,
): PseudonymStanding[] {
  const participants = input.participantIds.length;
  const rows = input.participantIds.map(emptyStanding);
  const statuses = input.noteIds.map((_, note) =>
    shownStatus(result.finalStatus[note] as NoteStatus),
  );
  const histories = result.history ?? input.noteHistory;

  // Each author's decided notes, oldest first (ties by note id: notes are sorted by id).
  const decided: number[][] = Array.from({ length: participants }, () => []);
  input.noteIds.forEach((_, note) => {
    const author = input.noteAuthor[note] as number;
    if (author < 0) return;
    const row = rows[author] as PseudonymStanding;
    const status = statuses[note];
    if (status === HELPFUL) row.notesHelpful += 1;
    else if (status === NOT_HELPFUL) row.notesNotHelpful += 1;
    else row.notesNeedingRatings += 1;
    if (status !== 'NEEDS_MORE_RATINGS') (decided[author] as number[]).push(note);
  });
  const lockedSince = new Float64Array(participants).fill(Number.NaN);
  decided.forEach((notes, author) => {
    const row = rows[author] as PseudonymStanding;
    row.writingImpact = row.notesHelpful - row.notesNotHelpful;
    notes.sort(
      (a, b) =>
        (input.noteCreatedAtMs[a] as number) - (input.noteCreatedAtMs[b] as number) || a - b,
    );
    const recent = notes
      .slice(-WRITING_LOCK_RECENT_NOTES)
      .filter((note) => statuses[note] === NOT_HELPFUL);
    row.recentNotHelpful = recent.length;
    if (recent.length >= WRITING_LOCK_NOT_HELPFUL) {
      lockedSince[author] = Math.max(
        ...recent.map((note) =>
          notHelpfulSinceMs(histories[note], input.noteCreatedAtMs[note] as number),
        ),
      );
    }
  });

  const firstDecided = input.noteIds.map((_, note) => firstDecidedMs(histories[note]));
  // A rating whose time may say up to `slack` earlier than it was made (a member's own minute)
  // counts as made before the decision only when it says so by that much: one made once the
  // decision was published could otherwise be dated back before it (and after a lock only when
  // it cannot have been made before it).
  const slack = input.ratingTimeSlackMs ?? 0;
  for (let rating = 0; rating < input.ratingNote.length; rating += 1) {
    const note = input.ratingNote[rating] as number;
    const rater = input.ratingRater[rating] as number;
    const status = statuses[note] as ShownStatus;
    const at = input.ratingCreatedAtMs[rating] as number;
    if (status === 'NEEDS_MORE_RATINGS' || at + slack > (firstDecided[note] as number)) continue;
    const outcome = ratingOutcome(input.ratingLevel[rating] as number, status);
    if (outcome === 0) continue;
    const row = rows[rater] as PseudonymStanding;
    row.ratingImpact += outcome;
    if (outcome > 0) row.successfulRatings += 1;
    else row.unsuccessfulRatings += 1;
    if (at - slack > (lockedSince[rater] as number)) row.impactSinceLock += outcome;
  }
  // Participant ids are sorted, so the rows are in pseudonym order already.
  return rows;
}

/** What stops a pseudonym from writing a note, if anything, given its community's earn-in impact. */
export type WritingRefusal =
  | { reason: 'EARN_IN'; ratingImpact: number; required: number }
  | { reason: 'LOCKED'; recentNotHelpful: number; impactSinceLock: number; required: number };

export function writingRefusal(
  standing: Pick<PseudonymStanding, 'ratingImpact' | 'recentNotHelpful' | 'impactSinceLock'> | null,
  earnInImpact: number,
): WritingRefusal | null {
  const ratingImpact = standing?.ratingImpact ?? 0;
  if (ratingImpact < earnInImpact) {
    return { reason: 'EARN_IN', ratingImpact, required: earnInImpact };
  }
  if (
    standing &&
    standing.recentNotHelpful >= WRITING_LOCK_NOT_HELPFUL &&
    standing.impactSinceLock < Math.max(earnInImpact, 1)
  ) {
    return {
      reason: 'LOCKED',
      recentNotHelpful: standing.recentNotHelpful,
      impactSinceLock: standing.impactSinceLock,
      required: Math.max(earnInImpact, 1),
    };
  }
  return null;
}
