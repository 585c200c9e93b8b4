// What the Scoring page says of the latest run, as text only (no DOM), so that its wording for
// old runs is tested without a browser: a run stored before runs recorded their regime, their
// raters' factors or the opinion groups gets the true sentence, not "no run yet".
import type { CommunityOverviewResponse as Overview } from '@bridgenotes/protocol';

/** The histogram's heading and what is said with it. */
export interface FactorsCaption {
  title: string;
  /** Said instead of the chart when `chart` is false, above it when true; null: nothing. */
  note: string | null;
  chart: boolean;
}

const day = (iso: string) => iso.slice(0, 10);

/** The sentence for a latest run without a regime, or before any run. */
export function noRegimeText(overview: Overview): string {
  return overview.latestRunFinishedAt === null
    ? 'No scoring run has finished yet.'
    : `The latest run (${day(overview.latestRunFinishedAt)}) was made before runs recorded their regime: the Core model decided it, as it decided every run then.`;
}

/** The latest run's raters' factors: under which heading, and what to say of an old run's. */
export function factorsCaption(overview: Overview): FactorsCaption {
  const { latestRunFinishedAt: finished, raterFactors } = overview;
  const groups = overview.regime === 'small-community';
  const title = groups
    ? "Members' viewpoints and opinion groups in the latest run"
    : "Raters' factors in the latest run";
  if (finished === null) {
    return { title, note: 'No run has published one yet.', chart: false };
  }
  if (raterFactors === null) {
    return {
      title,
      note: `The latest run (${day(finished)}) was made before runs recorded their raters' factors; the next run records them.`,
      chart: false,
    };
  }
  if (groups && raterFactors.groups === null) {
    // Published before the groups were recorded, such a run stored the Core's final round.
    return {
      title: "Raters' factors in the Core model's fit of the latest run",
      note: `The latest run (${day(finished)}) was made before runs recorded the opinion groups' viewpoint fit and sizes: these are the Core model's factors, which did not decide it. The next run records the groups.`,
      chart: true,
    };
  }
  return { title, note: null, chart: true };
}
