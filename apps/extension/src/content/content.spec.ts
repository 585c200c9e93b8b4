// The content script's Close, on a stand-in for the few DOM parts it touches (the unit tests
// have no browser): the focus goes back where it was on the page when no count button is shown.
import { ext } from '../shared/extension-api';

jest.mock('../shared/extension-api', () => ({
  ext: {
    runtime: {
      getURL: (path: string) => `chrome-extension://bridgenotes/${path}`,
      sendMessage: jest.fn(async (message: { type: string }) => {
        if (message.type === 'panel-token') return 'token';
        // A page without notes: no count button, the panel opened from the toolbar.
        if (message.type === 'lookup') return { helpful: 0, toRate: 0 };
        return null;
      }),
      onMessage: { addListener: jest.fn() },
    },
  },
}));

class StandInElement {
  isConnected = true;
  hidden = false;
  readonly style: Record<string, string> = {};
  readonly focus = jest.fn();
}
class StandIn extends StandInElement {
  src = '';
  readonly contentWindow = { postMessage: jest.fn() };
  readonly listeners = new Map<string, () => void>();
  constructor(readonly tag: string) {
    super();
  }
  attachShadow() {
    return { append: () => undefined };
  }
  addEventListener(type: string, listener: () => void): void {
    this.listeners.set(type, listener);
  }
}

const pageListeners = new Map<string, (event: unknown) => void>();
const created: StandIn[] = [];

beforeAll(async () => {
  Object.assign(globalThis, {
    Element: StandInElement,
    HTMLElement: StandInElement,
    location: { href: 'https://news.example.com/a' },
    document: {
      querySelector: () => null,
      createElement: (tag: string) => {
        const element = new StandIn(tag);
        created.push(element);
        return element;
      },
      documentElement: { append: () => undefined },
    },
    addEventListener: (type: string, listener: (event: unknown) => void) =>
      pageListeners.set(type, listener),
    setInterval: () => 0,
  });
  await import('./content');
});

/** Waits for `condition`, turn after turn (the script's messages are promises and a port's). */
const until = (condition: () => boolean) =>
  new Promise<void>((resolve) => {
    const look = () => (condition() ? resolve() : setImmediate(look));
    look();
  });

describe('Close', () => {
  it('gives the focus back to the page’s element it was on, when no count button is shown', async () => {
    const link = new StandInElement();
    pageListeners.get('focusin')?.({ target: link });
    const [toggle] = jest.mocked(ext.runtime.onMessage.addListener).mock.calls[0] ?? [];
    toggle?.({ type: 'toggle' }, {}, () => undefined);
    const frame = created.find((element) => element.tag === 'iframe');
    if (!frame) throw new Error('no panel frame');
    expect(frame.hidden).toBe(false);
    // The focus goes into the panel: the page sees it on the (closed) host element.
    const host = created.find((element) => element.tag === 'bridgenotes-extension');
    pageListeners.get('focusin')?.({ target: host });

    frame.listeners.get('load')?.();
    await until(() => frame.contentWindow.postMessage.mock.calls.length > 0);
    const [[, , [panelEnd]]] = frame.contentWindow.postMessage.mock.calls as [
      unknown,
      string,
      MessagePort[],
    ][];
    panelEnd?.postMessage({ type: 'close' });
    await until(() => frame.hidden);
    panelEnd?.close();

    expect(link.focus).toHaveBeenCalledTimes(1);
    expect(host?.focus).not.toHaveBeenCalled();
  });
});
