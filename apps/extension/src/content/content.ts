// The content script, in every page's top frame: reads which post the page shows (its URL and
// canonical link), asks the background to look it up, and frames the panel beside the page when
// a followed community has notes on it. Nothing is added to pages without notes.
import { ext } from '../shared/extension-api';
import { LISTING_SELECTOR, type ListingMessage } from '../shared/listing';
import type { PanelConnect, PanelReport } from '../shared/messages';
import type { LookupMessage, PageNotes } from '../shared/page-notes';

const PANEL_STYLE = `
  :host { all: initial; }
  iframe { position: fixed; top: 16px; right: 16px; z-index: 2147483647;
    width: min(380px, calc(100vw - 32px)); height: 160px; max-height: calc(100vh - 32px);
    border: 0; color-scheme: normal;
    box-shadow: 0 4px 24px rgba(0, 0, 0, 0.25); border-radius: 10px; }
  .offer { bottom: 60px; }
  button { position: fixed; bottom: 16px; right: 16px; z-index: 2147483647; padding: 8px 14px;
    border: 1px solid #0b5cad; border-radius: 18px; background: #ffffff; color: #0b5cad;
    font: 14px/1.2 system-ui, sans-serif; cursor: pointer; }
  [hidden] { display: none; }`;

/**
 * The panel's origin: the extension's own (a page posting there reaches no page of its own). Not
 * that of the panel's address: in Chromium that is a dynamic one (build.js), while the framed
 * panel runs at the extension's id, which getURL('') still gives.
 */
const PANEL_ORIGIN = new URL(ext.runtime.getURL('')).origin;

let host: HTMLElement | undefined;
let frame: HTMLIFrameElement | undefined;
/** The current panel document's end of the channel it reports on. */
let port: MessagePort | undefined;
let pill: HTMLButtonElement | undefined;
let offer: HTMLButtonElement | undefined;
let open = false;
let seen: PageNotes = { helpful: 0, toRate: 0 };
/**
 * The page's element the focus was last on outside the panel (the count button, a link, the
 * post): given back on Close when the count button is hidden, not dropped on the page's body.
 */
let pageFocus: Element | undefined;

addEventListener(
  'focusin',
  (event) => {
    // The panel's frame is in a closed shadow root: its focus is seen here as the host's.
    if (event.target instanceof Element && event.target !== host) pageFocus = event.target;
  },
  true,
);

function pageNow(): LookupMessage['page'] {
  const link = document.querySelector<HTMLLinkElement>('link[rel~="canonical" i][href]');
  return { url: location.href, canonical: link?.href ?? null };
}

function ensurePanel(): void {
  if (host) return;
  host = document.createElement('bridgenotes-extension');
  // Closed: the page's scripts cannot reach into the panel's frame through the host element.
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = PANEL_STYLE;
  frame = document.createElement('iframe');
  frame.title = 'Community notes';
  frame.hidden = true;
  frame.addEventListener('load', connectPanel);
  pill = document.createElement('button');
  pill.type = 'button';
  pill.hidden = true;
  pill.addEventListener('click', () => show(true));
  offer = document.createElement('button');
  offer.type = 'button';
  offer.className = 'offer';
  offer.hidden = true;
  shadow.append(style, frame, pill, offer);
  document.documentElement.append(host);
}

let token: Promise<string> | undefined;

/** The token the background gave this page's panel (see panel-tokens.ts). */
function panelToken(): Promise<string> {
  token ??= ext.runtime.sendMessage({ type: 'panel-token' }) as Promise<string>;
  return token;
}

function show(panelOpen: boolean): void {
  ensurePanel();
  open = panelOpen;
  if (frame) frame.hidden = !open;
  if (pill) {
    const count = seen.helpful + seen.toRate;
    pill.textContent = `Community notes (${count})`;
    pill.hidden = open || count === 0;
  }
  void panelToken().then((value) => {
    const page = encodeURIComponent(JSON.stringify({ ...pageNow(), token: value }));
    const src = `${ext.runtime.getURL('panel.html')}#${page}`;
    if (frame && frame.src !== src) frame.src = src;
  });
}

