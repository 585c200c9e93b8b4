// What a failed action tells the member, in the settings and the panel: for an instance's
// refusal (or the network's, or the click-jacking guard's), the widget's sentence for its code,
// with the code for whoever helps them (`refusalText`: the API's message only, quoted, for a code
// the widget has no sentence for), never the API's `code: message`; for a
// follow at an address the extension no longer reaches, where to follow it instead; for
// anything else, the extension's own sentence it carries.
import { refusalText } from '@bridgenotes/widget';
import { INSTANCE_UNSUPPORTED, InstanceError } from './instance';
import { localhostFor } from './storage';
import { t } from './strings';

/** What is said of a follow at `instance`, an address the extension no longer reaches. */
const unsupportedText = (instance: string): string =>
  `${t('instanceUnsupported', {
    instance: new URL(instance).host,
    replacement: localhostFor(instance),
  })} (code ${INSTANCE_UNSUPPORTED})`;

export function failureMessage(error: unknown): string {
  if (error instanceof InstanceError && error.code === INSTANCE_UNSUPPORTED) {
    return unsupportedText((error.details as { instance: string }).instance);
  }
  if (error instanceof InstanceError) return refusalText(error);
  return t('failed', { message: (error as Error)?.message ?? String(error) });
}
