// Talking to the host page: only to the origin that embedded us, and only when the browser
// agrees that it is our parent.
import { FrameEvent, MESSAGE_SOURCE, STYLE_VARS, StyleMessage } from '../shared/messages';

const SAFE_STYLE_VALUE = /^[\w\s#%.,'"()-]{1,120}$/;

export function validOrigin(value: string | null): string | null {
  try {
    return value && new URL(value).origin === value ? value : null;
  } catch {
    return null;
  }
}

export interface HostBridge {
  tell(event: FrameEvent): void;
}

export function hostBridge(parentOrigin: string | null): HostBridge {
  addEventListener('message', (event: MessageEvent) => {
    if (event.source !== parent || event.origin !== parentOrigin) return;
    const data = event.data as (StyleMessage & { source?: string }) | null;
    if (!data || data.source !== MESSAGE_SOURCE || data.type !== 'style') return;
    for (const name of STYLE_VARS) {
      const value = data.vars?.[name];
      if (typeof value === 'string' && SAFE_STYLE_VALUE.test(value) && !/url\s*\(/i.test(value)) {
        document.documentElement.style.setProperty(name, value);
      }
    }
  });
  return {
    tell(event) {
      const ancestors = location.ancestorOrigins;
      if (!parentOrigin || parent === window) return;
      if (ancestors && ancestors.length > 0 && ancestors[0] !== parentOrigin) return;
      parent.postMessage({ source: MESSAGE_SOURCE, ...event }, parentOrigin);
    },
  };
}
