import { NOTE_STATUS_NAMES, NoteStatus } from './note-status';
import type { NoteStatusHistory } from './status-history';

/** §2.2: the three helpfulness levels a rating can carry, as small integer codes. */
export enum HelpfulnessLevel {
  NotHelpful = 0,
  SomewhatHelpful = 1,
  Helpful = 2,
}

/** §2.2 `helpfulNum`: 0, 0.5 and 1 for the three levels. */
export function helpfulnessValue(level: HelpfulnessLevel): number {
  return level * 0.5;
}

/** Optional per-note facts beyond its id. */
export interface NoteAttributes {
  /** Participant id of the author; author helpfulness (§5.1 step 5) needs it. */
  authorId?: string;
  /** Creation time; the valid-rating window (§5.1 step 4) starts here. */
  createdAtMs: number;
  /**
   * §2.1 `tweetId`: what the note is about. Notes on the same post are grouped by post-selection
   * similarity's co-rating count (§7.7 b); notes without one take no part in it (the reference's
   * `tweetId` −1).
   */
  postId?: string;
  /**
   * §2.1: `MISINFORMED_OR_POTENTIALLY_MISLEADING` (or a deleted note) is true, `NOT_MISLEADING`
   * false. Only misleading notes can become helpful.
   */
  misleading: boolean;
  /** §2.3 `timestampMillisOfLatestNonNMRStatus` from the previous run; ratings after it are not valid. */
  latestNonNmrStatusMs?: number;
  /** §5.3 rule 7: the note was CURRENTLY_RATED_HELPFUL in the previous run. */
  previouslyHelpful?: boolean;
  /**
   * §2.3: the note's row of the previous run's status history. When given, it decides
   * `previouslyHelpful` (`currentStatus`) and `latestNonNmrStatusMs`, and feeds stabilisation
   * and locking (§10).
   */
  history?: NoteStatusHistory;
  /** §2.1 `summary`: the note's text; topic assignment (§8.6) reads it. */
  text?: string;
}

/**
 * The scorer's input: ids mapped to dense indexes, one typed-array column per field, no object
 * per rating. Notes and participants are sorted by id and ratings by (note, rater) with at most
 * one rating per pair, so the output does not depend on the order the caller added things in.
 */
export interface ScoringInput {
  readonly noteIds: readonly string[];
  /** Participant index of each note's author, −1 when unknown. */
  readonly noteAuthor: Int32Array;
  readonly noteCreatedAtMs: Float64Array;
  /** 1 for misleading (or deleted) notes, 0 for NOT_MISLEADING. */
  readonly noteMisleading: Uint8Array;
  /** Index into `postIds` of each note's post, −1 when unknown. */
  readonly notePost: Int32Array;
  /** The distinct post ids, sorted (code-unit order). */
  readonly postIds: readonly string[];
  /**
   * When the note's latest non-NMR status was decided (with `preStabilizationPublic`, an active
   * stabilisation hold's start when later); NaN when the note never had one. Ratings after it
   * are not valid (§5.1 step 4).
   */
  readonly noteLatestNonNmrStatusMs: Float64Array;
  readonly notePreviouslyHelpful: Uint8Array;
  /** The previous run's status history row per note, undefined for notes never scored. */
  readonly noteHistory: readonly (NoteStatusHistory | undefined)[];
  /** Each note's text, '' when not given (its topic is then its post's other notes'). */
  readonly noteText: readonly string[];
  /** Raters and authors share one id space, as in the reference. */
  readonly participantIds: readonly string[];
  readonly ratingNote: Int32Array;
  readonly ratingRater: Int32Array;
  /** A `HelpfulnessLevel` per rating. */
  readonly ratingLevel: Uint8Array;
  readonly ratingCreatedAtMs: Float64Array;
  /** A `RatingTag` bit mask per rating (`1 << tag`). */
  readonly ratingTags: Uint32Array;
  /**
   * Whether the caller supplied tags at all. Without tags the tag-based safeguards (tag outlier
   * and "incorrect" filters, explanation-tag requirement) cannot judge a note and are skipped.
   */
  readonly tagsKnown: boolean;
  /**
   * How much earlier than it was made `ratingCreatedAtMs` may say (see `ScoringInputOptions`);
   * 0 when absent.
   */
  readonly ratingTimeSlackMs?: number;
  /**
   * The pre-stabilisation status is published with every run (see `ScoringInputOptions`);
   * absent for Community Notes' data.
   */
  readonly preStabilizationPublic?: boolean;
}

