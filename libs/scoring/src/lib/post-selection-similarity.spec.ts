import { CLIENT_MINUTE_SLACK_MS } from './constants';
import {
  coRatingPairs,
  finalScoringRatings,
  isCoRatingSuspicious,
  postSelectionSimilarity,
} from './post-selection-similarity';
import { scoreNotes } from './scorer';
import { HelpfulnessLevel, ScoringInputBuilder } from './scoring-input';

const MINUTE = 60_000;
const START = Date.UTC(2026, 2, 1);

/**
 * Raters x and y each rate one note on each of ten posts (post 9 has a second note they both
 * rate too); `gapOf(post)` is how long after x's rating y's comes, per post.
 */
function twoRaters(
  gapOf: (post: number) => number,
  postIdOf: (post: number) => string = (post) => `p${post}`,
) {
  const builder = new ScoringInputBuilder();
  for (let post = 0; post < 10; post++) {
    const notes = post === 9 ? [`n${post}`, `n${post}b`] : [`n${post}`];
    for (const id of notes) {
      const createdAtMs = START + post * 600 * MINUTE;
      builder.addNote(id, { createdAtMs, misleading: true, postId: postIdOf(post) });
      builder.addRating(id, 'x', HelpfulnessLevel.Helpful, createdAtMs + 60 * MINUTE);
      builder.addRating(
        id,
        'y',
        HelpfulnessLevel.NotHelpful,
        createdAtMs + 60 * MINUTE + gapOf(post),
      );
    }
  }
  return builder.build();
}

describe('co-rating within time windows (§7.7 b)', () => {
  it('counts ratings exactly 20 minutes apart as co-rating, and 1 ms more as not', () => {
    // Co-rated posts 0–7: 8 ÷ (10 posts + 10) = 0.4, the threshold.
    const eight = coRatingPairs(twoRaters((post) => (post < 8 ? 20 * MINUTE : 5 * 60 * MINUTE)));
    expect(Array.from(eight.coRatedPosts)).toEqual([8]);
    expect([eight.first[0], eight.second[0]]).toEqual([0, 1]);
    const seven = coRatingPairs(
      twoRaters((post) =>
        post < 7 ? 20 * MINUTE : post === 7 ? 20 * MINUTE + 1 : 5 * 60 * MINUTE,
      ),
    );
    expect(seven.first).toHaveLength(0);
  });

  it('counts a pair once per post however many of its notes they co-rate', () => {
    // Posts 3–9 co-rated, post 9 on both its notes: 7 posts (8 notes) is below the 0.4 ratio.
    const input = twoRaters((post) => (post >= 3 ? 10 * MINUTE : 5 * 60 * MINUTE));
    expect(coRatingPairs(input).first).toHaveLength(0);
    // One more co-rated post crosses it.
    expect(
      coRatingPairs(twoRaters((post) => (post >= 2 ? 10 * MINUTE : 5 * 60 * MINUTE))).coRatedPosts,
    ).toEqual(Int32Array.from([8]));
  });

  it('depends on which notes share a post, not on the ids posts have on an instance', () => {
    // An origin and its mirror store the same posts under ids of their own, sorting otherwise.
    const gap = (post: number) => (post >= 2 ? 10 * MINUTE : 5 * 60 * MINUTE);
    const origin = twoRaters(gap);
    const mirror = twoRaters(gap, (post) => `${(9 - post) * 7919}-mirror-row`);
    expect(mirror.postIds).not.toEqual(origin.postIds);
    const pairs = coRatingPairs(origin);
    expect(Array.from(pairs.coRatedPosts)).toEqual([8]);
    expect(coRatingPairs(mirror)).toEqual(pairs);
    const [here, there] = [origin, mirror].map((input) => scoreNotes(input, { seed: 3 }));
    expect(there.raters).toEqual(here.raters);
    expect(Array.from(there.status)).toEqual(Array.from(here.status));
    expect(Array.from(there.final.intercept)).toEqual(Array.from(here.final.intercept));
    // Grouping the notes otherwise does change it: posts 2 and 3 as one post co-rate once.
    const merged = twoRaters(gap, (post) => `p${post === 3 ? 2 : post}`);
    expect(coRatingPairs(merged).first).toHaveLength(0);
  });

  it('ignores notes without a post and raters with fewer than 10 rated posts', () => {
    const builder = new ScoringInputBuilder();
    for (let k = 0; k < 12; k++) {
      builder.addNote(`n${k}`, {
        createdAtMs: START,
        misleading: true,
        postId: k < 9 ? `p${k}` : undefined,
      });
      builder.addRating(`n${k}`, 'x', HelpfulnessLevel.Helpful, START + MINUTE);
      builder.addRating(`n${k}`, 'y', HelpfulnessLevel.Helpful, START + 2 * MINUTE);
    }
    // Every rating is co-rated, but only 9 of them are on posts.
    expect(coRatingPairs(builder.build()).first).toHaveLength(0);
  });

  it('applies the smoothed NPMI and the min-similarity ratio as the reference does', () => {
    // min-similarity 15 ÷ (20 + 10) = 0.5.
    expect(isCoRatingSuspicious(15, 20, 25, 2_000)).toBe(true);
    expect(isCoRatingSuspicious(5, 100, 100, 2_000)).toBe(false);
    // min-similarity 300 ÷ 1,010 < 0.4; NPMI ln(300·10⁷ / 1,500²) ÷ −ln(300 / 10⁷) = 0.69.
    expect(isCoRatingSuspicious(300, 1_000, 1_000, 10_000_000)).toBe(true);
    // The same pair among fewer posts is unremarkable: NPMI 0.45.
    expect(isCoRatingSuspicious(300, 1_000, 1_000, 100_000)).toBe(false);
  });
});

