// The background script (Chromium's service worker, Firefox's event page): looks pages up for
// the content scripts, with the extension's access to the followed instances, and turns the
// toolbar button into "show or hide the panel".
import { ext } from './shared/extension-api';
import { followCommunity, type ListingMessage, listingOf, offerFor } from './shared/listing';
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
  if (listing?.type === 'follow') {
    // Only ever on the reader's click on the offer the page's content script showed.
    const named = listingOf(listing.href);
    if (!named) return undefined;
    followCommunity(named.instance, named.slug).then(
      (entry) => respond(entry.name),
      () => respond(null),
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
