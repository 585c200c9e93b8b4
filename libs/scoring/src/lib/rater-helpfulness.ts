import {
  AUTHOR_CRNH_WEIGHT,
  LEGACY_NOTE_CUTOFF_MS,
  LEGACY_NOTE_MAX_VALID_RATINGS,
  MIN_AUTHOR_MEAN_NOTE_SCORE,
  MIN_RATER_AGREE_RATIO,
  VALID_RATING_WINDOW_MS,
} from './constants';
import { NoteStatus } from './note-status';
import { HelpfulnessLevel, type ScoringInput } from './scoring-input';

/** §5.1 step 5, per participant. Ratios are NaN where their denominator is zero. */
export interface RaterHelpfulness {
  readonly validRatings: Int32Array;
  readonly agreeingRatings: Int32Array;
  readonly agreeRatio: Float64Array;
  /** §5.1 step 6: agreeing ratings lost for rating harassing notes HELPFUL; 0 without it. */
  readonly harassmentPenalty: Float64Array;
  /** CRH/n − 5·CRNH/n over the participant's authored notes that got a first-round intercept. */
  readonly crhCrnhRatioDifference: Float64Array;
  /** Mean first-round intercept of those notes. */
  readonly meanNoteScore: Float64Array;
  readonly aboveHelpfulnessThreshold: Uint8Array;
}

/**
 * §5.1 step 4: whether each rating in `selection` is *valid* for rater helpfulness, i.e. made
 * within 48 h of the note's creation and before the note's latest non-NMR status (if any; by
 * `ratingTimeSlackMs` when the time is a member's own minute), and,
 * for notes created before 2022-05-19, among the note's first five such ratings.
 */
export function validRatingMask(input: ScoringInput, selection: Int32Array): Uint8Array {
  const valid = new Uint8Array(selection.length);
  const { ratingNote, ratingCreatedAtMs, noteCreatedAtMs, noteLatestNonNmrStatusMs } = input;
  // Imported constants read once: a module's imports are getter calls under tsx's CommonJS.
  const validWindow = VALID_RATING_WINDOW_MS;
  const legacyCutoff = LEGACY_NOTE_CUTOFF_MS;
  // A time that may say up to `slack` earlier than the rating was made (a member's own minute)
  // is before the latest non-NMR status only by that much: a rating made once that status was
  // published could otherwise be dated back to agree with it.
  const slack = input.ratingTimeSlackMs ?? 0;
  let groupStart = 0;
  for (let k = 0; k < selection.length; k++) {
    const i = selection[k];
    const n = ratingNote[i];
    const createdAt = ratingCreatedAtMs[i];
    const latest = noteLatestNonNmrStatusMs[n];
    valid[k] =
      createdAt - noteCreatedAtMs[n] < validWindow &&
      (Number.isNaN(latest) || createdAt + slack < latest)
        ? 1
        : 0;
    const groupEnds = k + 1 === selection.length || ratingNote[selection[k + 1]] !== n;
    if (groupEnds) {
      if (noteCreatedAtMs[n] < legacyCutoff) {
        keepEarliest(input, selection, valid, groupStart, k + 1);
      }
      groupStart = k + 1;
    }
  }
  return valid;
}

/** Keeps only the first five valid ratings of one note's range [start, end) by creation time. */
function keepEarliest(
  input: ScoringInput,
  selection: Int32Array,
  valid: Uint8Array,
  start: number,
  end: number,
): void {
  const positions: number[] = [];
  for (let k = start; k < end; k++) if (valid[k]) positions.push(k);
  if (positions.length <= LEGACY_NOTE_MAX_VALID_RATINGS) return;
  const time = (k: number): number => input.ratingCreatedAtMs[selection[k]];
  positions.sort((a, b) => time(a) - time(b) || a - b);
  for (let j = LEGACY_NOTE_MAX_VALID_RATINGS; j < positions.length; j++) valid[positions[j]] = 0;
}

/** The part of §5.1 step 5 the harassment penalty does not change, per participant. */
export type HelpfulnessCounts = Omit<
  RaterHelpfulness,
  'harassmentPenalty' | 'aboveHelpfulnessThreshold'
> & {
  /** 1 where the author clause holds (no scored authored note, or both author ratios pass). */
  readonly authorOk: Uint8Array;
};