describe('final scoring thins ratings only for raters in a PSS clique and a quasi-clique', () => {
  /**
   * `notes` notes: n0 by w, n1 by a, n2 by c, the rest by w. a and b form PSS clique 0 and a
   * quasi-clique; c and d PSS clique 1 only; e is in a quasi-clique only. Everyone rates every
   * note, in the order a, b, c, d, e, one minute apart.
   */
  function scene(notes: number) {
    const builder = new ScoringInputBuilder();
    const authorOf = (n: number) => (n === 1 ? 'a' : n === 2 ? 'c' : 'w');
    for (let n = 0; n < notes; n++) {
      builder.addNote(`n${n}`, { createdAtMs: START, misleading: true, authorId: authorOf(n) });
      ['a', 'b', 'c', 'd', 'e'].forEach((rater, k) =>
        builder.addRating(`n${n}`, rater, HelpfulnessLevel.Helpful, START + (k + 1) * MINUTE),
      );
    }
    const input = builder.build();
    const index = (id: string) => input.participantIds.indexOf(id);
    const clique = new Int32Array(input.participantIds.length).fill(-1);
    clique[index('a')] = clique[index('b')] = 0;
    clique[index('c')] = clique[index('d')] = 1;
    const quasiClique = new Uint8Array(input.participantIds.length);
    quasiClique[index('a')] = quasiClique[index('b')] = quasiClique[index('e')] = 1;
    const kept = finalScoringRatings(input, clique, quasiClique);
    const ratersOn = (note: string) => {
      const n = input.noteIds.indexOf(note);
      return Array.from(kept.keptRatings)
        .filter((i) => input.ratingNote[i] === n)
        .map((i) => input.participantIds[input.ratingRater[i]]);
    };
    return { input, kept, index, ratersOn };
  }

  it("keeps a both-clique's earliest rating per note, drops it on its own notes, leaves PSS-only cliques alone", () => {
    const { input, kept, index, ratersOn } = scene(200);
    expect(ratersOn('n0')).toEqual(['a', 'c', 'd', 'e']);
    // a wrote n1: both a's and b's ratings go; c wrote n2 but c's clique is PSS-only.
    expect(ratersOn('n1')).toEqual(['c', 'd', 'e']);
    expect(ratersOn('n2')).toEqual(['a', 'c', 'd', 'e']);
    const correlated = input.participantIds.filter((_, u) => kept.correlated[u] === 1);
    expect(correlated).toEqual(['a', 'b']);
    expect(kept.correlated[index('e')]).toBe(0);
  });

  it('keeps every rating below 200 rated notes, as §3 step 6 does', () => {
    const { input, kept } = scene(199);
    expect(kept.keptRatings).toHaveLength(input.ratingNote.length);
  });
});

