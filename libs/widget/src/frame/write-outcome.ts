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
