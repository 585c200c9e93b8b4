import { createHash, type Hash } from 'node:crypto';

import { CLIENT_MINUTE_SLACK_MS } from '../lib/constants';
import { NoteStatus, publicStatus } from '../lib/note-status';
import { RatingTag } from '../lib/rating-tags';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { canonicalTopicSeeds, type TopicSeed } from '../lib/topics';
import {
  canonicalStatusHistory,
  emptyStatusHistory,
  statusHistoryFromJson,
  type NoteStatusHistory,
} from '../lib/status-history';

/**
 * Names the algorithm in every run record; bump it whenever statuses could change. A verifier
 * recomputes a run only with the version that made it. `core/1`: the Core model; `safeguards/1`:
 * with every safeguard, tags, post ids, the status history and the run time; `meta/1`: the
 * low-diligence model weighted as the reference weighs it, the Gaussian scorer and meta-scoring
 * (Core, then Gaussian), each note's deciding scorer in its explanation, and the small-community
 * regime, chosen from the input where the Core's filters leave too little (`chooseRegime`,
 * recorded in the run's `regime`; it then decides in place of the meta-scoring); `meta/2`: every
 * scorer of the reference that changes a status when all raters share one modeling group
 * (CoreWithTopics, Expansion, ExpansionPlus, GaussianCoreWithTopics beside Core and Gaussian),
 * meta-scoring in the reference's order with each note's deciding scorer (unrated notes are
 * now decided by ExpansionPlusModel). The run input carries no note text, so no note has a
 * topic and Core scores every note; `meta/3`: the Gaussian scorers' helpful pass counts the
 * note's author as one HELPFUL rating, as the reference does (§8.9); `meta/4`: final scoring fits
 * its own ratings, thinned again by post-selection similarity only where the rater is in both a
 * PSS clique and a quasi-clique (only those raters are "correlated" for rule 16), and the
 * pseudo-rater refits use the plain regulariser, as the reference's final scoring does; `meta/5`:
 * the reference's topic assignment and topic models (§8.6): seed terms anchored at word starts,
 * URLs reduced as its post text is, a TF-IDF logistic-regression classifier that extends the
 * seed labels, and each topic's own factorisation, which vetoes a helpful note of its topic it
 * is confident about and finds below 0.24 or beyond ±0.51, and keeps a new helpful note it is
 * not confident about held for the whole hour of stabilisation (only communities with topic
 * seeds, whose notes can have a topic, can see a change); `meta/6`: a rating's time, its
 * member's own minute, counts as before a decision only when it is CLIENT_MINUTE_SLACK_MS (the
 * 10 minutes the API lets a minute be off, plus the minute itself) before the run that made it,
 * for rater helpfulness' valid ratings as for earned standing, and a rating that says it came
 * before its note counts as the fastest for post-selection similarity, so that a member cannot
 * date a rating back to follow the crowd or out of the fast-rater windows; `meta/7`: a
 * rating is in a fast-rater window when its true delay could have been (its minute and its
 * note's both the members' word, 21 minutes between them at most), and where the
 * pre-stabilisation status is public a decision released from a hold dates from the hold's
 * start, so ratings made once a note was seen about to be helpful never count as before it. Status
 * histories are the same 24 fields in every version since `safeguards/1`, so a run carries on
 * from the histories an earlier version left.
 */
export const ALGORITHM_VERSION = 'meta/7';

/** The three statuses readers see; the finer core statuses stay in a note's explanation. */
export type ShownStatus =
  'NEEDS_MORE_RATINGS' | 'CURRENTLY_RATED_HELPFUL' | 'CURRENTLY_RATED_NOT_HELPFUL';

export const SHOWN_STATUSES: readonly ShownStatus[] = [
  'NEEDS_MORE_RATINGS',
  'CURRENTLY_RATED_HELPFUL',
  'CURRENTLY_RATED_NOT_HELPFUL',
];

export function shownStatus(status: NoteStatus): ShownStatus {
  switch (publicStatus(status)) {
    case NoteStatus.CurrentlyRatedHelpful:
      return 'CURRENTLY_RATED_HELPFUL';
    case NoteStatus.CurrentlyRatedNotHelpful:
      return 'CURRENTLY_RATED_NOT_HELPFUL';
    default:
      return 'NEEDS_MORE_RATINGS';
  }
}

export type RatingHelpfulness = 'HELPFUL' | 'SOMEWHAT_HELPFUL' | 'NOT_HELPFUL';

const LEVELS: Record<RatingHelpfulness, HelpfulnessLevel> = {
  HELPFUL: HelpfulnessLevel.Helpful,
  SOMEWHAT_HELPFUL: HelpfulnessLevel.SomewhatHelpful,
  NOT_HELPFUL: HelpfulnessLevel.NotHelpful,
};

/**
 * A post as every instance keys it: its canonical URL, or a platform's own id (the API stores
 * exactly one of the two). Unlike the post's row id, it is the same on every instance holding
 * the note.
 */
export interface RunPost {
  canonicalUrl: string | null;
  platform: string | null;
  externalId: string | null;
}

