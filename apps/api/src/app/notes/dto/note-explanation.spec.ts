import { NoteStatus } from '@bridgenotes/database';
import {
  explainNote,
  HelpfulnessLevel,
  indexOfId,
  RatingTag,
  ScoringInputBuilder,
  scoreNotes,
  tagMask,
} from '@bridgenotes/scoring';

import { explanationOf } from './note-explanation.dto';

const T0 = Date.UTC(2026, 10, 1);

/** Twelve members in two camps, two partisan notes, and a note only camp A has rated. */
function scoredCommunity() {
  const builder = new ScoringInputBuilder();
  const camp = (u: number) => (u < 6 ? 'a' : 'b');
  for (const id of ['for-a', 'for-b', 'for-a-2', 'for-b-2', 'waiting']) {
    builder.addNote(id, { createdAtMs: T0, misleading: true, authorId: 'writer' });
  }
  for (let u = 0; u < 12; u++) {
    const member = `m${u}`;
    for (const id of ['for-a', 'for-b', 'for-a-2', 'for-b-2']) {
      const liked = id.startsWith(`for-${camp(u)}`);
      builder.addRating(
        id,
        member,
        liked ? HelpfulnessLevel.Helpful : HelpfulnessLevel.NotHelpful,
        T0 + 60_000,
      );
    }
    if (camp(u) === 'a' && u < 4) {
      builder.addRating('waiting', member, HelpfulnessLevel.Helpful, T0 + 120_000);
    }
  }
  const input = builder.build();
  const result = scoreNotes(input, { seed: 3 });
  return (id: string) => explainNote(result, indexOfId(input.noteIds, id));
}

/**
 * The same two camps, rating through a form that offers tags: the partisan notes tagged, one note
 * both camps rated helpful without a tag (the tag rule sends it back), one both camps rated
 * helpful with two tags each, and one a camp-A member and two newcomers (too few ratings for a
 * viewpoint) rated.
 */
function taggedCommunity() {
  const builder = new ScoringInputBuilder();
  const camp = (u: number) => (u < 6 ? 'a' : 'b');
  const notes = ['for-a', 'for-b', 'for-a-2', 'for-b-2', 'untagged', 'tagged', 'newcomers'];
  for (const id of notes) {
    builder.addNote(id, { createdAtMs: T0, misleading: true, authorId: 'writer' });
  }
  const why = tagMask(RatingTag.HelpfulClear, RatingTag.HelpfulGoodSources);
  const against = tagMask(RatingTag.NotHelpfulIncorrect);
  for (let u = 0; u < 12; u++) {
    const member = `m${u}`;
    for (const id of ['for-a', 'for-b', 'for-a-2', 'for-b-2']) {
      const liked = id.startsWith(`for-${camp(u)}`);
      const level = liked ? HelpfulnessLevel.Helpful : HelpfulnessLevel.NotHelpful;
      builder.addRating(id, member, level, T0 + 60_000, liked ? why : against);
    }
    if (u % 6 < 3) {
      builder.addRating('untagged', member, HelpfulnessLevel.Helpful, T0 + 120_000, 0);
      builder.addRating('tagged', member, HelpfulnessLevel.Helpful, T0 + 120_000, why);
    }
  }
  builder.addRating('newcomers', 'm0', HelpfulnessLevel.Helpful, T0 + 180_000, why);
  for (const newcomer of ['n1', 'n2']) {
    builder.addRating('newcomers', newcomer, HelpfulnessLevel.Helpful, T0 + 180_000, why);
  }
  const input = builder.build();
  const result = scoreNotes(input, { seed: 3 });
  return (id: string) =>
    JSON.parse(JSON.stringify(explainNote(result, indexOfId(input.noteIds, id)))) as {
      status: string;
      decidedBy: string;
    };
}

