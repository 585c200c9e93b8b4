import { generateSyntheticCommunity } from '../synthetic/synthetic-data';
import { MetaRule, NoteStatus, RuleId } from './note-status';
import { countRatingsPerNote } from './rating-filters';
import { ScoringInputBuilder, type ScoringInput } from './scoring-input';
import { applyStatusRules, scoreNotes, type NoteStatuses, type ScoringResult } from './scorer';
import { CORE_WITH_TOPICS_RULES, EXPANSION_PLUS_RULES, GAUSSIAN_RULES } from './status-rules';

/**
 * A synthetic community; with `topicEvery`, every that-many-th post's notes mention Ronaldo
 * (the reference's MessiRonaldo seed term), so those notes are topic notes (§8.6).
 */
function community(topicEvery?: number): ScoringInput {
  const builder = new ScoringInputBuilder();
  let posts = 0;
  const topicPosts = new Set<string>();
  generateSyntheticCommunity(
    { seed: 11, raters: 400, notes: 300, ratings: 9_000 },
    {
      note(id, authorId, createdAtMs, misleading, postId) {
        if (topicEvery !== undefined && !topicPosts.has(postId) && posts++ % topicEvery === 0) {
          topicPosts.add(postId);
        }
        const text = topicPosts.has(postId) ? 'what Ronaldo said' : 'an ordinary note';
        builder.addNote(id, { authorId, createdAtMs, misleading, postId, text });
      },
      rating(noteId, raterId, level, createdAtMs, tags) {
        builder.addRating(noteId, raterId, level, createdAtMs, tags);
      },
    },
  );
  return builder.build();
}

const count = (column: Uint8Array, value: number): number =>
  column.reduce((sum, v) => sum + (v === value ? 1 : 0), 0);