export interface ScoringInputOptions {
  /**
   * How much earlier than it was made a rating's time may say: 0 for times the scorer trusts
   * (Community Notes' data, so the reference's comparisons stay exact), CLIENT_MINUTE_SLACK_MS
   * for a member's own minute (`RunInputBuilder`). A rating then counts as made before a run's
   * decision only when its time is at least this much before it, and one that says it came
   * before its note counts as the fastest (post-selection similarity).
   */
  ratingTimeSlackMs?: number;
  /**
   * Every run publishes each note's pre-stabilisation status (Bridgenotes, `RunInputBuilder`),
   * so a note held at NMR by stabilisation (§10.2) is seen as about to be helpful (or needing
   * help) from the run that began the hold. A rating then counts as made before the decision
   * only when it is before that run: rater helpfulness' valid ratings end at an active hold's
   * start, and a status released from a hold is recorded in the history as first (and latest)
   * non-NMR at the hold's start rather than at its end. False for Community Notes' data, whose
   * pre-stabilisation status is not public as it is decided: the reference's times are kept.
   */
  preStabilizationPublic?: boolean;
}

const INITIAL_CAPACITY = 1024;

function grown<T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(
  array: T,
  capacity: number,
): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array);
  return next;
}

function compareStrings(a: string, b: string): number {
  // Code-unit order, not localeCompare: it must not depend on the machine's locale.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A permutation of 0…n−1 that sorts `ids`, and its inverse. */
function sortedOrder(ids: readonly string[]): { order: Int32Array; rank: Int32Array } {
  const order = Int32Array.from(ids.keys()).sort((x, y) => compareStrings(ids[x], ids[y]));
  const rank = new Int32Array(ids.length);
  for (let i = 0; i < order.length; i++) rank[order[i]] = i;
  return { order, rank };
}

/**
 * Fills a `ScoringInput` without materialising an object per rating: the worker can stream rows
 * from PostgreSQL into `addRating`, which appends to typed arrays that double when full.
 */
export class ScoringInputBuilder {
  private readonly noteIndex = new Map<string, number>();
  private readonly noteIds: string[] = [];
  private readonly noteAttributes: NoteAttributes[] = [];
  private readonly participantIndex = new Map<string, number>();
  private readonly participantIds: string[] = [];
  private ratingCount = 0;
  private ratingNote = new Int32Array(INITIAL_CAPACITY);
  private ratingRater = new Int32Array(INITIAL_CAPACITY);
  private ratingLevel = new Uint8Array(INITIAL_CAPACITY);
  private ratingCreatedAtMs = new Float64Array(INITIAL_CAPACITY);
  private ratingTags = new Uint32Array(INITIAL_CAPACITY);
  private tagsKnown = false;
  private readonly ratingTimeSlackMs: number;
  private readonly preStabilizationPublic: boolean;

  constructor({ ratingTimeSlackMs = 0, preStabilizationPublic = false }: ScoringInputOptions = {}) {
    if (!(ratingTimeSlackMs >= 0)) throw new Error(`bad rating time slack ${ratingTimeSlackMs}`);
    this.ratingTimeSlackMs = ratingTimeSlackMs;
    this.preStabilizationPublic = preStabilizationPublic;
  }

  get noteCount(): number {
    return this.noteIds.length;
  }

  get size(): number {
    return this.ratingCount;
  }

  /** The index `addNote` returned for `id`, if it was added. */
  noteIndexOf(id: string): number | undefined {
    return this.noteIndex.get(id);
  }

  /** Registers a note and returns its index for `addRating`. */
  addNote(id: string, attributes: NoteAttributes): number {
    if (this.noteIndex.has(id)) throw new Error(`note ${id} added twice`);
    const index = this.noteIds.length;
    this.noteIndex.set(id, index);
    this.noteIds.push(id);
    this.noteAttributes.push({ ...attributes });
    if (attributes.authorId !== undefined) this.participant(attributes.authorId);
    return index;
  }

  /**
   * Adds one rating on a note added before, given by the index `addNote` returned or its id.
   * `tags` is a `RatingTag` bit mask (`tagMask(...)`); passing it, even as 0, on any rating
   * tells the scorer that tags are known for the whole input.
   */
  addRating(
    note: number | string,
    raterId: string,
    level: HelpfulnessLevel,
    createdAtMs: number,
    tags?: number,
  ): void {
    const noteIndex = typeof note === 'number' ? note : this.noteIndex.get(note);
    if (noteIndex === undefined || noteIndex < 0 || noteIndex >= this.noteIds.length) {
      throw new Error(`rating on unknown note ${note}`);
    }
    if (level !== 0 && level !== 1 && level !== 2) throw new Error(`bad helpfulness ${level}`);
    if (this.ratingCount === this.ratingNote.length) this.grow();
    const i = this.ratingCount++;
    this.ratingNote[i] = noteIndex;
    this.ratingRater[i] = this.participant(raterId);
    this.ratingLevel[i] = level;
    this.ratingCreatedAtMs[i] = createdAtMs;
    this.ratingTags[i] = tags ?? 0;
    if (tags !== undefined) this.tagsKnown = true;
  }

  build(): ScoringInput {
    const notes = sortedOrder(this.noteIds);
    const participants = sortedOrder(this.participantIds);
    const noteCount = this.noteIds.length;
    const noteAuthor = new Int32Array(noteCount);
    const noteCreatedAtMs = new Float64Array(noteCount);
    const noteMisleading = new Uint8Array(noteCount);
    const noteLatestNonNmrStatusMs = new Float64Array(noteCount);
    const notePreviouslyHelpful = new Uint8Array(noteCount);
    const noteHistory: (NoteStatusHistory | undefined)[] = [];
    const postIds = [
      ...new Set(this.noteAttributes.flatMap((a) => (a.postId === undefined ? [] : [a.postId]))),
    ].sort(compareStrings);
    const postIndex = new Map(postIds.map((id, index) => [id, index]));
    const notePost = new Int32Array(noteCount);
    for (let n = 0; n < noteCount; n++) {
      const a = this.noteAttributes[notes.order[n]];
      notePost[n] = a.postId === undefined ? -1 : (postIndex.get(a.postId) as number);
      noteAuthor[n] =
        a.authorId === undefined ? -1 : participants.rank[this.participant(a.authorId)];
      noteCreatedAtMs[n] = a.createdAtMs;
      noteMisleading[n] = a.misleading ? 1 : 0;
      const history = a.history;
      noteHistory.push(history);
      noteLatestNonNmrStatusMs[n] = history
        ? history.timestampMillisOfLatestNonNMRStatus
        : (a.latestNonNmrStatusMs ?? NaN);
      if (!(noteLatestNonNmrStatusMs[n] >= 0)) noteLatestNonNmrStatusMs[n] = NaN;
      // A note held by stabilisation was published as about to change from the hold's start. A
      // released NEEDS_YOUR_HELP keeps its clock (not to be held again) and asks for ratings:
      // no decision to follow, so the ratings it asks for stay valid.
      const holdStart = history?.timestampMillisOfNmrDueToMinStableCrhTime ?? NaN;
      if (
        this.preStabilizationPublic &&
        holdStart >= 0 &&
        history?.currentStatus !== NOTE_STATUS_NAMES[NoteStatus.NeedsYourHelp]
      ) {
        const latest = noteLatestNonNmrStatusMs[n];
        noteLatestNonNmrStatusMs[n] = Number.isNaN(latest)
          ? holdStart
          : Math.max(holdStart, latest);
      }
      notePreviouslyHelpful[n] = (
        history ? history.currentStatus === 'CURRENTLY_RATED_HELPFUL' : a.previouslyHelpful
      )
        ? 1
        : 0;
    }
    const ratings = this.canonicalRatings(notes.rank, participants.rank);
    return {
      noteIds: Array.from(notes.order, (i) => this.noteIds[i]),
      noteAuthor,
      noteCreatedAtMs,
      noteMisleading,
      notePost,
      postIds,
      noteLatestNonNmrStatusMs,
      notePreviouslyHelpful,
      noteHistory,
      noteText: Array.from(notes.order, (i) => this.noteAttributes[i].text ?? ''),
      participantIds: Array.from(participants.order, (i) => this.participantIds[i]),
      ...ratings,
      tagsKnown: this.tagsKnown,
      ...(this.ratingTimeSlackMs > 0 ? { ratingTimeSlackMs: this.ratingTimeSlackMs } : {}),
      ...(this.preStabilizationPublic ? { preStabilizationPublic: true } : {}),
    };
  }

  /**
   * Ratings renumbered to the sorted ids and ordered by (note, rater) with two stable counting
   * sorts, O(ratings). §3 step 2 allows one rating per (rater, note); of duplicates we keep the
   * latest (then the highest level) so that the choice does not depend on insertion order.
   */
  private canonicalRatings(
    noteRank: Int32Array,
    raterRank: Int32Array,
  ): Pick<
    ScoringInput,
    'ratingNote' | 'ratingRater' | 'ratingLevel' | 'ratingCreatedAtMs' | 'ratingTags'
  > {
    const count = this.ratingCount;
    const note = new Int32Array(count);
    const rater = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      note[i] = noteRank[this.ratingNote[i]];
      rater[i] = raterRank[this.ratingRater[i]];
    }
    const byRater = countingSort(rater, this.participantIds.length, identity(count));
    const order = countingSort(note, this.noteIds.length, byRater);
    let kept = 0;
    const keep = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const i = order[k];
      const last = kept - 1;
      if (last >= 0 && note[keep[last]] === note[i] && rater[keep[last]] === rater[i]) {
        const j = keep[last];
        const later =
          this.ratingCreatedAtMs[i] > this.ratingCreatedAtMs[j] ||
          (this.ratingCreatedAtMs[i] === this.ratingCreatedAtMs[j] &&
            this.ratingLevel[i] > this.ratingLevel[j]);
        if (later) keep[last] = i;
      } else {
        keep[kept++] = i;
      }
    }
    const ratingNote = new Int32Array(kept);
    const ratingRater = new Int32Array(kept);
    const ratingLevel = new Uint8Array(kept);
    const ratingCreatedAtMs = new Float64Array(kept);
    const ratingTags = new Uint32Array(kept);
    for (let k = 0; k < kept; k++) {
      const i = keep[k];
      ratingNote[k] = note[i];
      ratingRater[k] = rater[i];
      ratingLevel[k] = this.ratingLevel[i];
      ratingCreatedAtMs[k] = this.ratingCreatedAtMs[i];
      ratingTags[k] = this.ratingTags[i];
    }
    return { ratingNote, ratingRater, ratingLevel, ratingCreatedAtMs, ratingTags };
  }

  private participant(id: string): number {
    let index = this.participantIndex.get(id);
    if (index === undefined) {
      index = this.participantIds.length;
      this.participantIndex.set(id, index);
      this.participantIds.push(id);
    }
    return index;
  }

  private grow(): void {
    const capacity = this.ratingNote.length * 2;
    this.ratingNote = grown(this.ratingNote, capacity);
    this.ratingRater = grown(this.ratingRater, capacity);
    this.ratingLevel = grown(this.ratingLevel, capacity);
    this.ratingCreatedAtMs = grown(this.ratingCreatedAtMs, capacity);
    this.ratingTags = grown(this.ratingTags, capacity);
  }
}

