// The loader's element, on a stand-in for the few DOM parts it touches (the unit tests have no
// browser; apps/api-e2e's widget specs run it in Chromium): a custom element's attributes call
// its `attributeChangedCallback` for the names it observes, as browsers do.
import { MESSAGE_SOURCE } from './shared/messages';

const SERVICE = 'https://notes.example.org';

interface StandInFrame {
  src: string;
  title: string;
  loading: string;
  style: { cssText: string };
  removed: boolean;
  contentWindow: { postMessage: jest.Mock };
  remove(): void;
}

class StandInElement {
  static observedAttributes?: string[];
  readonly attributes = new Map<string, string>();
  readonly children: StandInFrame[] = [];
  isConnected = false;

  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  hasAttribute(name: string): boolean {
    return this.attributes.has(name);
  }
  setAttribute(name: string, value: string): void {
    const old = this.getAttribute(name);
    this.attributes.set(name, value);
    const observed = (this.constructor as typeof StandInElement).observedAttributes ?? [];
    const element = this as unknown as {
      attributeChangedCallback?: (name: string, old: string | null, value: string) => void;
    };
    if (observed.includes(name)) element.attributeChangedCallback?.(name, old, value);
  }
  appendChild(child: StandInFrame): void {
    this.children.push(child);
  }
  dispatchEvent(event: Event): boolean {
    return !event.defaultPrevented;
  }
}

const listeners: ((event: unknown) => void)[] = [];
let Widget: new () => StandInElement & { connectedCallback(): void };

beforeAll(async () => {
  Object.assign(globalThis, {
    HTMLElement: StandInElement,
    document: {
      currentScript: { src: `${SERVICE}/embed.js`, dataset: {} },
      querySelector: () => null,
      createElement: (): StandInFrame => ({
        src: '',
        title: '',
        loading: '',
        style: { cssText: '' },
        removed: false,
        contentWindow: { postMessage: jest.fn() },
        remove() {
          this.removed = true;
        },
      }),
    },
    location: { href: 'https://news.example.com/a', origin: 'https://news.example.com' },
    addEventListener: (type: string, listener: (event: unknown) => void) => {
      if (type === 'message') listeners.push(listener);
    },
    removeEventListener: (_type: string, listener: (event: unknown) => void) => {
      if (listeners.includes(listener)) listeners.splice(listeners.indexOf(listener), 1);
    },
    customElements: {
      get: () => undefined,
      define: (_tag: string, element: typeof Widget) => (Widget = element),
    },
  });
  await import('./embed');
});

/** A widget on the page, with `attributes`. */
function placed(attributes: Record<string, string>) {
  const widget = new Widget();
  for (const [name, value] of Object.entries(attributes)) widget.setAttribute(name, value);
  widget.isConnected = true;
  widget.connectedCallback();
  return widget;
}
const frameOf = (widget: StandInElement) => widget.children.filter((frame) => !frame.removed);
const postOf = (frame: StandInFrame) => new URL(frame.src).searchParams.get('post');

describe('the element’s attributes', () => {
  it('builds the frame anew for another post-url (a single-page app’s navigation)', () => {
    const widget = placed({ community: 'city-news', 'post-url': 'https://news.example.com/a' });
    expect(frameOf(widget).map(postOf)).toEqual(['https://news.example.com/a']);

    widget.setAttribute('post-url', 'https://news.example.com/b');

    expect(frameOf(widget).map(postOf)).toEqual(['https://news.example.com/b']);
    expect(widget.children).toHaveLength(2);
    // One listener for the one frame, never one per frame built.
    expect(listeners).toHaveLength(1);
    widget.setAttribute('theme', 'dark');
    expect(frameOf(widget).map((frame) => new URL(frame.src).searchParams.get('theme'))).toEqual([
      'dark',
    ]);
    expect(listeners).toHaveLength(1);
  });

  it('renames the frame in place for a new title, and builds it once a community is set', () => {
    const widget = placed({});
    expect(widget.children).toHaveLength(0);
    widget.setAttribute('community', 'city-news');
    expect(frameOf(widget)).toHaveLength(1);
    widget.setAttribute('frame-title', 'Notes from readers');
    expect(widget.children).toHaveLength(1);
    expect(widget.children.map((frame) => frame.title)).toEqual(['Notes from readers']);
    // What an upgrade does: each attribute already there, said again, builds nothing more.
    widget.setAttribute('community', 'city-news');
    expect(widget.children).toHaveLength(1);
  });
});

describe('the ticket endpoint', () => {
  const answers: unknown[] = [];
  /** The loader's answer to its frame's ticket request, the endpoint answering `response`. */
  async function ticketAnswer(response: Partial<Response>) {
    const fetched = jest.fn(async () => response);
    Object.assign(globalThis, { fetch: fetched });
    listeners.length = 0;
    const widget = placed({ community: 'city-news', 'ticket-endpoint': '/ticket' });
    const [frame] = frameOf(widget);
    if (!frame) throw new Error('no frame built');
    const nonce = `n${answers.length}`;
    for (const listener of [...listeners]) {
      listener({
        source: frame.contentWindow,
        origin: SERVICE,
        data: { source: MESSAGE_SOURCE, type: 'ticket-request', nonce },
      });
    }
    await new Promise<void>((resolve) => {
      const sent = () =>
        frame.contentWindow.postMessage.mock.calls.length > 0 ? resolve() : setImmediate(sent);
      sent();
    });
    expect(fetched).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ redirect: 'manual' }),
    );
    const [[answer]] = frame.contentWindow.postMessage.mock.calls as [unknown][];
    answers.push(answer);
    return answer as { ticket?: string; error?: string };
  }

  it('takes a JWT answer as the ticket', async () => {
    await expect(
      ticketAnswer(
        new Response('a.b.c\n', {
          headers: { 'Content-Type': 'application/jwt; charset=utf-8' },
        }),
      ),
    ).resolves.toMatchObject({ ticket: 'a.b.c' });
  });

  it('says a signed-out user for a redirect to a login page, or the page itself', async () => {
    const redirected = { type: 'opaqueredirect', status: 0, ok: false, headers: new Headers() };
    await expect(ticketAnswer(redirected as Response)).resolves.toMatchObject({
      error: 'SIGNED_OUT',
    });
    const loginPage = new Response('<!doctype html><title>Sign in</title>', {
      headers: { 'Content-Type': 'text/html' },
    });
    await expect(ticketAnswer(loginPage)).resolves.toMatchObject({ error: 'SIGNED_OUT' });
    await expect(ticketAnswer(new Response('', { status: 401 }))).resolves.toMatchObject({
      error: 'SIGNED_OUT',
    });
    await expect(ticketAnswer(new Response('', { status: 502 }))).resolves.toMatchObject({
      error: 'UNAVAILABLE',
    });
  });
});
