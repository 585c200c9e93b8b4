// What the background answers the extension's own scripts: the content script in each page (a
// panel token, the page's lookup, a listing's offer) and the extension's pages (the panel's
// check, lookup, rating and membership; the settings). background.ts listens with it.
import { ext, type MessageSender } from './shared/extension-api';
import { type ListingMessage, listingOf, offerFor, offerPage } from './shared/listing';
import { isSettleMembership, settleFollowed } from './shared/membership';
import { countPageNotes, type LookupMessage, lookUpPage } from './shared/page-notes';
import { issuePanelToken, panelTokenValid } from './shared/panel-tokens';
import { isSaveRating, saveRating } from './shared/storage';

/**
 * Whether `sender` is one of the extension's own pages (the panel, the settings), not a content
 * script: a content script runs in the page's renderer, and one the page subverted must not
 * rate, record a membership or read another post's notes through the background.
 */
export const fromExtensionPage = (sender: MessageSender): boolean =>
  typeof sender.url === 'string' && sender.url.startsWith(ext.runtime.getURL(''));

/** Answers `message` with `respond` and returns true, or returns undefined: not for it. */
export function answerMessage(
  message: unknown,
  sender: MessageSender,
  respond: (answer: unknown) => void,
): boolean | undefined {
  const typed = message as { type?: string; token?: unknown } | null;
  if (typed?.type === 'panel-token') {
    issuePanelToken(sender.tab?.id).then(respond, () => respond(''));
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
  if (request?.type === 'lookup') {
    countPageNotes(request.page).then(respond, () => respond({ helpful: 0, toRate: 0 }));
    return true;
  }
  // The rest is the panel's (and the settings'): never a content script's.
  if (!fromExtensionPage(sender)) return undefined;
  if (typed?.type === 'panel-check') {
    panelTokenValid(typed.token, sender.tab?.id).then(respond, () => respond(false));
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
  if (request?.type === 'lookup-notes') {
    lookUpPage(request.page).then(respond, () => respond([]));
    return true;
  }
  return undefined;
}