function identity(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

/** Stable counting sort of the positions in `order` by `key[position]` ∈ [0, keyCount). */
export function countingSort(key: Int32Array, keyCount: number, order: Int32Array): Int32Array {
  const start = new Int32Array(keyCount + 1);
  for (let k = 0; k < order.length; k++) start[key[order[k]] + 1]++;
  for (let v = 0; v < keyCount; v++) start[v + 1] += start[v];
  const sorted = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) sorted[start[key[order[k]]]++] = order[k];
  return sorted;
}

/**
 * The same input with only the ratings whose indexes are in `keep` (ascending), for the
 * preprocessing steps that remove ratings (§3 step 6). Notes and participants are unchanged.
 */
export function withRatings(input: ScoringInput, keep: Int32Array): ScoringInput {
  const pick = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(column: T): T => {
    const next = new (column.constructor as new (length: number) => T)(keep.length);
    for (let k = 0; k < keep.length; k++) next[k] = column[keep[k]];
    return next;
  };
  return {
    ...input,
    ratingNote: pick(input.ratingNote),
    ratingRater: pick(input.ratingRater),
    ratingLevel: pick(input.ratingLevel),
    ratingCreatedAtMs: pick(input.ratingCreatedAtMs),
    ratingTags: pick(input.ratingTags),
  };
}
