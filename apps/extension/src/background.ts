// The background script (Chromium's service worker, Firefox's event page): looks pages up for
// the content scripts, with the extension's access to the followed instances, and turns the
// toolbar button into "show or hide the panel".
import { answerMessage } from './background-messages';
import { ext } from './shared/extension-api';
import { dropPanelTokens } from './shared/panel-tokens';

ext.runtime.onMessage.addListener(answerMessage);

/**
 * The member's identities are in `storage.local`, which content scripts may read by default, and
 * a content script runs in the page's renderer: only the extension's own pages and this worker
 * may use it. Set at each start of the worker, and at the browser's (the listener wakes it).
 * Chromium takes it for `storage.local` from 140 only (before, for `storage.session` alone, and
 * refused it here): the manifest's `minimum_chrome_version` is 140 for that (manifest.spec.ts).
 * Firefox takes it for `storage.session` only: there content scripts keep their access
 * (docs/extension.md), and the call, where it exists, fails unheard.
 */
const keepStorageFromContentScripts = () =>
  void ext.storage.local
    .setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' })
    .catch(() => undefined);
keepStorageFromContentScripts();
ext.runtime.onStartup.addListener(keepStorageFromContentScripts);

ext.tabs?.onRemoved.addListener((tabId) => void dropPanelTokens(tabId).catch(() => undefined));

ext.action?.onClicked.addListener((tab) => {
  if (tab.id !== undefined)
    void ext.tabs?.sendMessage(tab.id, { type: 'toggle' }).catch(() => undefined);
});
