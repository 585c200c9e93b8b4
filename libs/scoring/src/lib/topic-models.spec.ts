import { MetaRule, NoteStatus } from './note-status';
import { explainNote } from './note-explanation';
import { scoreNotes } from './scorer';
import { HelpfulnessLevel, ScoringInputBuilder, type ScoringInput } from './scoring-input';
import type { NoteStatusHistory } from './status-history';
import { topicModelScores, topicVetoes } from './topic-models';
import { assignTopics } from './topics';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const RATERS = 40;
const { Helpful, SomewhatHelpful, NotHelpful } = HelpfulnessLevel;

/**
 * Raters with two independent leanings: a political side (`politics`, the axis the whole
 * community splits on) and a football club (`club`, an axis only the Ronaldo topic splits on).
 * Outside the topic, unhelpful and partisan notes keep the community's mean rating low; inside
 * it, "bridging" topic notes are helpful to all and "fan" notes helpful to one club's fans and
 * somewhat helpful to the other's: notes the whole community rates helpful enough (their ratings
 * do not follow politics) that the topic's own model finds below the topic's bar and split along
 * the topic's axis.
 */
function community(
  history: (id: string) => NoteStatusHistory | undefined = () => undefined,
): ScoringInput {
  const builder = new ScoringInputBuilder();
  const politics = (u: number): number => (u % 2 === 0 ? 1 : -1);
  const club = (u: number): number => ((u >> 1) % 2 === 0 ? 1 : -1);
  const note = (
    id: string,
    text: string,
    level: (u: number) => HelpfulnessLevel | undefined,
  ): void => {
    builder.addNote(id, {
      authorId: 'author',
      createdAtMs: T0,
      misleading: true,
      postId: id,
      text,
      history: history(id),
    });
    for (let u = 0; u < RATERS; u++) {
      const rating = level(u);
      if (rating !== undefined) builder.addRating(id, `r${u}`, rating, T0 + HOUR);
    }
  };
  for (let k = 0; k < 60; k++) note(`unhelpful-${k}`, 'a poor note', () => NotHelpful);
  for (let k = 0; k < 30; k++) {
    const side = k % 2 === 0 ? 1 : -1;
    note(`partisan-${k}`, 'a claim', (u) => (politics(u) === side ? Helpful : NotHelpful));
  }
  for (let k = 0; k < 6; k++) note(`topic-bridging-${k}`, 'what Ronaldo said', () => Helpful);
  for (let k = 0; k < 6; k++) {
    const side = k % 2 === 0 ? 1 : -1;
    note(`topic-fan-${k}`, 'Ronaldo again', (u) => (club(u) === side ? Helpful : SomewhatHelpful));
  }
  // Rated by one club's fans only: helpful, but its topic model has no rater on the other side.
  note('topic-one-club', 'Ronaldo for ever', (u) => (club(u) === 1 ? Helpful : undefined));
  // Too few notes for any rater to have ten ratings in the topic: no Gaza model.
  for (let k = 0; k < 3; k++) note(`gaza-${k}`, 'about Gaza', () => Helpful);
  return builder.build();
}

describe('topic models (§8.6) and their veto (§9 rule 6)', () => {
  const input = community();
  const topics = assignTopics(input);
  const scores = topicModelScores(input, input, topics.noteTopic, topics.topics.length, 42);
  const index = (id: string): number => input.noteIds.indexOf(id);
  const inCore = { seed: 42, regime: 'core' } as const;

  it('fits a model per topic on its own notes, and none where no rater has ten ratings', () => {
    for (let k = 0; k < 6; k++) {
      expect(scores.scored[index(`topic-bridging-${k}`)]).toBe(1);
      expect(scores.scored[index(`topic-fan-${k}`)]).toBe(1);
    }
    for (const id of ['partisan-0', 'unhelpful-0', 'gaza-0']) {
      expect(scores.scored[index(id)]).toBe(0);
      expect(scores.intercept[index(id)]).toBeNaN();
    }
  });

  it('finds the topic’s own axis, and vetoes only the notes it is confident about and finds wanting', () => {
    const bridging = index('topic-bridging-0');
    expect(scores.confident[bridging]).toBe(1);
    expect(scores.intercept[bridging]).toBeGreaterThan(0.24);
    expect(Math.abs(scores.factor[bridging])).toBeLessThan(0.1);
    expect(topicVetoes(scores, bridging)).toBe(false);
    for (const id of ['topic-fan-0', 'topic-fan-1']) {
      const fan = index(id);
      expect(scores.confident[fan]).toBe(1);
      expect(Math.abs(scores.factor[fan])).toBeGreaterThan(0.51);
      expect(topicVetoes(scores, fan)).toBe(true);
    }
    // The two clubs' notes sit on opposite ends of the topic's axis.
    expect(Math.sign(scores.factor[index('topic-fan-0')])).toBe(
      -Math.sign(scores.factor[index('topic-fan-1')]),
    );
    const oneClub = index('topic-one-club');
    expect(scores.scored[oneClub]).toBe(1);
    expect(scores.confident[oneClub]).toBe(0);
    expect(topicVetoes(scores, oneClub)).toBe(false);
  });

  it('sends a note the community rates helpful to NMR when its topic model vetoes it', () => {
    const result = scoreNotes(input, inCore);
    const fan = index('topic-fan-0');
    expect(result.scorers.coreWithTopics.status[fan]).toBe(NoteStatus.CurrentlyRatedHelpful);
    expect(result.models.decidedBy[fan]).toBe(MetaRule.TopicModel);
    expect(result.finalStatus[fan]).toBe(NoteStatus.NeedsMoreRatings);
    // A topic note's sides come from CoreWithTopics' fit (Core has none for it).
    const explained = explainNote(result, fan);
    expect(explained.negativeFactorRaters.raters).toBeGreaterThan(0);
    expect(explained.positiveFactorRaters.raters).toBeGreaterThan(0);
    expect(explained.finalRoundRatings).toBe(
      explained.negativeFactorRaters.raters + explained.positiveFactorRaters.raters,
    );
    expect(explained).toMatchObject({
      decidingModel: 'TopicModel',
      topicModel: { confident: true, factor: scores.factor[fan], intercept: scores.intercept[fan] },
    });
    expect(result.finalStatus[index('topic-bridging-0')]).toBe(NoteStatus.CurrentlyRatedHelpful);
  });

  it('holds a helpful topic note its model is not confident about for the whole hour', () => {
    const now = T0 + 2 * HOUR;
    const first = scoreNotes(input, { ...inCore, nowMs: now });
    const historyOf = (id: string): NoteStatusHistory | undefined => first.history?.[index(id)];
    const shownAt = (nowMs: number, id: string) => {
      const result = scoreNotes(community(historyOf), { ...inCore, nowMs });
      return explainNote(result, index(id));
    };
    // 45 minutes into the hold: past the 30 minutes a note its topic model is confident about
    // waits, short of the hour.
    const oneClub = shownAt(now + 45 * 60_000, 'topic-one-club');
    expect(oneClub.preStabilizationStatus).toBe('CURRENTLY_RATED_HELPFUL');
    expect(oneClub.decidedBy).toBe('NmrDueToMinStableCrhTime');
    expect(shownAt(now + 45 * 60_000, 'topic-bridging-0').status).toBe('CURRENTLY_RATED_HELPFUL');
    expect(shownAt(now + 61 * 60_000, 'topic-one-club').status).toBe('CURRENTLY_RATED_HELPFUL');
  });
});