describe('writer–rater affinity (§7.7 a) with members’ own minutes', () => {
  /** w writes ten notes; f rates each HELPFUL `delay` after it (negative: dated before it). */
  function fastRater(delay: number, ratingTimeSlackMs?: number) {
    const builder = new ScoringInputBuilder({ ratingTimeSlackMs });
    for (let n = 0; n < 10; n++) {
      const createdAtMs = START + n * 600 * MINUTE;
      builder.addNote(`n${n}`, { createdAtMs, misleading: true, authorId: 'w' });
      builder.addRating(`n${n}`, 'f', HelpfulnessLevel.Helpful, createdAtMs + delay);
    }
    const input = builder.build();
    const { clique, affinityPairs } = postSelectionSimilarity(input);
    const index = (id: string) => input.participantIds.indexOf(id);
    return {
      affinityPairs,
      together: clique[index('w')] >= 0 && clique[index('w')] === clique[index('f')],
    };
  }

  it('counts a rating dated before its note as the fastest, where minutes may be set 10 off', () => {
    expect(fastRater(0, CLIENT_MINUTE_SLACK_MS)).toEqual({ affinityPairs: 1, together: true });
    // Dated 10 minutes before each note, as the clock window lets a member: still the fastest.
    expect(fastRater(-10 * MINUTE, CLIENT_MINUTE_SLACK_MS)).toEqual({
      affinityPairs: 1,
      together: true,
    });
  });

  it('leaves trusted times (Community Notes’ data) as the reference does', () => {
    expect(fastRater(-10 * MINUTE)).toEqual({ affinityPairs: 0, together: false });
  });

  /**
   * w writes ten notes; f rates two of them HELPFUL, each `delay` after the note's stated
   * minute: 2 of 10 is the 1-minute window's 20 % coverage, below the 5- and 20-minute
   * windows' 30 and 40 %, so only the 1-minute window can link them.
   */
  function twoFast(delay: number, ratingTimeSlackMs?: number) {
    const builder = new ScoringInputBuilder({ ratingTimeSlackMs });
    for (let n = 0; n < 10; n++) {
      const createdAtMs = START + n * 600 * MINUTE;
      builder.addNote(`n${n}`, { createdAtMs, misleading: true, authorId: 'w' });
      if (n < 2) builder.addRating(`n${n}`, 'f', HelpfulnessLevel.Helpful, createdAtMs + delay);
      // Others rate slowly, so every note has ratings and f is not w's only rater.
      builder.addRating(`n${n}`, 'o', HelpfulnessLevel.Helpful, createdAtMs + 300 * MINUTE);
    }
    return postSelectionSimilarity(builder.build()).affinityPairs;
  }

  it('flags a fast rater who dates ratings forward as it flags one who dates them honestly', () => {
    // Honest: rated in the note's own minute, inside the 1-minute window.
    expect(twoFast(0, CLIENT_MINUTE_SLACK_MS)).toBe(1);
    expect(twoFast(0)).toBe(1);
    // The same ratings dated 10 minutes forward (the API accepts it): still inside the window
    // they could have been in.
    expect(twoFast(10 * MINUTE, CLIENT_MINUTE_SLACK_MS)).toBe(1);
    // And with the writer's note dated 10 minutes back too (its minute is the author's word):
    // a rating in the note's server minute can say 21 minutes after the note's stated minute.
    expect(twoFast(21 * MINUTE, CLIENT_MINUTE_SLACK_MS)).toBe(1);
  });

  it('does not flag a rating that cannot have been made within the window, whoever set the minutes', () => {
    // Stated 22 minutes after the note: made at least 22 − 10 (rating dated forward) − 11 (note
    // dated back, its minute floored) = 1 minute after it, so over the 1-minute window.
    expect(twoFast(22 * MINUTE, CLIENT_MINUTE_SLACK_MS)).toBe(0);
    // Trusted times are compared as the reference compares them.
    expect(twoFast(10 * MINUTE)).toBe(0);
  });
});
