// The loader a host page includes with one script tag. It only creates an iframe on the
// service's own origin and relays the frame's size and its two events (ready, error): the
// member's identity, the proofs, every request to the API and whatever the member does stay
// inside that frame, out of the host page's reach.
import {
  FrameEvent,
  MESSAGE_SOURCE,
  STYLE_VARS,
  TicketAnswer,
  TicketRequest,
} from './shared/messages';

const script = document.currentScript as HTMLScriptElement | null;
// The service's origin is where this file came from; the frame lives there too.
const service = new URL(script?.src || '/', location.href).origin;
const TAG = 'bridgenotes-widget';
const THEMES = ['light', 'dark', 'auto'];
const LOCALE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/;

function canonicalUrl(): string {
  const link = document.querySelector<HTMLLinkElement>('link[rel="canonical"]');
  const url = new URL(link?.href || location.href);
  url.hash = '';
  return url.href;
}

class BridgenotesWidget extends HTMLElement {
  private frame?: HTMLIFrameElement;
  /** The address the frame was built with (as given: a browser may spell `frame.src` its way). */
  private src?: string;

  private readonly onMessage = (event: MessageEvent): void => {
    // Only our own frame, from the service's origin, may talk to this element.
    if (!this.frame || event.source !== this.frame.contentWindow || event.origin !== service) {
      return;
    }
    const data = event.data as ((FrameEvent | TicketRequest) & { source?: string }) | null;
    if (!data || data.source !== MESSAGE_SOURCE) return;
    if (data.type === 'ticket-request') {
      if (typeof data.nonce === 'string') void this.answerTicket(data.nonce);
      return;
    }
    if (data.type === 'resize') {
      if (Number.isFinite(data.height))
        this.frame.style.height = `${Math.min(Math.max(data.height, 40), 20000)}px`;
      return;
    }
    // The page's events: these two only, with their own fields only. What a member does is never
    // one (shared/messages.ts): every script on the page would hear it.
    let detail: FrameEvent;
    if (data.type === 'ready') {
      this.sendStyle();
      detail = { type: 'ready', notes: Number(data.notes), helpful: Number(data.helpful) };
    } else if (data.type === 'error') {
      detail = { type: 'error', code: String(data.code) };
    } else {
      return;
    }
    this.dispatchEvent(new CustomEvent(`bridgenotes:${data.type}`, { detail, bubbles: true }));
  };

  /**
   * What the frame is built from: changed on a page that stays (a single-page app moving to
   * another article sets `post-url`), the frame is built anew for it, never left on the old post.
   */
  static readonly observedAttributes = ['community', 'post-url', 'theme', 'locale', 'frame-title'];

  /** The frame's address and title from the attributes now; none without a community. */
  private settings(): { src: string; title: string; theme: string } | undefined {
    const community = this.getAttribute('community');
    if (!community) return undefined;
    // The frame refuses unknown themes; a typo should not cost the host its notes.
    const theme = this.getAttribute('theme') ?? '';
    // The frame refuses a malformed tag; without one it follows the browser's languages.
    const locale = this.getAttribute('locale') ?? '';
    const src = `${service}/widget/frame?${new URLSearchParams({
      community,
      post: this.getAttribute('post-url') || canonicalUrl(),
      theme: THEMES.includes(theme) ? theme : 'auto',
      parent: location.origin,
      ...(LOCALE.test(locale) ? { locale } : {}),
    })}`;
    return { src, title: this.getAttribute('frame-title') || 'Community notes', theme };
  }

  connectedCallback(): void {
    const settings = this.settings();
    if (this.frame || !settings) return;
    const { src, title, theme } = settings;
    const frame = document.createElement('iframe');
    frame.src = this.src = src;
    frame.title = title;
    frame.loading = 'lazy';
    // The same color-scheme as the frame's root: where they differ, browsers paint the frame's
    // canvas opaque, and the dark card shows square corners on a light page.
    frame.style.cssText = `display:block;width:100%;height:160px;border:0;background:transparent;color-scheme:${
      theme === 'light' || theme === 'dark' ? theme : 'light dark'
    }`;
    this.frame = frame;
    addEventListener('message', this.onMessage);
    this.appendChild(frame);
  }

