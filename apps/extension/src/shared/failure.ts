// What a failed action tells the member, in the settings and the panel: for an instance's
// refusal (or the network's, or the click-jacking guard's), the widget's sentence for its code,
// with the code for whoever helps them (`refusalText`), never the API's `code: message`; for
// anything else, the extension's own sentence it carries.
import { refusalText } from '@bridgenotes/widget';
import { InstanceError } from './instance';
import { t } from './strings';

export function failureMessage(error: unknown): string {
  if (error instanceof InstanceError) return refusalText(error);
  return t('failed', { message: (error as Error)?.message ?? String(error) });
}
