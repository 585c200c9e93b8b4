// What a member reads once a note or a rating is answered (shared/write-wait-key.ts).
import type { CommunityResponse } from '@bridgenotes/protocol';

import { writeWaitKey } from '../shared/write-wait-key';
import { t } from './i18n';

/** The outcome of a note (`noted`) or a rating (`rated`) in `community`, by its sealing. */
export function writeOutcome(
  community: Pick<CommunityResponse, 'sealing'>,
  write: 'noted' | 'rated',
): string {
  const { key, hours } = writeWaitKey(write, community);
  return t(key, { hours });
}

/**
 * Whether `community`'s writes wait for their batch after the API's answer (the outcome says so):
 * not where every write is sealed in its request, or an older instance says no seal wait.
 */
export const writeWaits = (community: Pick<CommunityResponse, 'sealing'>): boolean =>
  writeWaitKey('noted', community).key !== 'noted';