/**
 * A post's key as the data hash has it: `["url",canonicalUrl]` or
 * `["platform",platform,externalId]` as JSON, so no URL, platform or id can pass for another's
 * and no character in them can end a line early.
 */
export function postKeyOf(post: RunPost): string {
  return JSON.stringify(
    post.canonicalUrl !== null
      ? ['url', post.canonicalUrl]
      : ['platform', post.platform, post.externalId],
  );
}

export interface RunNote {
  id: string;
  authorPseudonym: string;
  classification: string;
  createdAtMs: number;
  /**
   * The post the note is about (its id on the instance): notes on one post are what §7.7 (b)
   * co-rating groups. Co-rating depends only on which notes share a post, never on the id
   * itself, so instances whose ids differ group alike.
   */
  postId: string;
  /** The same post by its key, for the data hash (ids are each instance's own). */
  post: RunPost;
  /**
   * The note's status history (§2.3) as the previous run left it; null for a note never scored.
   * It decides CRH inertia, the valid-rating window, stabilisation and locking.
   */
  history: NoteStatusHistory | null;
  /** The note's text; with the community's topic seeds it decides the note's topic (§8.6). */
  text?: string;
}

export interface RunRating {
  noteId: string;
  raterPseudonym: string;
  helpfulness: RatingHelpfulness;
  /** Tag names as members submit them (`CLEAR`, `INCORRECT`, …); unknown names are ignored. */
  tags: readonly string[];
  clientMinute: number;
}

export interface RunInput {
  input: ScoringInput;
  noteCount: number;
  ratingCount: number;
  /** The run's time, the scorer's `nowMs` (stabilisation, locking). */
  nowMs: number;
  /** The community's topics and seed terms, the scorer's `topicSeeds`. */
  topicSeeds: readonly TopicSeed[];
  /**
   * SHA-256 (hex) over everything the statuses depend on: the run time, then one canonical line
   * per note (with its status history) and per rating (with its tags), each in id order.
   */
  inputHash: string;
  /**
   * SHA-256 (hex) over what members submitted and nothing this instance or this moment adds:
   * one line per note (its post by key) and per rating (with its tags), each in id order; no
   * run time, no status history, no post id. Two instances holding the same notes and ratings
   * (an origin and its mirror) get the same data hash whenever they run.
   */
  dataHash: string;
}

const HELPFUL_TAGS = new Map<string, RatingTag>([
  ['OTHER', RatingTag.HelpfulOther],
  ['INFORMATIVE', RatingTag.HelpfulInformative],
  ['CLEAR', RatingTag.HelpfulClear],
  ['EMPATHETIC', RatingTag.HelpfulEmpathetic],
  ['GOOD_SOURCES', RatingTag.HelpfulGoodSources],
  ['UNIQUE_CONTEXT', RatingTag.HelpfulUniqueContext],
  ['ADDRESSES_CLAIM', RatingTag.HelpfulAddressesClaim],
  ['IMPORTANT_CONTEXT', RatingTag.HelpfulImportantContext],
  ['UNBIASED_LANGUAGE', RatingTag.HelpfulUnbiasedLanguage],
]);

const NOT_HELPFUL_TAGS = new Map<string, RatingTag>([
  ['OTHER', RatingTag.NotHelpfulOther],
  ['INCORRECT', RatingTag.NotHelpfulIncorrect],
  ['SOURCES_MISSING_OR_UNRELIABLE', RatingTag.NotHelpfulSourcesMissingOrUnreliable],
  ['OPINION_SPECULATION', RatingTag.NotHelpfulOpinionSpeculation],
  ['MISSING_KEY_POINTS', RatingTag.NotHelpfulMissingKeyPoints],
  ['OUTDATED', RatingTag.NotHelpfulOutdated],
  ['HARD_TO_UNDERSTAND', RatingTag.NotHelpfulHardToUnderstand],
  ['ARGUMENTATIVE_OR_BIASED', RatingTag.NotHelpfulArgumentativeOrBiased],
  ['OFF_TOPIC', RatingTag.NotHelpfulOffTopic],
  ['SPAM_HARASSMENT_OR_ABUSE', RatingTag.NotHelpfulSpamHarassmentOrAbuse],
  ['IRRELEVANT_SOURCES', RatingTag.NotHelpfulIrrelevantSources],
  ['NOTE_NOT_NEEDED', RatingTag.NotHelpfulNoteNotNeeded],
]);

/**
 * The scorer's tag for a Bridgenotes tag name. OTHER exists on both sides: a NOT_HELPFUL
 * rating's is `notHelpfulOther`, any other rating's `helpfulOther`.
 */
export function ratingTagOf(helpfulness: RatingHelpfulness, name: string): RatingTag | undefined {
  const [first, second] =
    helpfulness === 'NOT_HELPFUL'
      ? [NOT_HELPFUL_TAGS, HELPFUL_TAGS]
      : [HELPFUL_TAGS, NOT_HELPFUL_TAGS];
  return first.get(name) ?? second.get(name);
}

