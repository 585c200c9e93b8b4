// The background script (Chromium's service worker, Firefox's event page): looks pages up for
// the content scripts, with the extension's access to the followed instances, and turns the
// toolbar button into "show or hide the panel".
import { answerMessage } from './background-messages';
import { ext } from './shared/extension-api';

ext.runtime.onMessage.addListener(answerMessage);

ext.action?.onClicked.addListener((tab) => {
  if (tab.id !== undefined)
    void ext.tabs?.sendMessage(tab.id, { type: 'toggle' }).catch(() => undefined);
});