function hideAll(): void {
  open = false;
  if (frame) frame.hidden = true;
  if (pill) pill.hidden = true;
}

/** The latest check: an earlier one answered late (the reader moved on meanwhile) is dropped. */
let latestCheck = 0;

async function check(): Promise<void> {
  const run = ++latestCheck;
  const found = (await ext.runtime.sendMessage({ type: 'lookup', page: pageNow() })) as PageNotes;
  if (run !== latestCheck) return;
  seen = found;
  if (seen.helpful > 0) show(true);
  else if (seen.toRate > 0) show(false);
  else hideAll();
}

/**
 * A page that lists a community (its own site, usually) gets a button offering to follow it,
 * followed already or not (the page sees the host element appear: shared/listing.ts, offerFor).
 * The button lives in the page, which can hide it (a page's rule outweighs `all: initial`) and
 * steer a click onto it: so its click only opens the settings with the community filled in, and
 * following takes the reader's click there, in a tab no page can style or cover.
 */
async function offerListing(): Promise<void> {
  const link = document.querySelector<HTMLLinkElement>(LISTING_SELECTOR);
  if (!link) return;
  const request: ListingMessage = { type: 'offer', href: link.href };
  const offered = (await ext.runtime.sendMessage(request)) as {
    name: string;
    host: string;
    href: string;
  } | null;
  if (!offered) return;
  ensurePanel();
  const button = offer as HTMLButtonElement;
  button.textContent = `Follow ${offered.name} (${offered.host}) on Bridgenotes`;
  button.hidden = false;
  button.onclick = async () => {
    // The address the background looked up and the button names, not the link's now: the page
    // may point it at another instance once the offer is shown.
    const open: ListingMessage = { type: 'open-offer', href: offered.href };
    const opened = (await ext.runtime.sendMessage(open)) === true;
    button.textContent = opened
      ? `Follow ${offered.name} in the Bridgenotes settings`
      : 'The settings could not be opened';
  };
}

/**
 * At each load of the panel's frame, a new channel: one end goes to the panel, posted to the
 * extension's origin only, with the panel's token; the panel talks back on it alone. The page's
 * window hears nothing of it (the `load` of an about:blank frame posts to no one: wrong origin).
 */
function connectPanel(): void {
  port?.close();
  const channel = new MessageChannel();
  port = channel.port1;
  port.onmessage = (event: MessageEvent) => fromPanel(event.data as PanelReport | null);
  const target = frame?.contentWindow;
  void panelToken().then((token) => {
    const hello: PanelConnect = { source: 'bridgenotes-extension', type: 'connect', token };
    target?.postMessage(hello, PANEL_ORIGIN, [channel.port2]);
  });
}

function fromPanel(data: PanelReport | null): void {
  if (!frame) return;
  if (data?.type === 'close') {
    open = false;
    frame.hidden = true;
    if (pill) pill.hidden = seen.helpful + seen.toRate === 0;
    // The focus was in the frame just hidden: back to the button that opens it again, else to
    // where it was on the page before it went into the panel.
    if (pill && !pill.hidden) pill.focus();
    else if (pageFocus?.isConnected && pageFocus instanceof HTMLElement) pageFocus.focus();
  } else if (data?.type === 'notes') {
    // Open actions take the panel's whole height (PANEL_STYLE's max-height caps it).
    frame.style.height = data.fill ? '100vh' : `${Math.max(80, data.height + 2)}px`;
  }
}

// Back from the browser's back-forward cache: the background has since given this tab's token to
// the page loaded after this one (panel-tokens.ts), so the panel gets a new one.
addEventListener('pageshow', (event) => {
  if (!event.persisted) return;
  token = undefined;
  void check();
});

ext.runtime.onMessage.addListener((message) => {
  if ((message as { type?: string } | null)?.type === 'toggle') show(!open);
  return undefined;
});

// Sites that change posts without loading a page (X, YouTube, Reddit…) use the History API,
// which an isolated world cannot observe: comparing the address once a second is cheap.
let address = location.href;
setInterval(() => {
  if (location.href === address) return;
  address = location.href;
  void check();
}, 1000);

void check();
void offerListing();