/** A rating's `RatingTag` bit mask, what the scorer sees of its tags. */
export function ratingTagMask(helpfulness: RatingHelpfulness, names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const tag = ratingTagOf(helpfulness, name);
    if (tag !== undefined) mask |= 1 << tag;
  }
  return mask;
}

/**
 * The history a note starts a run from: the row the previous run left (stored or exported JSON).
 * A note published before runs kept histories (algorithm `core/1`) gets a row holding just its
 * published status, so that a helpful note keeps its inertia instead of being held like a new
 * one; a note never published has none.
 */
export function startingStatusHistory(
  stored: unknown,
  note: { id: string; authorPseudonym: string; createdAtMs: number; publishedStatus: ShownStatus },
): NoteStatusHistory | null {
  const history = statusHistoryFromJson(stored);
  if (history) return history;
  if (note.publishedStatus === 'NEEDS_MORE_RATINGS') return null;
  return {
    ...emptyStatusHistory(note.id, note.authorPseudonym, note.createdAtMs),
    currentStatus: note.publishedStatus,
  };
}

/**
 * A Bridgenotes community's scoring input, built the one way both the worker and any verifier
 * build it: the run time, then notes, then ratings, each in id order, hashed line by line as
 * they come, so that a run's published hashes can be recomputed from the open data. The input
 * hash:
 *
 *   t⇥nowMs
 *   s⇥[topic seeds, JSON]                                   when the community names topics
 *   n⇥id⇥author⇥classification⇥createdAt (ISO)⇥postId      one per note
 *   x⇥"text" (JSON)                                         after its note, with topic seeds
 *   h⇥[24 history values in column order, JSON]             after its note, when it has one
 *   r⇥noteId⇥rater⇥helpfulness⇥clientMinute⇥tagMask        one per rating
 *
 * The data hash, the same lines without the time and the histories, each note's post by key:
 *
 *   n⇥id⇥author⇥classification⇥createdAt (ISO)⇥postKey     one per note (`postKeyOf`)
 *   r⇥noteId⇥rater⇥helpfulness⇥clientMinute⇥tagMask        one per rating
 */
export class RunInputBuilder {
  /**
   * Ratings are timed by their client minute, which a member may set CLOCK_SKEW_MINUTES off, and
   * every run publishes each note's pre-stabilisation status.
   */
  private readonly builder = new ScoringInputBuilder({
    ratingTimeSlackMs: CLIENT_MINUTE_SLACK_MS,
    preStabilizationPublic: true,
  });
  private readonly hash: Hash = createHash('sha256');
  private readonly dataHash: Hash = createHash('sha256');
  private noteCount = 0;
  private ratingCount = 0;

  /**
   * Without topic seeds (or with none) the hash lines are those of every version before
   * `meta/2`; the note texts only enter the input, and its hash, when they can decide a topic.
   */
  constructor(
    private readonly nowMs: number,
    private readonly topicSeeds: readonly TopicSeed[] = [],
  ) {
    if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new Error(`bad run time ${nowMs}`);
    this.hash.update(`t\t${nowMs}\n`);
    if (topicSeeds.length > 0) this.hash.update(`s\t${canonicalTopicSeeds(topicSeeds)}\n`);
  }

  addNote(note: RunNote): void {
    const history = note.history ?? undefined;
    this.builder.addNote(note.id, {
      authorId: note.authorPseudonym,
      createdAtMs: note.createdAtMs,
      misleading: note.classification === 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      postId: note.postId,
      history,
      text: this.topicSeeds.length > 0 ? (note.text ?? '') : undefined,
    });
    const fields = `n\t${note.id}\t${note.authorPseudonym}\t${note.classification}\t${new Date(note.createdAtMs).toISOString()}`;
    this.hash.update(`${fields}\t${note.postId}\n`);
    this.dataHash.update(`${fields}\t${postKeyOf(note.post)}\n`);
    if (this.topicSeeds.length > 0) this.hash.update(`x\t${JSON.stringify(note.text ?? '')}\n`);
    if (history) this.hash.update(`h\t${canonicalStatusHistory(history)}\n`);
    this.noteCount += 1;
  }

  /** Adds a rating of a note added before; a rating of any other note is skipped (false). */
  addRating(rating: RunRating): boolean {
    if (this.builder.noteIndexOf(rating.noteId) === undefined) return false;
    const tags = ratingTagMask(rating.helpfulness, rating.tags);
    this.builder.addRating(
      rating.noteId,
      rating.raterPseudonym,
      LEVELS[rating.helpfulness],
      rating.clientMinute * 60_000,
      tags,
    );
    const line = `r\t${rating.noteId}\t${rating.raterPseudonym}\t${rating.helpfulness}\t${rating.clientMinute}\t${tags}\n`;
    this.hash.update(line);
    this.dataHash.update(line);
    this.ratingCount += 1;
    return true;
  }

  build(): RunInput {
    return {
      input: this.builder.build(),
      noteCount: this.noteCount,
      ratingCount: this.ratingCount,
      nowMs: this.nowMs,
      topicSeeds: this.topicSeeds,
      inputHash: this.hash.digest('hex'),
      dataHash: this.dataHash.digest('hex'),
    };
  }
}
