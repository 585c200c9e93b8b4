// The frame's side of the click-jacking guard (../shared/visibility-guard.ts): a write the member
// could not see is refused like any other, in the frame's words.
import { unshownWrite } from '../shared/visibility-guard';
import { RequestError } from './api';
import { t } from './i18n';

export { guardWrites } from '../shared/visibility-guard';

/** Throws PANEL_HIDDEN or NOT_CONFIRMED, said under the control, unless the member saw it. */
export async function confirmShown(): Promise<void> {
  const refusal = await unshownWrite((action) => t('confirmWrite', { action }));
  if (refusal) throw new RequestError(refusal, 'the member did not see what they clicked');
}
