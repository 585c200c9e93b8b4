// Talking to the host page: only to the origin that embedded us, and only when the browser
// agrees that it is our parent.
import {
  FrameEvent,
  MESSAGE_SOURCE,
  STYLE_VARS,
  StyleMessage,
  TicketAnswer,
  TicketRequest,
} from '../shared/messages';

const SAFE_STYLE_VALUE = /^[\w\s#%.,'"()-]{1,120}$/;
/** A host whose ticket endpoint never answers should not leave the member waiting forever. */
const TICKET_PATIENCE_MS = 60_000;

export function validOrigin(value: string | null): string | null {
  try {
    return value && new URL(value).origin === value ? value : null;
  } catch {
    return null;
  }
}

export interface HostBridge {
  tell(event: FrameEvent): void;
  /** Asks the host page for a credential ticket (loader, then the host's endpoint). */
  ticket(): Promise<Pick<TicketAnswer, 'ticket' | 'error'>>;
}

export function hostBridge(parentOrigin: string | null): HostBridge {
  const waiting = new Map<string, (answer: TicketAnswer) => void>();
  addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent || event.origin !== parentOrigin) return;
    const data = event.data as ((StyleMessage | TicketAnswer) & { source?: string }) | null;
    if (!data || data.source !== MESSAGE_SOURCE) return;
    if (data.type === 'ticket') {
      // Only the answer to a request still pending, once.
      waiting.get(data.nonce)?.(data);
      waiting.delete(data.nonce);
      return;
    }
    if (data.type !== 'style') return;
    for (const name of STYLE_VARS) {
      const value = data.vars?.[name];
      if (typeof value === 'string' && SAFE_STYLE_VALUE.test(value) && !/url\s*\(/i.test(value)) {
        document.documentElement.style.setProperty(name, value);
      }
    }
  });
  const canTell = (): boolean => {
    const ancestors = location.ancestorOrigins;
    if (!parentOrigin || parent === window) return false;
    return !(ancestors && ancestors.length > 0 && ancestors[0] !== parentOrigin);
  };
  const post = (message: FrameEvent | TicketRequest): void => {
    if (canTell())
      parent.postMessage({ source: MESSAGE_SOURCE, ...message }, parentOrigin as string);
  };
  return {
    tell: post,
    ticket() {
      // No host page (the service's own /demo): nobody can vouch for the member.
      if (!canTell()) return Promise.resolve({ error: 'UNAVAILABLE' });
      const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
        byte.toString(16).padStart(2, '0'),
      ).join('');
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(nonce);
          resolve({ error: 'UNAVAILABLE' });
        }, TICKET_PATIENCE_MS);
        waiting.set(nonce, ({ ticket, error }) => {
          clearTimeout(timer);
          resolve(typeof ticket === 'string' ? { ticket } : { error: error ?? 'UNAVAILABLE' });
        });
        post({ type: 'ticket-request', nonce });
      });
    },
  };
}
