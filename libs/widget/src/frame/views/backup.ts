// "Back up identity": offered wherever an identity is kept (a member or not), and before anything
// that would replace it (views/member-panel.ts, storage-access.ts).
import { button, focusHere, h } from '../dom';
import { formatList, t } from '../i18n';
import type { Holding } from '../member-store';

/**
 * The button that shows `backup` for safekeeping, and where it shows it; `onShown` runs once it
 * was shown (what waits for the member to have had the backup in hand).
 */
export function backupControl(backup: string, onShown?: () => void): HTMLElement[] {
  const output = h('textarea', { readonly: true, rows: '3', 'aria-label': t('backup') });
  const reveal = h('div', { hidden: true }, h('p', {}, t('backupHint')), output);
  const show = button(t('backup'), () => {
    output.value = backup;
    reveal.hidden = false;
    focusHere(output);
    onShown?.();
  });
  return [show, reveal];
}

/** The communities `holdings` name, as one phrase. */
export const communitiesNamed = (holdings: readonly Holding[]): string =>
  formatList(holdings.map((holding) => holding.name));
