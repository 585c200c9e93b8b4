// A second built API for the tests of a join waiting for its batch (docs/threat-model.md): the
// test run's own API seals every write in its request (SEAL_WINDOW_SECONDS=0), so a join is never
// pending there.
import type { Client } from 'pg';

import { commitmentOf, createIdentity } from '@bridgenotes/client';
import type { GroupLeavesResponse } from '@bridgenotes/protocol';
import { eventually } from '@bridgenotes/testing';
import { callApi } from './http';
import { startBuiltApi } from './processes';

/**
 * The built API with a write buffer that seals a community's joins two at a time, within a
 * second of the second one, and never for waiting alone (no longest wait): a join stays pending
 * until the test completes its batch. It shares the test run's database, where the run's own API
 * buffers nothing, and seals only what waits there. Resolves once it listens (`startBuiltApi`).
 */
export const startBatchingApi = (env: Record<string, string> = {}) =>
  startBuiltApi({
    SEAL_WINDOW_SECONDS: '1',
    SEAL_MIN_MEMBERS: '2',
    SEAL_MAX_WAIT_SECONDS: '0',
    ...env,
  });

/** What waits in the write buffer for a community, in no particular order. */
export async function bufferedWrites(
  database: Client,
  communityId: string,
): Promise<{ kind: string; actor: string; payload: Record<string, unknown> }[]> {
  const { rows } = await database.query(
    'SELECT kind, actor, payload FROM write_buffer WHERE community_id = $1',
    [communityId],
  );
  return rows;
}

/**
 * Completes the batch `commitment`'s join waits in: another member joins through the API, as the
 * CLI would, and the batching API seals the two. Answers the published group once it lists
 * `commitment`.
 */
export async function completeJoinBatch(
  apiUrl: string,
  slug: string,
  commitment: string,
): Promise<GroupLeavesResponse & { second: string }> {
  const second = commitmentOf(createIdentity());
  await callApi(apiUrl, 'POST', `/communities/${slug}/members`, { commitment: second });
  const group = await eventually(async () => {
    const published: GroupLeavesResponse = await callApi(
      apiUrl,
      'GET',
      `/communities/${slug}/group/leaves`,
    );
    if (!published.leaves.includes(commitment)) throw new Error('the batch is not sealed yet');
    return published;
  });
  return { ...group, second };
}
