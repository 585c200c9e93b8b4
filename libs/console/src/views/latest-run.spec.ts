import type { CommunityOverviewResponse, FactorHistogramResponse } from '@bridgenotes/protocol';

import { factorsCaption, noRegimeText } from './latest-run';

const FINISHED = '2026-11-25T10:00:00.000Z';
const counts = [0, 1, 2, 0];

/** The overview's fields the captions read; the rest is the API's and does not matter here. */
const overview = (
  fields: Pick<CommunityOverviewResponse, 'latestRunFinishedAt' | 'regime' | 'raterFactors'>,
) => fields as CommunityOverviewResponse;
/** The overview after a run that finished at FINISHED. */
const latest = (
  regime: CommunityOverviewResponse['regime'],
  raterFactors: FactorHistogramResponse | null,
) => overview({ latestRunFinishedAt: FINISHED, regime, raterFactors });
const histogram = (groups: FactorHistogramResponse['groups']): FactorHistogramResponse => ({
  min: -1,
  max: 1,
  counts,
  groups,
});

describe("the Scoring page's words for the latest run", () => {
  it('says no run has published factors only when none has finished', () => {
    const none = overview({ latestRunFinishedAt: null, regime: null, raterFactors: null });
    expect(factorsCaption(none)).toEqual({
      title: "Raters' factors in the latest run",
      note: 'No run has published one yet.',
      chart: false,
    });
    expect(noRegimeText(none)).toBe('No scoring run has finished yet.');
  });

  it('says a run made before the histogram was recorded was made before it, not that none ran', () => {
    const before = latest(null, null);
    expect(factorsCaption(before)).toEqual({
      title: "Raters' factors in the latest run",
      note: "The latest run (2026-11-25) was made before runs recorded their raters' factors; the next run records them.",
      chart: false,
    });
    expect(noRegimeText(before)).toBe(
      'The latest run (2026-11-25) was made before runs recorded their regime: the Core model decided it, as it decided every run then.',
    );
    // A small-community run before the histogram: the same, under the groups' heading.
    const small = latest('small-community', null);
    expect(factorsCaption(small)).toMatchObject({
      title: "Members' viewpoints and opinion groups in the latest run",
      note: expect.stringMatching(/^The latest run \(2026-11-25\) was made before runs recorded/),
      chart: false,
    });
  });

  it("shows an old small-community run's Core factors as the Core's, not as its opinion groups", () => {
    // Stored before the publisher recorded the groups: `{ min, max, counts }` of the Core's fit.
    const old = latest('small-community', histogram(null));
    expect(factorsCaption(old)).toEqual({
      title: "Raters' factors in the Core model's fit of the latest run",
      note: "The latest run (2026-11-25) was made before runs recorded the opinion groups' viewpoint fit and sizes: these are the Core model's factors, which did not decide it. The next run records the groups.",
      chart: true,
    });
  });

  it('titles a current run by the fit that decided it, and adds nothing', () => {
    const groups = latest('small-community', histogram({ sizes: [1, 2], margin: 0.1 }));
    expect(factorsCaption(groups)).toEqual({
      title: "Members' viewpoints and opinion groups in the latest run",
      note: null,
      chart: true,
    });
    const core = latest('core', histogram(null));
    expect(factorsCaption(core)).toEqual({
      title: "Raters' factors in the latest run",
      note: null,
      chart: true,
    });
  });
});
