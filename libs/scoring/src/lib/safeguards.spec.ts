// One file for the safeguards: the cases share one synthetic community generated at the top,
// the costly part, and each safeguard is tested on it in turn.
import {
  RaterKind,
  SYNTHETIC_EPOCH_MS,
  builderSink,
  generateSyntheticCommunity,
} from '../synthetic/synthetic-data';
import { highVolumeRaters } from './high-volume-raters';
import { NOTE_STATUS_NAMES, NoteStatus } from './note-status';
import { RatingTag, tagMask } from './rating-tags';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from './scoring-input';
import { explainNote, explainRater } from './note-explanation';
import { indexOfId, scoreNotes, type ScoringResult } from './scorer';
import type { NoteStatusHistory } from './status-history';

const { Helpful, NotHelpful } = HelpfulnessLevel;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOTE_TIME = Date.UTC(2026, 0, 10);
const GOOD = tagMask(RatingTag.HelpfulInformative, RatingTag.HelpfulClear);
const BAD = tagMask(RatingTag.NotHelpfulOther, RatingTag.NotHelpfulMissingKeyPoints);

type Entry = [raters: string[], level: HelpfulnessLevel, tags?: number, delayMs?: number];

interface Community {
  builder: ScoringInputBuilder;
  campA: string[];
  campB: string[];
  neutral: string[];
  /** Background notes, for raters who need many ratings. */
  noteIds: readonly string[];
  add(
    id: string,
    entries: Entry[],
    options?: {
      author?: string;
      history?: NoteStatusHistory;
      createdAtMs?: number;
      postId?: string;
    },
  ): void;
}

function community(seed = 7): Community {
  const builder = new ScoringInputBuilder();
  const truth = generateSyntheticCommunity(
    { seed, raters: 600, notes: 450, ratings: 18_000 },
    builderSink(builder),
  );
  const ofKind = (kind: RaterKind): string[] =>
    truth.raterIds.filter((_, u) => truth.raterKind[u] === kind);
  return {
    builder,
    campA: ofKind(RaterKind.CampA),
    campB: ofKind(RaterKind.CampB),
    neutral: ofKind(RaterKind.Neutral),
    noteIds: truth.noteIds,
    add(id, entries, options = {}) {
      const createdAtMs = options.createdAtMs ?? NOTE_TIME;
      const note = builder.addNote(id, {
        createdAtMs,
        misleading: true,
        authorId: options.author,
        history: options.history,
        postId: options.postId,
      });
      for (const [raters, level, tags, delayMs] of entries) {
        const defaultTags = level === Helpful ? GOOD : BAD;
        for (const rater of raters) {
          builder.addRating(
            note,
            rater,
            level,
            createdAtMs + (delayMs ?? HOUR),
            tags ?? defaultTags,
          );
        }
      }
    },
  };
}

function bridging(c: Community, tags = GOOD): Entry[] {
  return [
    [c.campA.slice(0, 14), Helpful, tags],
    [c.campB.slice(0, 14), Helpful, tags],
  ];
}

/** `make`'s value, made on the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function explain(result: ScoringResult, id: string): ReturnType<typeof explainNote> {
  return explainNote(result, indexOfId(result.input.noteIds, id));
}

function historyOf(result: ScoringResult, id: string): NoteStatusHistory {
  const row = result.history?.[indexOfId(result.input.noteIds, id)];
  if (!row) throw new Error(`no history for ${id}`);
  return row;
}

/** The same community scored again later with the previous run's history fed back. */
function rerun(
  make: (history: (id: string) => NoteStatusHistory | undefined) => ScoringInput,
  previous: ScoringResult,
  nowMs: number,
): ScoringResult {
  return scoreNotes(
    make((id) => historyOf(previous, id)),
    { seed: 3, nowMs },
  );
}

