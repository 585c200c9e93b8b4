import { Random } from '../lib/random';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import {
  SYNTHETIC_EPOCH_MS,
  syntheticNoteId,
  syntheticPostId,
  syntheticRaterId,
} from './synthetic-data';

/**
 * A small community with a known truth, for the small-community study and its tests: members in
 * two camps (and a few neutrals) with a heavy-tailed activity, notes of three kinds — written for
 * everyone (bridging), written for one camp (one-sided) and poor ones — and a coordinated
 * minority (10 % of members by default, all from camp B) that rates a set of target notes HELPFUL
 * together, within minutes of one another. The latent rating model is the large generator's
 * (`synthetic-data.ts`): `z = quality + slant·viewpoint + leniency + noise`, cut at ±0.2.
 */
export interface SmallCommunityOptions {
  readonly seed: number;
  readonly members: number;
  /** Notes per member; default 0.5 (a newsroom's readers write a note per two members). */
  readonly notesPerMember?: number;
  /** Mean ratings per member; default 8, lognormal (median about 5). */
  readonly meanRatingsPerMember?: number;
  /** Share of members in the coordinated group; default 0.1. */
  readonly brigadeShare?: number;
}

export enum NoteKind {
  Bridging = 0,
  OneSided = 1,
  Poor = 2,
}

/** A member's rating, in time order across the community. */
export interface SmallCommunityRating {
  readonly note: number;
  readonly member: number;
  readonly level: HelpfulnessLevel;
  readonly createdAtMs: number;
}