  /**
   * An observed attribute set or removed: a new address is a new frame (its member view, its
   * post's notes), a new title only the frame's title. Not before the element is on the page
   * (`connectedCallback` builds it), and not again when the address is the same (an upgrade
   * calls this for each attribute already there).
   */
  attributeChangedCallback(): void {
    if (!this.isConnected) return;
    const settings = this.settings();
    if (this.frame && settings && this.src === settings.src) {
      this.frame.title = settings.title;
      return;
    }
    this.disconnectedCallback();
    this.connectedCallback();
  }

  disconnectedCallback(): void {
    removeEventListener('message', this.onMessage);
    this.frame?.remove();
    this.frame = undefined;
  }

  /** Answers the frame only, at the service's origin; the ticket is not kept here either. */
  private async answerTicket(nonce: string): Promise<void> {
    let answer: Pick<TicketAnswer, 'ticket' | 'error'>;
    try {
      answer = { ticket: await this.ticket() };
    } catch (error) {
      answer = { error: (error as Error).message === 'SIGNED_OUT' ? 'SIGNED_OUT' : 'UNAVAILABLE' };
    }
    this.frame?.contentWindow?.postMessage(
      { source: MESSAGE_SOURCE, type: 'ticket', nonce, ...answer },
      service,
    );
  }

  /**
   * The page's own answer to a cancelable `bridgenotes:ticket-needed` event, else one POST to
   * the `ticket-endpoint`, which must be on the page's own origin (its login cookie goes along).
   */
  private ticket(): Promise<string> {
    return new Promise((resolve, reject) => {
      const provide = (ticket: unknown) =>
        typeof ticket === 'string' && ticket ? resolve(ticket) : reject(new Error('SIGNED_OUT'));
      const needed = new CustomEvent('bridgenotes:ticket-needed', {
        detail: { provide },
        bubbles: true,
        cancelable: true,
      });
      if (!this.dispatchEvent(needed)) return;
      const url = new URL(this.getAttribute('ticket-endpoint') ?? '', location.href);
      if (!this.hasAttribute('ticket-endpoint') || url.origin !== location.origin) {
        throw new Error('UNAVAILABLE');
      }
      // A host that sends its signed-out users to a login page answers with a redirect, or with
      // the page itself: that is no ticket (sent as one, the frame would blame the site's set-up).
      fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/jwt' },
        redirect: 'manual',
      }).then(async (response) => {
        const type = response.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
        if (response.ok && type === 'application/jwt') {
          return resolve((await response.text()).trim());
        }
        const signedOut =
          response.type === 'opaqueredirect' || [401, 403].includes(response.status) || response.ok;
        reject(new Error(signedOut ? 'SIGNED_OUT' : 'UNAVAILABLE'));
      }, reject);
    });
  }

  private sendStyle(): void {
    const computed = getComputedStyle(this);
    const vars: Record<string, string> = {};
    for (const name of STYLE_VARS) {
      const value = computed.getPropertyValue(name).trim();
      if (value) vars[name] = value;
    }
    this.frame?.contentWindow?.postMessage(
      { source: MESSAGE_SOURCE, type: 'style', vars },
      service,
    );
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, BridgenotesWidget);

// <script data-community="…"> embeds a widget right where the script tag is.
if (script?.dataset['community']) {
  const widget = document.createElement(TAG);
  for (const [name, value] of Object.entries({
    community: script.dataset['community'],
    'post-url': script.dataset['postUrl'],
    theme: script.dataset['theme'],
    'frame-title': script.dataset['title'],
    locale: script.dataset['locale'],
    'ticket-endpoint': script.dataset['ticketEndpoint'],
  })) {
    if (value) widget.setAttribute(name, value);
  }
  script.after(widget);
}