describe('status stability (§9 rules 8–10, §10)', () => {
  const build = (
    history: (id: string) => NoteStatusHistory | undefined = () => undefined,
  ): ScoringInput => {
    const c = community();
    c.add('bridging', bridging(c), { history: history('bridging') });
    c.add('old-bridging', bridging(c), {
      createdAtMs: NOTE_TIME - 20 * DAY,
      history: history('old-bridging'),
    });
    c.add('untagged', bridging(c, 0), { history: history('untagged') });
    return c.builder.build();
  };
  const now = NOTE_TIME + 2 * DAY;
  let first: ScoringResult;
  // Each scoring of this community takes seconds: the runs several tests read are made once.
  const stableHour = once(() => rerun(build, first, now + 61 * 60_000));
  const untimed = once(() => scoreNotes(build(), { seed: 3 }));

  beforeAll(() => {
    first = scoreNotes(build(), { seed: 3, nowMs: now });
  });

  it('holds a new CRH at NMR on its first run and records when the hold began', () => {
    const note = explain(first, 'bridging');
    expect(note.preStabilizationStatus).toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.status).toBe('NEEDS_MORE_RATINGS');
    expect(note.decidedBy).toBe('NmrDueToMinStableCrhTime');
    expect(historyOf(first, 'bridging')).toMatchObject({
      currentStatus: 'NEEDS_MORE_RATINGS',
      timestampMillisOfNmrDueToMinStableCrhTime: now,
      firstNonNMRStatus: '',
    });
  });

  it('shows the CRH once it has been stable for an hour, but not after 20 minutes', () => {
    const early = rerun(build, first, now + 20 * 60_000);
    expect(explain(early, 'bridging').decidedBy).toBe('NmrDueToMinStableCrhTime');
    const later = stableHour();
    const note = explain(later, 'bridging');
    expect(note.status).toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.decidedBy).toBe('GeneralCRH');
    expect(historyOf(later, 'bridging')).toMatchObject({
      currentStatus: 'CURRENTLY_RATED_HELPFUL',
      firstNonNMRStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfLatestNonNMRStatus: now + 61 * 60_000,
      currentDecidedBy: 'CoreModel',
    });
    // Between 30 and 60 minutes a note that was CRH before waits the full hour.
    const between = rerun(build, first, now + 45 * 60_000);
    expect(explain(between, 'bridging').status).toBe('CURRENTLY_RATED_HELPFUL');
    const rehold = rerun(
      (history) =>
        build((id) => {
          const row = history(id);
          return row && { ...row, firstNonNMRStatus: 'CURRENTLY_RATED_HELPFUL' };
        }),
      first,
      now + 45 * 60_000,
    );
    expect(explain(rehold, 'bridging').decidedBy).toBe('NmrDueToMinStableCrhTime');
  });

  it('does not hold anything without a run time', () => {
    expect(explain(untimed(), 'bridging').status).toBe('CURRENTLY_RATED_HELPFUL');
    expect(untimed().history).toBeUndefined();
  });

  it('needs two explanation tags each used twice, and names them', () => {
    const untagged = explain(untimed(), 'untagged');
    expect(untagged.preStabilizationStatus).toBe('CURRENTLY_RATED_HELPFUL');
    expect(untagged.status).toBe('NEEDS_MORE_RATINGS');
    expect(untagged.decidedBy).toBe('InsufficientExplanation');
    const tagged = explain(untimed(), 'bridging');
    expect([tagged.firstTag, tagged.secondTag].sort()).toEqual([
      'helpfulClear',
      'helpfulInformative',
    ]);
  });

  it('locks the status of a note older than two weeks and then enforces it', () => {
    // The run an hour after the first, once the hold is over: the lock is taken then.
    const settled = stableHour();
    expect(historyOf(settled, 'old-bridging')).toMatchObject({
      lockedStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfStatusLock: now + 61 * 60_000,
    });
    expect(historyOf(settled, 'bridging').lockedStatus).toBe('');
    // Later the ratings turn against the note; the lock keeps its status.
    const turned = (history: (id: string) => NoteStatusHistory | undefined): ScoringInput => {
      const c = community();
      c.add('bridging', bridging(c), { history: history('bridging') });
      c.add(
        'old-bridging',
        [...bridging(c), [c.campA.slice(30, 80), NotHelpful], [c.campB.slice(30, 80), NotHelpful]],
        { createdAtMs: NOTE_TIME - 20 * DAY, history: history('old-bridging') },
      );
      c.add('untagged', bridging(c, 0), { history: history('untagged') });
      return c.builder.build();
    };
    const after = rerun(turned, settled, now + 3 * HOUR);
    const note = explain(after, 'old-bridging');
    expect(note.preStabilizationStatus).not.toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.status).toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.decidedBy).toBe('ScoringDriftGuard');
  });

  it('uses the history for CRH inertia and the valid-rating window', () => {
    const c = community();
    c.add('bridging', bridging(c), { history: historyOf(first, 'bridging') });
    const input = c.builder.build();
    expect(input.notePreviouslyHelpful[indexOfId(input.noteIds, 'bridging')]).toBe(0);
    const helpfulRow = {
      ...historyOf(first, 'bridging'),
      currentStatus: NOTE_STATUS_NAMES[NoteStatus.CurrentlyRatedHelpful],
      timestampMillisOfLatestNonNMRStatus: NOTE_TIME + 5,
    };
    const again = community();
    again.add('bridging', bridging(again), { history: helpfulRow });
    const withHistory = again.builder.build();
    const n = indexOfId(withHistory.noteIds, 'bridging');
    expect(withHistory.notePreviouslyHelpful[n]).toBe(1);
    expect(withHistory.noteLatestNonNmrStatusMs[n]).toBe(NOTE_TIME + 5);
  });
});