export interface SmallCommunity {
  readonly memberIds: readonly string[];
  /** −1 camp A, +1 camp B, 0 neutral: the centre of each member's viewpoint. */
  readonly memberCamp: Int8Array;
  readonly brigade: Uint8Array;
  readonly noteIds: readonly string[];
  readonly noteAuthor: Int32Array;
  readonly noteCreatedAtMs: Float64Array;
  readonly noteKind: Uint8Array;
  /**
   * The truth the study scores against: a note is truly bridging when the typical member of
   * each camp would rate it helpful (`quality ± slant > 0.2` for both camp centres), one-sided
   * when one camp's typical member would and the other's would rate it not helpful.
   */
  readonly trulyBridging: Uint8Array;
  readonly oneSided: Uint8Array;
  /** Notes the coordinated group rated together. */
  readonly brigadeTarget: Uint8Array;
  /** Every rating, sorted by time (ties by note, then member). */
  readonly ratings: readonly SmallCommunityRating[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CUT = 0.2;

export function generateSmallCommunity(options: SmallCommunityOptions): SmallCommunity {
  const random = new Random(options.seed);
  const members = options.members;
  const brigadeShare = options.brigadeShare ?? 0.1;
  const brigadeSize = Math.round(members * brigadeShare);
  const memberCamp = new Int8Array(members);
  const brigade = new Uint8Array(members);
  const viewpoint = new Float64Array(members);
  const leniency = new Float64Array(members);
  const activity = new Float64Array(members);
  for (let u = 0; u < members; u++) {
    // The first `brigadeSize` members form the coordinated group, all in camp B.
    if (u < brigadeSize) {
      brigade[u] = 1;
      memberCamp[u] = 1;
    } else {
      const draw = random.next();
      memberCamp[u] = draw < 0.5 ? -1 : draw < 0.9 ? 1 : 0;
    }
    viewpoint[u] = memberCamp[u] + 0.25 * random.normal();
    leniency[u] = 0.12 * random.normal();
    activity[u] = Math.exp(0.8 * random.normal());
  }

  const noteCount = Math.max(6, Math.round(members * (options.notesPerMember ?? 0.5)));
  const quality = new Float64Array(noteCount);
  const slant = new Float64Array(noteCount);
  const noteKind = new Uint8Array(noteCount);
  const noteAuthor = new Int32Array(noteCount);
  const noteCreatedAtMs = new Float64Array(noteCount);
  const trulyBridging = new Uint8Array(noteCount);
  const oneSided = new Uint8Array(noteCount);
  const brigadeTarget = new Uint8Array(noteCount);
  const popularity = new Float64Array(noteCount);
  for (let n = 0; n < noteCount; n++) {
    const draw = random.next();
    noteKind[n] = draw < 0.3 ? NoteKind.Bridging : draw < 0.7 ? NoteKind.OneSided : NoteKind.Poor;
    if (noteKind[n] === NoteKind.Bridging) {
      quality[n] = 0.5 + 0.2 * random.normal();
      slant[n] = 0.15 * random.normal();
    } else if (noteKind[n] === NoteKind.OneSided) {
      quality[n] = 0.1 + 0.15 * random.normal();
      slant[n] = (random.next() < 0.5 ? -1 : 1) * (0.75 + 0.15 * random.normal());
    } else {
      quality[n] = -0.6 + 0.2 * random.normal();
      slant[n] = 0.2 * random.normal();
    }
    const forA = quality[n] - slant[n];
    const forB = quality[n] + slant[n];
    trulyBridging[n] = Math.min(forA, forB) > CUT ? 1 : 0;
    oneSided[n] = Math.max(forA, forB) > CUT && Math.min(forA, forB) < -CUT ? 1 : 0;
    // The group pushes notes that suit camp B but that camp A would not endorse.
    brigadeTarget[n] = brigadeSize > 0 && forB > CUT && forA < 0 && random.next() < 0.6 ? 1 : 0;
    noteAuthor[n] = random.int(members);
    noteCreatedAtMs[n] = SYNTHETIC_EPOCH_MS + Math.floor(random.uniform(0, 30 * DAY_MS));
    popularity[n] = Math.exp(0.7 * random.normal());
  }

  const ratings: SmallCommunityRating[] = [];
  const rate = (n: number, u: number, createdAtMs: number, level?: HelpfulnessLevel): void => {
    const z = quality[n] + slant[n] * viewpoint[u] + leniency[u] + 0.35 * random.normal();
    ratings.push({
      note: n,
      member: u,
      level:
        level ??
        (z > CUT
          ? HelpfulnessLevel.Helpful
          : z < -CUT
            ? HelpfulnessLevel.NotHelpful
            : HelpfulnessLevel.SomewhatHelpful),
      createdAtMs,
    });
  };
  const meanRatings = options.meanRatingsPerMember ?? 8;
  const rated = new Uint8Array(noteCount);
  let popularityTotal = 0;
  for (const p of popularity) popularityTotal += p;
  for (let u = 0; u < members; u++) {
    rated.fill(0);
    // Lognormal with σ = 0.8 has mean e^{0.32}: scale so the community mean is `meanRatings`.
    const wanted = Math.min(
      noteCount - 1,
      Math.max(1, Math.round((meanRatings / Math.exp(0.32)) * activity[u] * 0.9)),
    );
    if (brigade[u] === 1) {
      // Coordinated: every target, HELPFUL, within ten minutes of the group's first rating.
      for (let n = 0; n < noteCount; n++) {
        if (brigadeTarget[n] === 0 || noteAuthor[n] === u) continue;
        rated[n] = 1;
        const at = noteCreatedAtMs[n] + HOUR_MS + Math.floor(random.uniform(0, 10 * 60_000));
        rate(n, u, at, HelpfulnessLevel.Helpful);
      }
    }
    for (let attempt = 0, got = 0; got < wanted && attempt < 20 * wanted; attempt++) {
      let target = random.next() * popularityTotal;
      let n = 0;
      while (n < noteCount - 1 && target >= popularity[n]) target -= popularity[n++];
      if (rated[n] === 1 || noteAuthor[n] === u) continue;
      rated[n] = 1;
      got++;
      const delayMs = Math.floor(-Math.log(1 - random.next()) * 20 * HOUR_MS);
      rate(n, u, noteCreatedAtMs[n] + delayMs);
    }
  }
  ratings.sort((a, b) => a.createdAtMs - b.createdAtMs || a.note - b.note || a.member - b.member);
  return {
    memberIds: Array.from({ length: members }, (_, u) => syntheticRaterId(u)),
    memberCamp,
    brigade,
    noteIds: Array.from({ length: noteCount }, (_, n) => syntheticNoteId(n)),
    noteAuthor,
    noteCreatedAtMs,
    noteKind,
    trulyBridging,
    oneSided,
    brigadeTarget,
    ratings,
  };
}

/**
 * The scorer's input holding the community's first `ratingCount` ratings (all by default) and
 * the notes created by the last of them: the community as it stood at that moment.
 */
export function smallCommunityInput(
  community: SmallCommunity,
  ratingCount = community.ratings.length,
): ScoringInput {
  const builder = new ScoringInputBuilder();
  const until =
    ratingCount > 0 ? community.ratings[ratingCount - 1].createdAtMs : Number.NEGATIVE_INFINITY;
  for (let n = 0; n < community.noteIds.length; n++) {
    if (community.noteCreatedAtMs[n] > until && ratingCount < community.ratings.length) continue;
    builder.addNote(community.noteIds[n], {
      authorId: community.memberIds[community.noteAuthor[n]],
      createdAtMs: community.noteCreatedAtMs[n],
      misleading: true,
      postId: syntheticPostId(n),
    });
  }
  for (let i = 0; i < ratingCount; i++) {
    const rating = community.ratings[i];
    builder.addRating(
      community.noteIds[rating.note],
      community.memberIds[rating.member],
      rating.level,
      rating.createdAtMs,
    );
  }
  return builder.build();
}
