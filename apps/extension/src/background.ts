// The background script (Chromium's service worker, Firefox's event page): looks pages up for
// the content scripts, with the extension's access to the followed instances, and turns the
// toolbar button into "show or hide the panel".
import { ext } from './shared/extension-api';
import { type ListingMessage, listingOf, offerFor, offerPage } from './shared/listing';
import { isSettleMembership, settleFollowed } from './shared/membership';
import { countPageNotes, type LookupMessage, lookUpPage } from './shared/page-notes';
import { issuePanelToken, panelTokenValid } from './shared/panel-tokens';
import { isSaveRating, saveRating } from './shared/storage';

ext.runtime.onMessage.addListener((message, sender, respond) => {
  const panel = message as { type?: string; token?: unknown } | null;
  if (panel?.type === 'panel-token') {
    issuePanelToken(sender.tab?.id).then(respond, () => respond(''));
    return true;
  }
  if (panel?.type === 'panel-check') {
    panelTokenValid(panel.token, sender.tab?.id).then(respond, () => respond(false));
    return true;
  }
  if (isSaveRating(message)) {
    // Here rather than in the panel, which is refused the storage lock (shared/storage.ts).
    saveRating(message).then(
      () => respond(true),
      () => respond(false),
    );
    return true;
  }
  if (isSettleMembership(message)) {
    // Here for the panel too: it is refused the storage lock to record the seal.
    settleFollowed(message).then(respond, () => respond(false));
    return true;
  }
  const listing = message as ListingMessage | null;
  if (listing?.type === 'offer') {
    offerFor(listing.href).then(respond, () => respond(null));
    return true;
  }
  if (listing?.type === 'open-offer') {
    // A click on the page's offer follows nothing: the page can hide the offer and steer a click
    // onto it. The settings open in a tab of their own with the community filled in, and the
    // reader follows it there (docs/extension.md, "How a community lists its instance").
    if (!listingOf(listing.href) || !ext.tabs) return undefined;
    const url = offerPage(ext.runtime.getURL('options.html'), listing.href);
    ext.tabs.create({ url }).then(
      () => respond(true),
      () => respond(false),
    );
    return true;
  }
  const request = message as LookupMessage | null;
  if (request?.type === 'lookup-notes') {
    lookUpPage(request.page).then(respond, () => respond([]));
    return true;
  }
  if (request?.type !== 'lookup') return undefined;
  countPageNotes(request.page).then(respond, () => respond({ helpful: 0, toRate: 0 }));
  return true;
});

ext.action?.onClicked.addListener((tab) => {
  if (tab.id !== undefined)
    void ext.tabs?.sendMessage(tab.id, { type: 'toggle' }).catch(() => undefined);
});
