import { eventually, PATIENCE_MS } from '@bridgenotes/testing';

import { callApi } from './http';

/** A run as `GET /communities/:slug/scoring-runs` lists it: the fields the suites read. */
export interface ListedRun {
  id: string;
  status: string;
  finishedAt: string | null;
  ratingCount: number;
  inputHash: string;
  dataHash: string;
}

/**
 * The community's latest published run on the API at `baseUrl`, as the mirror picks the
 * origin's (`OriginResultsPuller`: the last SUCCEEDED by finish time); undefined while there is
 * none. The list (latest request first) also holds queued, running and failed runs, and one of
 * those on top (a retried run on a busy machine) is not the run whose results readers see.
 */
export async function latestPublishedRun(
  baseUrl: string,
  slug: string,
): Promise<ListedRun | undefined> {
  const page = await callApi(baseUrl, 'GET', `/communities/${slug}/scoring-runs?limit=20`);
  const published = (page.items as ListedRun[])
    .filter((run) => run.status === 'SUCCEEDED' && run.finishedAt !== null)
    .sort((a, b) => Date.parse(b.finishedAt as string) - Date.parse(a.finishedAt as string));
  return published[0];
}

/**
 * Waits (the suites' patience) until the community's latest published run covers `ratings`
 * ratings. Looked for twice a second: a run lasts seconds, and every look is a request to the API.
 */
export async function untilRunOver(baseUrl: string, slug: string, ratings: number): Promise<void> {
  await eventually(
    async () => {
      const latest = await latestPublishedRun(baseUrl, slug);
      if (latest?.ratingCount !== ratings) {
        throw new Error(`no run over ${ratings} ratings has been published for ${slug} yet`);
      }
    },
    PATIENCE_MS,
    500,
  );
}
