import { NoteStatus } from '../lib/note-status';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from '../lib/scoring-input';
import { emptyStatusHistory, type NoteStatusHistory } from '../lib/status-history';
import { stabiliseStatuses } from '../lib/status-stability';
import { RunInputBuilder } from '../run/run-input';
import { computeStandings, writingRefusal, type PseudonymStanding } from './pseudonym-standing';

const MIN = 60_000;
const { Helpful, SomewhatHelpful, NotHelpful } = HelpfulnessLevel;

interface TestNote {
  id: string;
  author: string;
  createdMin: number;
  status: NoteStatus;
  /** The minute the note was first decided, and the minute it last became decided. */
  firstDecidedMin?: number;
  latestDecidedMin?: number;
}

/** An input and a result as a run would give them, for the notes and ratings described. */
function scenario(
  notes: TestNote[],
  ratings: [noteId: string, rater: string, level: HelpfulnessLevel, minute: number][],
): { input: ScoringInput; result: { finalStatus: Uint8Array; history: NoteStatusHistory[] } } {
  const builder = new ScoringInputBuilder();
  for (const note of notes) {
    builder.addNote(note.id, {
      authorId: note.author,
      createdAtMs: note.createdMin * MIN,
      misleading: true,
    });
  }
  for (const [noteId, rater, level, minute] of ratings)
    builder.addRating(noteId, rater, level, minute * MIN);
  const input = builder.build();
  const byId = new Map(notes.map((note) => [note.id, note]));
  const finalStatus = new Uint8Array(input.noteIds.length);
  const history = input.noteIds.map((id, index) => {
    const note = byId.get(id) as TestNote;
    finalStatus[index] = note.status;
    return {
      ...emptyStatusHistory(id, note.author, note.createdMin * MIN),
      timestampMillisOfFirstNonNMRStatus: (note.firstDecidedMin ?? Number.NaN) * MIN,
      timestampMillisOfLatestNonNMRStatus:
        (note.latestDecidedMin ?? note.firstDecidedMin ?? Number.NaN) * MIN,
    };
  });
  return { input, result: { finalStatus, history } };
}

function standingsOf(...args: Parameters<typeof scenario>): PseudonymStanding[] {
  const { input, result } = scenario(...args);
  return computeStandings(input, result);
}

const standingOf = (rows: PseudonymStanding[], pseudonym: string) =>
  rows.find((row) => row.pseudonym === pseudonym) as PseudonymStanding;

