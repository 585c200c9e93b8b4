import type { ExportClient, ExportManifest } from '@bridgenotes/open-data';

/**
 * How a pull reads the origin's requests. `changes`: its records carry their batch, so it
 * serves them in change order, and the pull reads only those stored since its cursor. `whole`:
 * an origin from before requests had a feed serves them in id order only, and ids are random
 * (one stored later may sort before any cursor), so the pull reads the stream from its start,
 * as mirrors did then. Undefined: nothing to read (no such stream, or no request yet).
 */
export async function requestsOrder(
  client: ExportClient,
  manifest: ExportManifest,
): Promise<'changes' | 'whole' | undefined> {
  // Absent from exports made before requests were.
  if (!manifest.streams.includes('requests')) return undefined;
  // One record says which: an instance gives every request its batch, or none.
  const [first] = await client.page('requests', { limit: 1 });
  if (!first) return undefined;
  return first.changedBatch === undefined ? 'whole' : 'changes';
}