/**
 * §5.1 step 5: rater agreement with the first round's confident outcomes and author
 * helpfulness. Only HELPFUL/NOT_HELPFUL ratings on provisionally CRH or CRNH notes count; a
 * rating agrees when it is HELPFUL on a CRH note or NOT_HELPFUL on a CRNH note. Prescoring reads
 * these twice, without and with the harassment penalty (`penalisedHelpfulness`): one count.
 */
export function helpfulnessCounts(
  input: ScoringInput,
  selection: Int32Array,
  provisional: Uint8Array,
  firstRoundIntercept: Float64Array,
): HelpfulnessCounts {
  const participants = input.participantIds.length;
  const validRatings = new Int32Array(participants);
  const agreeingRatings = new Int32Array(participants);
  const valid = validRatingMask(input, selection);
  for (let k = 0; k < selection.length; k++) {
    if (!valid[k]) continue;
    const i = selection[k];
    const status = provisional[input.ratingNote[i]];
    const level = input.ratingLevel[i];
    if (level === HelpfulnessLevel.SomewhatHelpful) continue;
    const crh = status === NoteStatus.CurrentlyRatedHelpful;
    if (!crh && status !== NoteStatus.CurrentlyRatedNotHelpful) continue;
    const rater = input.ratingRater[i];
    validRatings[rater]++;
    if (crh === (level === HelpfulnessLevel.Helpful)) agreeingRatings[rater]++;
  }

  const authoredNotes = new Int32Array(participants);
  const authoredCrh = new Int32Array(participants);
  const authoredCrnh = new Int32Array(participants);
  const interceptSum = new Float64Array(participants);
  for (let n = 0; n < input.noteIds.length; n++) {
    const author = input.noteAuthor[n];
    if (author < 0 || Number.isNaN(firstRoundIntercept[n])) continue;
    authoredNotes[author]++;
    interceptSum[author] += firstRoundIntercept[n];
    if (provisional[n] === NoteStatus.CurrentlyRatedHelpful) authoredCrh[author]++;
    if (provisional[n] === NoteStatus.CurrentlyRatedNotHelpful) authoredCrnh[author]++;
  }

  const agreeRatio = new Float64Array(participants);
  const crhCrnhRatioDifference = new Float64Array(participants);
  const meanNoteScore = new Float64Array(participants);
  const authorOk = new Uint8Array(participants);
  for (let u = 0; u < participants; u++) {
    const notes = authoredNotes[u];
    agreeRatio[u] = validRatings[u] > 0 ? agreeingRatings[u] / validRatings[u] : NaN;
    crhCrnhRatioDifference[u] =
      notes > 0 ? authoredCrh[u] / notes - (AUTHOR_CRNH_WEIGHT * authoredCrnh[u]) / notes : NaN;
    meanNoteScore[u] = notes > 0 ? interceptSum[u] / notes : NaN;
    authorOk[u] =
      notes === 0 ||
      (crhCrnhRatioDifference[u] >= 0 && meanNoteScore[u] >= MIN_AUTHOR_MEAN_NOTE_SCORE)
        ? 1
        : 0;
  }
  return {
    validRatings,
    agreeingRatings,
    agreeRatio,
    crhCrnhRatioDifference,
    meanNoteScore,
    authorOk,
  };
}

/**
 * §5.1 step 5's `aboveHelpfulnessThreshold` from the counts: author clause, agreement ≥ 0.66
 * and, with the harassment penalty of §5.1 step 6 (0 without it), (agree − penalty)/valid ≥ 0.66.
 */
export function penalisedHelpfulness(
  counts: HelpfulnessCounts,
  harassmentPenalty: Float64Array = new Float64Array(counts.validRatings.length),
): RaterHelpfulness {
  const { authorOk, ...figures } = counts;
  const { validRatings, agreeingRatings, agreeRatio } = figures;
  const aboveHelpfulnessThreshold = new Uint8Array(validRatings.length);
  for (let u = 0; u < validRatings.length; u++) {
    // Raters without a valid rating are excluded: NaN ≥ 0.66 is false.
    const penalised = (agreeingRatings[u] - harassmentPenalty[u]) / validRatings[u];
    aboveHelpfulnessThreshold[u] =
      authorOk[u] === 1 &&
      agreeRatio[u] >= MIN_RATER_AGREE_RATIO &&
      penalised >= MIN_RATER_AGREE_RATIO
        ? 1
        : 0;
  }
  return { ...figures, harassmentPenalty, aboveHelpfulnessThreshold };
}