describe('computeStandings', () => {
  const {
    CurrentlyRatedHelpful: CRH,
    CurrentlyRatedNotHelpful: CRNH,
    NeedsMoreRatings: NMR,
  } = NoteStatus;

  it('counts ratings that agreed with a decided status up, the opposite down, the rest not at all', () => {
    const { input, result } = scenario(
      [
        { id: 'n1', author: 'w', createdMin: 0, status: CRH, firstDecidedMin: 100 },
        { id: 'n2', author: 'w', createdMin: 0, status: CRNH, firstDecidedMin: 100 },
        { id: 'n3', author: 'w', createdMin: 0, status: NMR },
      ],
      [
        ['n1', 'r', Helpful, 10], // agreed: +1
        ['n2', 'r', NotHelpful, 10], // agreed: +1
        ['n3', 'r', Helpful, 10], // undecided: nothing
        ['n1', 's', NotHelpful, 10], // disagreed: -1
        ['n2', 's', SomewhatHelpful, 10], // neither
        ['n2', 't', NotHelpful, 101], // after the decision: nothing
      ],
    );
    const rows = computeStandings(input, result);
    expect(standingOf(rows, 'r')).toMatchObject({
      ratingImpact: 2,
      successfulRatings: 2,
      unsuccessfulRatings: 0,
    });
    expect(standingOf(rows, 's')).toMatchObject({
      ratingImpact: -1,
      successfulRatings: 0,
      unsuccessfulRatings: 1,
    });
    expect(standingOf(rows, 't')).toMatchObject({ ratingImpact: 0, successfulRatings: 0 });
    expect(standingOf(rows, 'w')).toMatchObject({
      writingImpact: 0,
      notesHelpful: 1,
      notesNotHelpful: 1,
      notesNeedingRatings: 1,
      recentNotHelpful: 1,
    });
    expect(rows.map((row) => row.pseudonym)).toEqual(['r', 's', 't', 'w']);
  });

  it('locks writing when 3 of the last 5 decided notes are not helpful, and rating impact after the lock lifts it', () => {
    const notes: TestNote[] = [
      { id: 'a', author: 'w', createdMin: 1, status: CRNH, firstDecidedMin: 50 },
      { id: 'b', author: 'w', createdMin: 2, status: CRH, firstDecidedMin: 50 },
      { id: 'c', author: 'w', createdMin: 3, status: CRNH, firstDecidedMin: 60 },
      { id: 'd', author: 'w', createdMin: 4, status: NMR },
      { id: 'e', author: 'w', createdMin: 5, status: CRNH, firstDecidedMin: 70 },
      { id: 'f', author: 'o', createdMin: 80, status: CRH, firstDecidedMin: 200 },
      { id: 'g', author: 'o', createdMin: 80, status: CRH, firstDecidedMin: 200 },
    ];
    const locked = standingsOf(notes, []);
    expect(standingOf(locked, 'w')).toMatchObject({
      recentNotHelpful: 3,
      impactSinceLock: 0,
      writingImpact: -2,
    });
    expect(writingRefusal(standingOf(locked, 'w'), 0)).toEqual({
      reason: 'LOCKED',
      recentNotHelpful: 3,
      impactSinceLock: 0,
      required: 1,
    });

    // A helpful rating before the lock (minute 65, the lock began at 70) does not lift it; two after do.
    const rated = scenario(notes, [
      ['f', 'w', Helpful, 65],
      ['g', 'w', Helpful, 90],
    ]);
    const rows = computeStandings(rated.input, rated.result);
    expect(standingOf(rows, 'w')).toMatchObject({ ratingImpact: 2, impactSinceLock: 1 });
    expect(writingRefusal(standingOf(rows, 'w'), 2)?.reason).toBe('LOCKED');
    expect(writingRefusal(standingOf(rows, 'w'), 1)).toBeNull();

    // Two newer helpful notes push two not-helpful ones out of the last five: unlocked.
    const better = standingsOf(
      [
        ...notes,
        { id: 'h', author: 'w', createdMin: 6, status: CRH, firstDecidedMin: 90 },
        { id: 'i', author: 'w', createdMin: 7, status: CRH, firstDecidedMin: 90 },
      ],
      [],
    );
    expect(standingOf(better, 'w')).toMatchObject({ recentNotHelpful: 2, writingImpact: 0 });
    expect(writingRefusal(standingOf(better, 'w'), 0)).toBeNull();
  });

  it('asks a new pseudonym to earn in first', () => {
    expect(writingRefusal(null, 5)).toEqual({ reason: 'EARN_IN', ratingImpact: 0, required: 5 });
    expect(writingRefusal(null, 0)).toBeNull();
    expect(
      writingRefusal({ ratingImpact: 5, recentNotHelpful: 0, impactSinceLock: 0 }, 5),
    ).toBeNull();
  });

  it('gives the same rows whatever order the notes and ratings were added in', () => {
    const notes: TestNote[] = [
      { id: 'x', author: 'w', createdMin: 0, status: CRH, firstDecidedMin: 10 },
      { id: 'y', author: 'v', createdMin: 0, status: CRNH, firstDecidedMin: 10 },
    ];
    const ratings: [string, string, HelpfulnessLevel, number][] = [
      ['x', 'r', Helpful, 1],
      ['y', 'r', Helpful, 2],
      ['y', 's', NotHelpful, 3],
    ];
    const one = scenario(notes, ratings);
    const two = scenario([...notes].reverse(), [...ratings].reverse());
    expect(computeStandings(one.input, one.result)).toEqual(
      computeStandings(two.input, two.result),
    );
  });
});

describe('computeStandings on a run input (ratings timed by their member’s own minute)', () => {
  const { CurrentlyRatedHelpful: CRH, CurrentlyRatedNotHelpful: CRNH } = NoteStatus;
  const POST = { canonicalUrl: 'https://news.example/story', platform: null, externalId: null };

  /**
   * A run's input and result: each note decided as given, first and last at `decidedMs`;
   * ratings HELPFUL at the client minute given, as the API accepts them (CLOCK_SKEW_MINUTES, 10,
   * either side of its own minute).
   */
  function run(
    notes: { id: string; author: string; status: NoteStatus; decidedMs: number }[],
    ratings: [noteId: string, rater: string, clientMinute: number][],
  ): PseudonymStanding[] {
    const builder = new RunInputBuilder(2000 * MIN);
    for (const note of notes) {
      builder.addNote({
        id: note.id,
        authorPseudonym: note.author,
        classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
        createdAtMs: 0,
        postId: 'p',
        post: POST,
        history: {
          ...emptyStatusHistory(note.id, note.author, 0),
          timestampMillisOfFirstNonNMRStatus: note.decidedMs,
          timestampMillisOfLatestNonNMRStatus: note.decidedMs,
        },
      });
    }
    for (const [noteId, raterPseudonym, clientMinute] of ratings)
      builder.addRating({ noteId, raterPseudonym, helpfulness: 'HELPFUL', tags: [], clientMinute });
    const { input } = builder.build();
    const byId = new Map(notes.map((note) => [note.id, note.status]));
    const finalStatus = Uint8Array.from(input.noteIds, (id) => byId.get(id) as NoteStatus);
    return computeStandings(input, {
      finalStatus,
      history: input.noteHistory as NoteStatusHistory[],
    });
  }

  it('counts no rating a member could have made after the decision and dated back', () => {
    // First decided helpful by the run at minute 1000 and 30 s. Seen published, a HELPFUL rating
    // in minute 1000 may say minute 990; one saying 989 was made before minute 1000.
    const rows = run(
      [{ id: 'n', author: 'w', status: CRH, decidedMs: 1000 * MIN + 30_000 }],
      [
        ['n', 'late', 1000],
        ['n', 'backdated', 990],
        ['n', 'early', 989],
      ],
    );
    expect(standingOf(rows, 'late').ratingImpact).toBe(0);
    expect(standingOf(rows, 'backdated').ratingImpact).toBe(0);
    expect(standingOf(rows, 'early')).toMatchObject({ ratingImpact: 1, successfulRatings: 1 });
    expect(writingRefusal(standingOf(rows, 'backdated'), 1)?.reason).toBe('EARN_IN');
  });

  it('lifts a writing lock only with ratings that cannot have been made before it', () => {
    // w's three not-helpful notes lock it from minute 70; f is decided helpful at minute 200. A
    // rating saying minute 75 may have been made at minute 65 and dated forward.
    const notes = [
      ...['a', 'b', 'c'].map((id) => ({ id, author: 'w', status: CRNH, decidedMs: 70 * MIN })),
      { id: 'f', author: 'o', status: CRH, decidedMs: 200 * MIN },
    ];
    expect(standingOf(run(notes, [['f', 'w', 75]]), 'w')).toMatchObject({
      recentNotHelpful: 3,
      ratingImpact: 1,
      impactSinceLock: 0,
    });
    expect(standingOf(run(notes, [['f', 'w', 82]]), 'w')).toMatchObject({
      ratingImpact: 1,
      impactSinceLock: 1,
    });
  });
});

