import { metaScore, type MetaScoringInput } from './meta-scoring';
import { MetaRule, NoteStatus } from './note-status';
import type { ScorerStatuses } from './scorer-models';

const {
  NeedsMoreRatings: NMR,
  CurrentlyRatedHelpful: CRH,
  CurrentlyRatedNotHelpful: CRNH,
} = NoteStatus;
const { NeedsYourHelp: NYH, FirmReject: FR } = NoteStatus;

/** A scorer's statuses; `scored` 0 where the scorer left the note out (NaN in the reference). */
function scorer(status: number[], scored = status.map(() => 1)): ScorerStatuses {
  return {
    status: Uint8Array.from(status),
    decidedBy: new Uint8Array(status.length),
    activeRules: new Uint32Array(status.length),
    scored: Uint8Array.from(scored),
  };
}

/** Every scorer agreeing with Core unless given. */
function inputs(core: ScorerStatuses, rest: Partial<MetaScoringInput> = {}): MetaScoringInput {
  return {
    core,
    coreWithTopics: core,
    expansion: core,
    expansionPlus: scorer([...core.status].map(() => NMR)),
    gaussian: core,
    gaussianCoreWithTopics: core,
    ...rest,
  };
}

describe('metaScore (§9 rules 1–5: ExpansionPlus, Expansion, CoreWithTopics, Core, Gaussian)', () => {
  it('keeps the Core status where Core scored, FIRM_REJECT shown as NMR', () => {
    const core = scorer([CRH, CRNH, NYH, NMR, FR]);
    const { status, decidedBy } = metaScore(
      inputs(core, { gaussian: scorer([CRH, CRNH, NYH, NMR, NMR]) }),
    );
    expect([...status]).toEqual([CRH, CRNH, NYH, NMR, NMR]);
    expect([...decidedBy]).toEqual(Array(5).fill(MetaRule.CoreModel));
  });

  it('lets the lower-priority scorers decide the notes Core left out, in order', () => {
    // Note 0: a topic note (CoreWithTopics decides); 1: unrated (only ExpansionPlus scores it);
    // 2: scored by Expansion but not by either Core scorer.
    const core = scorer([NMR, NMR, NMR], [0, 0, 0]);
    const { status, decidedBy } = metaScore(
      inputs(core, {
        coreWithTopics: scorer([CRH, NMR, NMR], [1, 0, 0]),
        expansion: scorer([NMR, NMR, CRNH], [1, 0, 1]),
        expansionPlus: scorer([NMR, NMR, NMR]),
        gaussian: scorer([NMR, NMR, NMR], [0, 0, 0]),
        gaussianCoreWithTopics: scorer([NMR, NMR, NMR], [1, 0, 1]),
      }),
    );
    expect([...status]).toEqual([CRH, NMR, CRNH]);
    expect([...decidedBy]).toEqual([
      MetaRule.CoreWithTopicsModel,
      MetaRule.ExpansionPlusModel,
      MetaRule.ExpansionModel,
    ]);
  });

  it('lets the Gaussian scorers move notes left at NMR or NYH', () => {
    const core = scorer([NMR, NYH, NMR, NYH, NMR], [1, 1, 1, 1, 0]);
    const { status, decidedBy } = metaScore(
      inputs(core, {
        coreWithTopics: scorer([NMR, NYH, NMR, NYH, NMR]),
        gaussian: scorer([CRH, CRH, CRNH, CRNH, NMR], [1, 1, 1, 1, 0]),
        gaussianCoreWithTopics: scorer([CRH, CRH, CRNH, CRNH, CRH]),
      }),
    );
    expect([...status]).toEqual([CRH, CRH, CRNH, CRNH, CRH]);
    expect([...decidedBy]).toEqual([
      ...Array(4).fill(MetaRule.GaussianModel),
      MetaRule.GaussianCoreWithTopicsModel,
    ]);
  });

  it('never makes helpful a note Core rejected or rated not helpful, nor demotes a model', () => {
    const core = scorer([FR, CRNH, CRH, CRH, FR]);
    const { status, decidedBy } = metaScore(
      inputs(core, {
        gaussian: scorer([CRH, CRH, NMR, CRNH, CRNH]),
        gaussianCoreWithTopics: scorer([CRH, CRH, NMR, CRNH, CRNH]),
      }),
    );
    // A Core FIRM_REJECT still becomes not helpful when the Gaussian scorer says so.
    expect([...status]).toEqual([NMR, CRNH, CRH, CRH, CRNH]);
    expect([...decidedBy]).toEqual([
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.CoreModel,
      MetaRule.GaussianModel,
    ]);
  });

  it("guards a note Core left out with Expansion's firm reject", () => {
    const core = scorer([NMR], [0]);
    const { status, decidedBy } = metaScore(
      inputs(core, {
        coreWithTopics: scorer([NMR]),
        expansion: scorer([FR]),
        gaussian: scorer([NMR], [0]),
        gaussianCoreWithTopics: scorer([CRH]),
      }),
    );
    expect([...status]).toEqual([NMR]);
    expect([...decidedBy]).toEqual([MetaRule.CoreWithTopicsModel]);
  });

  it('lets a confident topic model send a helpful topic note to NMR (rule 6), and marks the rest', () => {
    // 0: CRH below the topic's bar; 1: NYH split along the topic's axis; 2: CRH the topic model
    // finds fine; 3: CRH, the topic model not confident; 4: CRNH, never touched; 5: no topic.
    const core = scorer([CRH, NYH, CRH, CRH, CRNH, CRH]);
    const topicModels = {
      scored: Uint8Array.from([1, 1, 1, 1, 1, 0]),
      intercept: Float64Array.from([0.2, 0.5, 0.3, 0.1, -0.3, NaN]),
      factor: Float64Array.from([0, -0.6, 0.5, 0, 0, NaN]),
      confident: Uint8Array.from([1, 1, 1, 0, 1, 0]),
      finalRatings: new Int32Array(6),
    };
    const { status, decidedBy, unconfidentTopic } = metaScore(inputs(core, { topicModels }));
    // The thresholds are strict: 0.24 itself and ±0.51 itself pass.
    const edge = metaScore(
      inputs(scorer([CRH, CRH]), {
        topicModels: {
          scored: Uint8Array.from([1, 1]),
          intercept: Float64Array.from([0.24, 0.4]),
          factor: Float64Array.from([0, -0.51]),
          confident: Uint8Array.from([1, 1]),
          finalRatings: new Int32Array(2),
        },
      }),
    );
    expect([...edge.status]).toEqual([CRH, CRH]);
    expect([...status]).toEqual([NMR, NMR, CRH, CRH, CRNH, CRH]);
    expect([...decidedBy]).toEqual([
      MetaRule.TopicModel,
      MetaRule.TopicModel,
      ...Array(4).fill(MetaRule.CoreModel),
    ]);
    expect([...(unconfidentTopic ?? [])]).toEqual([0, 0, 0, 1, 0, 0]);
  });
});