describe('explanationOf, where members tag their ratings', () => {
  const explain = taggedCommunity();

  it('says a note both sides rated helpful without tags needs the reasons, not more ratings', () => {
    const score = explain('untagged');
    expect([score.status, score.decidedBy]).toEqual([
      'NEEDS_MORE_RATINGS',
      'InsufficientExplanation',
    ]);
    const explanation = explanationOf(NoteStatus.NEEDS_MORE_RATINGS, score, true);
    expect(explanation?.detail).toMatch(
      /^Its ratings are enough to show it, but a note is shown only when its raters agree on why it helps: two of the tags raters choose .* must each be chosen by at least two raters\./,
    );
    expect(explanation?.detail).not.toMatch(/more helpful ratings/);
    // The same ratings with two tags each show the note.
    expect(explain('tagged').status).toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('says a locked status no longer changes', () => {
    const locked = { ...explain('untagged'), decidedBy: 'ScoringDriftGuard' };
    const explanation = explanationOf(NoteStatus.NEEDS_MORE_RATINGS, locked, true);
    // Locked, it never gets the ratings it would need: it is not shown, and says so.
    expect(explanation?.headline).toBe('Not shown');
    expect(explanation?.detail).toMatch(
      /^Its status is locked: a note keeps the status it had two weeks after it was written, and new ratings no longer change it\./,
    );
    const shown = { ...explain('tagged'), decidedBy: 'ScoringDriftGuard' };
    expect(explanationOf(NoteStatus.CURRENTLY_RATED_HELPFUL, shown, true)?.detail).toMatch(
      /Its status is locked/,
    );
  });

  it('counts the ratings of members whose viewpoint is not known yet, and words an empty side', () => {
    const explanation = explanationOf(NoteStatus.NEEDS_MORE_RATINGS, explain('newcomers'), true);
    expect(explanation?.viewpoints.map((side) => side.ratings).sort()).toEqual([0, 1]);
    expect(explanation?.ratingsWithoutViewpoint).toBe(2);
    expect(explanation?.detail).toMatch(/no rating from (one|the other) viewpoint yet/);
    expect(explanation?.detail).toMatch(
      /2 ratings from members whose viewpoint isn't known yet \(known after 3 ratings\)\.$/,
    );
    expect(explanation?.detail).not.toMatch(/nobody/);
  });
});

describe('explanationOf', () => {
  const explain = scoredCommunity();

  it('names what a note that needs ratings is missing, in words', () => {
    const explanation = explanationOf(
      NoteStatus.NEEDS_MORE_RATINGS,
      JSON.parse(JSON.stringify(explain('waiting'))),
      true,
    );
    expect(explanation?.headline).toBe('Needs more ratings');
    expect(explanation?.detail).toMatch(
      /^It needs 3 more helpful ratings from members who usually see things differently from those who rated it so far\./,
    );
    expect(explanation?.scoring).toBe('Small-community scoring');
    const needed = explanation?.viewpoints.map((side) => side.helpfulRatingsNeeded).sort();
    expect(needed).toEqual([0, 3]);
    // No internal field names in what a person reads.
    expect(explanation?.detail).not.toMatch(/factor|intercept|CRH|NMR|regime/i);
  });

  it("says when the topic's own model held back a note the community rates helpful", () => {
    const vetoed = { ...JSON.parse(JSON.stringify(explain('waiting'))), decidedBy: 'TopicModel' };
    const explanation = explanationOf(NoteStatus.NEEDS_MORE_RATINGS, vetoed, true);
    expect(explanation?.detail).toMatch(
      /^The community's ratings lean helpful, but the members who follow its topic closely do not agree yet/,
    );
  });

  it('keeps the side-by-side shares for a note with a verdict', () => {
    const explanation = explanationOf(
      NoteStatus.CURRENTLY_RATED_NOT_HELPFUL,
      JSON.parse(JSON.stringify(explain('for-a'))),
      true,
    );
    expect(explanation?.headline).toBe('Rated not helpful');
    expect(explanation?.detail).toMatch(/100 % helpful on .* viewpoint \(6 ratings\)/);
    expect(explanation?.viewpoints.map((side) => side.helpfulShare).sort()).toEqual([0, 1]);
  });

  it("reads a score stored before the explanation: the Core's sides, older ones with fewer counts", () => {
    const explanation = explanationOf(
      NoteStatus.NEEDS_MORE_RATINGS,
      {
        negativeFactorRaters: { raters: 6, helpful: 5 },
        positiveFactorRaters: {
          raters: 5,
          helpful: 1,
          somewhatHelpful: 1,
          notHelpful: 2,
          helpfulnessSum: 1.5,
        },
      },
      true,
    );
    expect(explanation?.scoring).toBe('Bridging model');
    expect(
      explanation?.viewpoints.map((side) => [
        side.ratings,
        side.helpful,
        side.somewhatHelpful,
        side.notHelpful,
        side.helpfulRatingsNeeded,
      ]),
    ).toEqual([
      [6, 5, 0, 1, 0],
      // The Core's net-helpful minimum per side: 4 − (1 − 2).
      [5, 1, 1, 2, 5],
    ]);
  });

  it('is null before the first scoring', () => {
    expect(explanationOf(NoteStatus.NEEDS_MORE_RATINGS, null, true)).toBeNull();
  });
});