describe('computeStandings after a stabilisation hold (the pre-stabilisation status is public)', () => {
  const { CurrentlyRatedHelpful: CRH } = NoteStatus;
  const POST = { canonicalUrl: 'https://news.example/story', platform: null, externalId: null };
  const HELD_AT = 1000 * MIN + 30_000;

  /**
   * Note n, held at NMR since the run at `HELD_AT` (its pre-stabilisation status CRH, published
   * with that run), is released by the run `releasedAfterMin` minutes later; the release run's
   * history, and the standings it gives, for HELPFUL ratings at the client minutes given.
   */
  function released(releasedAfterMin: number, ratings: [rater: string, clientMinute: number][]) {
    const nowMs = HELD_AT + releasedAfterMin * MIN;
    const builder = new RunInputBuilder(nowMs);
    builder.addNote({
      id: 'n',
      authorPseudonym: 'w',
      classification: 'MISINFORMED_OR_POTENTIALLY_MISLEADING',
      createdAtMs: 900 * MIN,
      postId: 'p',
      post: POST,
      history: {
        ...emptyStatusHistory('n', 'w', 900 * MIN),
        timestampMillisOfNmrDueToMinStableCrhTime: HELD_AT,
        timestampMillisOfFirstNmrDueToMinStableCrhTime: HELD_AT,
      },
    });
    for (const [raterPseudonym, clientMinute] of ratings) {
      builder.addRating({
        noteId: 'n',
        raterPseudonym,
        helpfulness: 'HELPFUL',
        tags: ['CLEAR', 'GOOD_SOURCES'],
        clientMinute,
      });
    }
    const { input } = builder.build();
    const stable = stabiliseStatuses(input, Uint8Array.of(CRH), nowMs);
    const history = stable.history as NoteStatusHistory[];
    return {
      finalStatus: stable.finalStatus[0],
      history: history[0],
      rows: computeStandings(input, { finalStatus: stable.finalStatus, history }),
    };
  }

  it('counts no HELPFUL rating made once the hold showed the note about to be helpful', () => {
    // Released 61 minutes after the hold began; `during` rated 20 minutes into the hold, when
    // the published pre-stabilisation status already said helpful.
    const run = released(61, [
      ['early', 985],
      ['during', 1020],
    ]);
    expect(run.finalStatus).toBe(CRH);
    expect(run.history).toMatchObject({
      firstNonNMRStatus: 'CURRENTLY_RATED_HELPFUL',
      timestampMillisOfFirstNonNMRStatus: HELD_AT,
      timestampMillisOfLatestNonNMRStatus: HELD_AT,
    });
    expect(standingOf(run.rows, 'early')).toMatchObject({ ratingImpact: 1, successfulRatings: 1 });
    expect(standingOf(run.rows, 'during')).toMatchObject({ ratingImpact: 0, successfulRatings: 0 });
  });

  it('still reads a minute within the clock window of the hold’s start as possibly after it', () => {
    // 995 + 11 minutes of slack is after the hold began at 1000:30; 989 + 11 is not.
    const run = released(61, [
      ['early', 989],
      ['edge', 995],
    ]);
    expect(run.finalStatus).toBe(CRH);
    expect(standingOf(run.rows, 'early').ratingImpact).toBe(1);
    expect(standingOf(run.rows, 'edge').ratingImpact).toBe(0);
  });
});
