import { MetaRule, NoteStatus, publicStatus } from './note-status';
import type { ScorerStatuses } from './scorer-models';
import type { ModelDecision } from './status-stability';
import { topicVetoes, type TopicModelScores } from './topic-models';

/** The scorers' statuses meta-scoring reads (`ModelRuns` carries them). */
export interface MetaScoringInput {
  readonly core: ScorerStatuses;
  readonly coreWithTopics: ScorerStatuses;
  readonly expansion: ScorerStatuses;
  readonly expansionPlus: ScorerStatuses;
  readonly gaussian: ScorerStatuses;
  readonly gaussianCoreWithTopics: ScorerStatuses;
  /** §8.6: the topic models, when some note has a topic. */
  readonly topicModels?: TopicModelScores;
}

const { NeedsMoreRatings: NMR, NeedsYourHelp: NYH, FirmReject: FR } = NoteStatus;
const { CurrentlyRatedHelpful: CRH, CurrentlyRatedNotHelpful: CRNH } = NoteStatus;

/**
 * §9 rules 1–5 for the scorers implemented here, in the reference's order (last writer wins):
 * MetaInitialNMR, then ExpansionPlusModel, ExpansionModel, CoreWithTopicsModel and CoreModel,
 * each copying its status (FIRM_REJECT shown as NMR) wherever it scored the note; then
 * GaussianModel and GaussianCoreWithTopicsModel, coverage models: each may move a note left at
 * NEEDS_MORE_RATINGS or NEEDS_YOUR_HELP to CRH, NYH or CRNH, but never make helpful a note that
 * Core (or, where Core did not score it, Expansion) firmly rejected or rated not helpful (its
 * CRNH still stands over a FIRM_REJECT, as in the reference's output on cn-small); then rule 6,
 * the topic models' veto (`topicVetoes`): a CRH or NYH note its topic model is confident in and
 * finds wanting goes to NMR. Each note keeps the scorer that decided it, and the topic notes a
 * topic model scored without confidence are marked for stabilisation to hold.
 */
export function metaScore(scorers: MetaScoringInput): ModelDecision {
  const noteCount = scorers.core.status.length;
  const status = new Uint8Array(noteCount).fill(NMR);
  const decidedBy = new Uint8Array(noteCount).fill(MetaRule.ExpansionPlusModel);
  const apply = (scorer: ScorerStatuses, rule: MetaRule): void => {
    for (let n = 0; n < noteCount; n++) {
      if (scorer.scored[n] === 0) continue;
      status[n] = publicStatus(scorer.status[n]);
      decidedBy[n] = rule;
    }
  };
  apply(scorers.expansionPlus, MetaRule.ExpansionPlusModel);
  apply(scorers.expansion, MetaRule.ExpansionModel);
  apply(scorers.coreWithTopics, MetaRule.CoreWithTopicsModel);
  apply(scorers.core, MetaRule.CoreModel);
  const cover = (scorer: ScorerStatuses, rule: MetaRule): void => {
    for (let n = 0; n < noteCount; n++) {
      const current = status[n];
      if (scorer.scored[n] === 0 || (current !== NMR && current !== NYH)) continue;
      const proposed = scorer.status[n];
      if (proposed === current) continue;
      const guard = scorers.core.scored[n] ? scorers.core.status[n] : scorers.expansion.status[n];
      const blocked = guard === FR || guard === CRNH;
      if (proposed === CRNH || (!blocked && (proposed === CRH || proposed === NYH))) {
        status[n] = proposed;
        decidedBy[n] = rule;
      }
    }
  };
  cover(scorers.gaussian, MetaRule.GaussianModel);
  cover(scorers.gaussianCoreWithTopics, MetaRule.GaussianCoreWithTopicsModel);
  const topics = scorers.topicModels;
  if (!topics) return { status, decidedBy };
  for (let n = 0; n < noteCount; n++) {
    if ((status[n] === CRH || status[n] === NYH) && topicVetoes(topics, n)) {
      status[n] = NMR;
      decidedBy[n] = MetaRule.TopicModel;
    }
  }
  const unconfidentTopic = Uint8Array.from(topics.scored, (scored, n) =>
    scored === 1 && topics.confident[n] === 0 ? 1 : 0,
  );
  return { status, decidedBy, unconfidentTopic };
}