describe('the scorers of §8 on one modeling group', () => {
  describe('without topic notes', () => {
    let result: ScoringResult;
    beforeAll(() => {
      result = scoreNotes(community(), { regime: 'core' });
    });

    it('fits Core once: CoreWithTopics, Expansion and ExpansionPlus read the same fit', () => {
      const { core, coreWithTopics } = result.scorers;
      expect(result.scorers.topics.topicNotes).toBe(0);
      expect(coreWithTopics.final).toBe(core.final);
      expect([...core.scored]).toEqual([...coreWithTopics.scored]);
    });

    it('gives FIRM_REJECT only in Core and Expansion, NMR in CoreWithTopics and ExpansionPlus', () => {
      const { core, coreWithTopics, expansion, expansionPlus } = result.scorers;
      expect(count(core.status, NoteStatus.FirmReject)).toBeGreaterThan(0);
      expect(count(expansion.status, NoteStatus.FirmReject)).toBeGreaterThan(0);
      expect(count(coreWithTopics.status, NoteStatus.FirmReject)).toBe(0);
      expect(count(expansionPlus.status, NoteStatus.FirmReject)).toBe(0);
      for (let n = 0; n < core.status.length; n++) {
        if (core.status[n] === NoteStatus.FirmReject) {
          expect(coreWithTopics.status[n]).toBe(NoteStatus.NeedsMoreRatings);
        } else {
          expect(coreWithTopics.status[n]).toBe(core.status[n]);
        }
      }
    });

    it('has no pseudo-raters in Expansion (never UcbCRNH)', () => {
      const { core, expansion } = result.scorers;
      const ucb = 1 << RuleId.UcbCRNH;
      expect(core.activeRules.some((mask) => (mask & ucb) !== 0)).toBe(true);
      expect(expansion.activeRules.every((mask) => (mask & ucb) === 0)).toBe(true);
    });

    it('lets ExpansionPlus decide only unrated notes, and Core the rest unless a Gaussian moved it', () => {
      const decided = result.models.decidedBy;
      for (let n = 0; n < decided.length; n++) {
        if (result.numRatings[n] === 0) expect(decided[n]).toBe(MetaRule.ExpansionPlusModel);
        else expect([MetaRule.CoreModel, MetaRule.GaussianModel]).toContain(decided[n]);
      }
    });
  });

  describe('with topic notes', () => {
    let result: ScoringResult;
    beforeAll(() => {
      result = scoreNotes(community(10), { regime: 'core' });
    });

    it('leaves topic notes out of Core and scores them in CoreWithTopics', () => {
      const { topics, core, coreWithTopics, gaussian, gaussianCoreWithTopics } = result.scorers;
      expect(topics.topicNotes).toBeGreaterThan(10);
      expect(coreWithTopics.final).not.toBe(core.final);
      for (let n = 0; n < core.status.length; n++) {
        if (topics.noteTopic[n] < 0) continue;
        expect(core.scored[n]).toBe(0);
        expect(core.final.intercept[n]).toBeNaN();
        expect(gaussian.scored[n]).toBe(0);
        if (result.numRatings[n] >= 5) {
          expect(coreWithTopics.final.intercept[n]).not.toBeNaN();
          expect(gaussianCoreWithTopics.intercept[n]).not.toBeNaN();
        }
      }
    });

    it('has topic notes decided by the topic-aware scorers, never by Core', () => {
      const { topics } = result.scorers;
      const allowed = [
        MetaRule.CoreWithTopicsModel,
        MetaRule.GaussianCoreWithTopicsModel,
        MetaRule.ExpansionPlusModel,
      ];
      let byCoreWithTopics = 0;
      for (let n = 0; n < topics.noteTopic.length; n++) {
        if (topics.noteTopic[n] < 0) continue;
        expect(allowed).toContain(result.models.decidedBy[n]);
        if (result.models.decidedBy[n] === MetaRule.CoreWithTopicsModel) byCoreWithTopics++;
      }
      expect(byCoreWithTopics).toBeGreaterThan(0);
    });

    it("decides each scorer's statuses in its fit's task as the rules do on that fit", () => {
      // The rules run inside the scorers' tasks: the same as applying them to the fits after.
      const { scorers } = result;
      const { core, coreWithTopics, expansion, expansionPlus, gaussian } = scorers;
      const withTopicsCounts = countRatingsPerNote(coreWithTopics.input);
      const cases: [NoteStatuses, ReturnType<typeof applyStatusRules>][] = [
        [
          core,
          applyStatusRules(
            result.input,
            countRatingsPerNote(core.input),
            core.final,
            core.safeguards,
          ),
        ],
        [
          coreWithTopics,
          applyStatusRules(
            result.input,
            withTopicsCounts,
            coreWithTopics.final,
            coreWithTopics.safeguards,
            {
              rules: CORE_WITH_TOPICS_RULES,
              scores: coreWithTopics.final,
            },
          ),
        ],
        [
          expansionPlus,
          applyStatusRules(
            result.input,
            withTopicsCounts,
            coreWithTopics.final,
            coreWithTopics.safeguards,
            {
              rules: EXPANSION_PLUS_RULES,
              scores: { ...coreWithTopics.final, interceptMax: undefined },
            },
          ),
        ],
        [
          gaussian,
          applyStatusRules(
            result.input,
            countRatingsPerNote(core.input),
            core.final,
            core.safeguards,
            {
              rules: GAUSSIAN_RULES,
              scores: { ...gaussian, factor: core.final.factor, interceptMax: undefined },
            },
          ),
        ],
      ];
      for (const [ran, expected] of cases) {
        expect(ran.status).toEqual(expected.status);
        expect(ran.decidedBy).toEqual(expected.decidedBy);
        expect(ran.activeRules).toEqual(expected.activeRules);
      }
      expect(expansion.status).not.toEqual(expansionPlus.status);
    });

    it('scores no topic when the community names no topics', () => {
      const plain = scoreNotes(community(10), { regime: 'core', topicSeeds: [] });
      expect(plain.scorers.topics.topicNotes).toBe(0);
      expect(
        plain.scorers.core.scored.every((s, n) => s === (plain.numRatings[n] > 0 ? 1 : 0)),
      ).toBe(true);
    });
  });
});
