import { NoteStatus } from '@bridgenotes/database';
import {
  explainNote,
  HelpfulnessLevel,
  indexOfId,
  ScoringInputBuilder,
  scoreNotes,
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

  it('is null before the first scoring', () => {
    expect(explanationOf(NoteStatus.NEEDS_MORE_RATINGS, null, true)).toBeNull();
  });
});