describe('tag outlier and "incorrect" filters (§7.1, §7.2)', () => {
  let result: ScoringResult;
  beforeAll(() => {
    const c = community();
    const complaint = (tag: RatingTag): Entry[] => [
      [c.campA.slice(0, 18), Helpful],
      [c.campB.slice(0, 18), Helpful],
      [c.campA.slice(40, 46), NotHelpful, tagMask(tag)],
      [c.campB.slice(40, 46), NotHelpful, tagMask(tag)],
      [c.neutral.slice(0, 6), NotHelpful, tagMask(tag)],
    ];
    c.add('outdated', complaint(RatingTag.NotHelpfulOutdated));
    c.add('hard-to-understand', complaint(RatingTag.NotHelpfulHardToUnderstand));
    c.add('plain', bridging(c));
    // Raters close to the note's (neutral) viewpoint, on both sides of zero, call it incorrect.
    c.add('incorrect', [
      [c.campA.slice(0, 18), Helpful],
      [c.campB.slice(0, 18), Helpful],
      [c.neutral.slice(10, 16), NotHelpful, tagMask(RatingTag.NotHelpfulIncorrect)],
    ]);
    c.add('one-incorrect', [
      [c.campA.slice(0, 18), Helpful],
      [c.campB.slice(0, 18), Helpful],
      [c.neutral.slice(10, 11), NotHelpful, tagMask(RatingTag.NotHelpfulIncorrect)],
    ]);
    result = scoreNotes(c.builder.build(), { seed: 3 });
  });

  it('firmly rejects a note whose nearby raters single out one not-helpful tag', () => {
    const note = explain(result, 'outdated');
    expect(note.tagOutlier).toBe('notHelpfulOutdated');
    expect(note.activeRules).toContain('TagFilter');
    expect(note.coreStatus).toBe('FIRM_REJECT');
    expect(note.status).toBe('NEEDS_MORE_RATINGS');
  });

  it('ignores HardToUnderstand and notes without an outlier tag', () => {
    expect(explain(result, 'hard-to-understand').activeRules).not.toContain('TagFilter');
    expect(explain(result, 'plain').tagOutlier).toBeNull();
    expect(explain(result, 'plain').status).toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('firmly rejects a note that nearby raters from both sides call incorrect', () => {
    const note = explain(result, 'incorrect');
    expect(note.incorrectVoters).toBeGreaterThanOrEqual(3);
    expect(note.incorrectTfIdf ?? 0).toBeGreaterThanOrEqual(2.5);
    expect(note.activeRules).toContain('FilterIncorrect');
    expect(note.coreStatus).toBe('FIRM_REJECT');
  });

  it('does not act on a single incorrect tag', () => {
    const note = explain(result, 'one-incorrect');
    expect(note.incorrectTags).toBeLessThan(2);
    expect(note.activeRules).not.toContain('FilterIncorrect');
    expect(note.status).toBe('CURRENTLY_RATED_HELPFUL');
  });
});

describe('coordinated raters (§7.7, §7.8) and high-volume raters (§3 step 4)', () => {
  let result: ScoringResult;
  let brigade: string[];
  let c: Community;
  beforeAll(() => {
    c = community();
    brigade = Array.from({ length: 10 }, (_, k) => `brigade-${k}`);
    // The brigade votes as one block on 60 background notes ...
    for (const id of c.noteIds.slice(0, 60)) {
      for (const rater of brigade) {
        c.builder.addRating(id, rater, Helpful, NOTE_TIME + 2 * HOUR, GOOD);
      }
    }
    // ... four of its members write notes the others rate helpful within a minute ...
    for (let w = 0; w < 4; w++) {
      for (let k = 0; k < 5; k++) {
        c.add(
          `brigade-note-${w}-${k}`,
          [[brigade.filter((_, j) => j !== w), Helpful, GOOD, 30_000]],
          {
            author: brigade[w],
          },
        );
      }
    }
    // ... and it pushes a note only camp A likes.
    c.add(
      'pushed',
      [
        [brigade.slice(1), Helpful, GOOD, 30_000],
        [c.campA.slice(0, 10), Helpful],
        [c.campB.slice(0, 8), NotHelpful],
      ],
      { author: brigade[0] },
    );
    c.add('bridging', bridging(c));
    // One account rates 300 notes in the last week of the data.
    for (const id of c.noteIds.slice(100, 400)) {
      c.builder.addRating(id, 'spammer', NotHelpful, SYNTHETIC_EPOCH_MS + 29 * DAY, BAD);
    }
    result = scoreNotes(c.builder.build(), { seed: 3 });
  });

  it('puts the brigade in one post-selection-similarity clique and drops its self-promotion', () => {
    const cliques = new Set(
      brigade.map((id) => result.raters.pssClique[indexOfId(result.input.participantIds, id)]),
    );
    expect(cliques.size).toBe(1);
    expect([...cliques][0]).toBeGreaterThanOrEqual(0);
    expect(result.raters.pssDroppedRatings).toBeGreaterThanOrEqual(9 * 21);
    const pushed = explain(result, 'pushed');
    expect(pushed.numRatings).toBe(18);
    expect(pushed.status).not.toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('flags the brigade as correlated raters and nobody in the camps', () => {
    const flagged = (ids: string[]): number =>
      ids.filter((id) => result.raters.correlated[indexOfId(result.input.participantIds, id)] === 1)
        .length;
    expect(flagged(brigade)).toBe(brigade.length);
    expect(flagged([...c.campA, ...c.campB, ...c.neutral])).toBe(0);
    expect(result.raters.pssClique.filter((k) => k >= 0).length).toBe(brigade.length);
  });

  it('leaves an honest bridging note alone', () => {
    const note = explain(result, 'bridging');
    expect(note.status).toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.interceptNoCorrelated).toBe(note.intercept);
  });

  it('tags the raters above the 99.9th percentile of the last 7 or 28 days', () => {
    const flagged = result.raters.highVolume;
    expect(flagged[indexOfId(result.input.participantIds, 'spammer')]).toBe(1);
    expect(flagged.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
    expect(highVolumeRaters(result.input)).toEqual(flagged);
    // The spammer did not rate the bridging note: its baseline intercept is its intercept.
    const note = explain(result, 'bridging');
    expect(note.interceptNoHighVol).toBe(note.intercept);
    expect(note.activeRules).not.toContain('NoHighVolIntercept');
  });
});

describe('co-rating within time windows (§7.7 b)', () => {
  const ring = Array.from({ length: 8 }, (_, k) => `ring-${k}`);
  /**
   * The ring rates a note on each of 30 posts (two notes on every third post), member k at
   * `spacing·k` after the first; then it joins camp A in pushing a note camp B rejects. Nobody in
   * the ring wrote a note, so writer–rater affinity cannot link its members.
   */
  function scenario(spacingMs: number): { result: ScoringResult; c: Community } {
    const c = community();
    for (let post = 0; post < 30; post++) {
      const createdAtMs = NOTE_TIME + post * 6 * HOUR;
      for (const suffix of post % 3 === 0 ? ['a', 'b'] : ['a']) {
        const id = `ring-target-${post}${suffix}`;
        c.add(id, [], { createdAtMs, postId: `ring-post-${post}` });
        ring.forEach((rater, k) =>
          c.builder.addRating(id, rater, Helpful, createdAtMs + 2 * HOUR + k * spacingMs, GOOD),
        );
      }
    }
    c.add(
      'pushed',
      [
        [c.campA.slice(0, 10), Helpful],
        [c.campB.slice(0, 8), NotHelpful],
      ],
      {
        postId: 'pushed-post',
      },
    );
    ring.forEach((rater, k) =>
      c.builder.addRating('pushed', rater, Helpful, NOTE_TIME + 2 * HOUR + k * spacingMs, GOOD),
    );
    return { result: scoreNotes(c.builder.build(), { seed: 3 }), c };
  }
  /** −1 for raters in no clique, and for those who never rated anything. */
  const cliqueOf = (result: ScoringResult, id: string): number =>
    result.raters.pssClique[indexOfId(result.input.participantIds, id)] ?? -1;

  it('links a group that keeps rating the same posts within minutes, and counts it once per note in prescoring', () => {
    const { result, c } = scenario(2 * 60_000);
    // Every two members co-rated all 31 posts; no pair came from authorship.
    expect(result.raters.pssCoRatingPairs).toBe((ring.length * (ring.length - 1)) / 2);
    const cliques = new Set(ring.map((id) => cliqueOf(result, id)));
    expect(cliques.size).toBe(1);
    expect([...cliques][0]).toBeGreaterThanOrEqual(0);
    expect([...c.campA, ...c.campB, ...c.neutral].every((id) => cliqueOf(result, id) < 0)).toBe(
      true,
    );
    // Prescoring counts only the ring's earliest rating of each note: 7 of 8 dropped on 41 notes.
    expect(result.raters.pssDroppedRatings).toBe(7 * 41);
    const pushed = explain(result, 'pushed');
    // Final scoring thins again only raters who are in a quasi-clique too (§7.8, as the
    // reference does); 31 posts are too few to seed one, so there all 8 ring ratings count.
    expect(result.scorers.excluded.correlated?.some((flag) => flag === 1)).toBe(false);
    expect(pushed.numRatings).toBe(10 + 8 + 8);
    expect(pushed.status).not.toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('leaves the same raters alone when their ratings are more than 20 minutes apart', () => {
    const { result } = scenario(21 * 60_000);
    expect(result.raters.pssCoRatingPairs).toBe(0);
    expect(ring.every((id) => cliqueOf(result, id) < 0)).toBe(true);
    expect(result.raters.pssDroppedRatings).toBe(0);
    expect(explain(result, 'pushed').numRatings).toBe(10 + 8 + ring.length);
  });
});

describe('low-diligence model (§7.3, rule 10)', () => {
  let result: ScoringResult;
  beforeAll(() => {
    const c = community();
    const sources = tagMask(RatingTag.NotHelpfulSourcesMissingOrUnreliable);
    // Both camps rate it helpful, yet a few raters from both sides say its sources are missing
    // or unreliable: the bridging score alone would show it.
    const diligence = (tags: number): Entry[] => [
      [c.campA.slice(0, 20), Helpful],
      [c.campB.slice(0, 20), Helpful],
      [c.campA.slice(30, 33), NotHelpful, tags],
      [c.campB.slice(30, 33), NotHelpful, tags],
    ];
    c.add('unsourced', diligence(sources));
    c.add('sourced', diligence(BAD));
    c.add('plain', bridging(c));
    result = scoreNotes(c.builder.build(), { seed: 3 });
  });

  it('firmly rejects a helpful-looking note that raters from both sides call unsourced', () => {
    const note = explain(result, 'unsourced');
    expect(note.lowDiligenceIntercept ?? 0).toBeGreaterThan(0.263);
    expect(note.activeRules).toContain('FilterLowDiligence');
    expect(note.coreStatus).toBe('FIRM_REJECT');
    expect(note.status).toBe('NEEDS_MORE_RATINGS');
  });

  it('leaves notes alone whose not-helpful raters name other problems', () => {
    for (const id of ['sourced', 'plain']) {
      const note = explain(result, id);
      expect(note.lowDiligenceIntercept).not.toBeNull();
      expect(note.lowDiligenceIntercept ?? 1).toBeLessThanOrEqual(0.263);
      expect(note.activeRules).not.toContain('FilterLowDiligence');
      expect(note.status).toBe('CURRENTLY_RATED_HELPFUL');
    }
    // The same votes as the rejected note: only the tags differ.
    expect(explain(result, 'sourced').intercept).toBeCloseTo(
      explain(result, 'unsourced').intercept ?? NaN,
      6,
    );
  });
});

describe('harassment/abuse tag consensus (§5.1 step 6, §7.4)', () => {
  let result: ScoringResult;
  let c: Community;
  const abusive = tagMask(RatingTag.NotHelpfulSpamHarassmentOrAbuse);
  beforeAll(() => {
    c = community();
    // Raters from both camps call the note abuse; five camp-A raters rate it helpful anyway.
    c.add('harassing', [
      [c.campA.slice(0, 5), Helpful],
      [c.campA.slice(20, 35), NotHelpful, abusive],
      [c.campB.slice(20, 35), NotHelpful, abusive],
    ]);
    // A plainly unhelpful note: raters who liked it are wrong, not complicit in abuse.
    c.add('unhelpful', [
      [c.campB.slice(0, 5), Helpful],
      [c.campA.slice(20, 35), NotHelpful, BAD],
      [c.campB.slice(20, 35), NotHelpful, BAD],
    ]);
    result = scoreNotes(c.builder.build(), { seed: 3 });
  });
  const rater = (id: string): ReturnType<typeof explainRater> =>
    explainRater(result, indexOfId(result.input.participantIds, id));

  it('keeps the harassing note from being shown as helpful', () => {
    const note = explain(result, 'harassing');
    expect(note.harassmentIntercept ?? 0).toBeGreaterThanOrEqual(2);
    expect(note.coreStatus).not.toBe('CURRENTLY_RATED_HELPFUL');
    expect(note.status).not.toBe('CURRENTLY_RATED_HELPFUL');
  });

  it('takes helpfulness away from the raters who rated it helpful', () => {
    for (const id of c.campA.slice(0, 5)) {
      const r = rater(id);
      expect(r.harassmentPenalty).toBeGreaterThanOrEqual(10);
      // Their agreement alone would have kept them in the final round.
      expect(r.agreeRatio ?? 0).toBeGreaterThanOrEqual(0.66);
      expect(r.aboveHelpfulnessThreshold).toBe(false);
    }
  });

  it('does not penalise raters of notes that are merely unhelpful', () => {
    expect(explain(result, 'unhelpful').harassmentIntercept ?? 0).toBeLessThan(2);
    for (const id of c.campB.slice(0, 5)) expect(rater(id).harassmentPenalty).toBe(0);
  });
});
