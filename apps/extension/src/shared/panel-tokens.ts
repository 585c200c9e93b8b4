import { ext } from './extension-api';

/**
 * Any web page may frame the panel (it must be web-accessible for the content script to frame
 * it), and could then lay it under its own content to steer a member's clicks onto "rate" or
 * "ask". So the content script asks the background for a token for each panel it frames, and
 * the panel shows nothing unless the background knows its token, given to a content script of
 * the same tab. Tokens live in session storage (a restarted service worker still knows them),
 * or in memory where the browser has none.
 */
const memory = new Map<string, number | null>();
const keyOf = (token: string) => `panel:${token}`;

export async function issuePanelToken(tabId: number | undefined): Promise<string> {
  const token = crypto.randomUUID();
  const value = tabId ?? null;
  if (ext.storage.session) await ext.storage.session.set({ [keyOf(token)]: value });
  else memory.set(token, value);
  return token;
}

export async function panelTokenValid(token: unknown, tabId: number | undefined): Promise<boolean> {
  if (typeof token !== 'string' || token.length === 0) return false;
  let stored: number | null | undefined;
  if (ext.storage.session) {
    const found = await ext.storage.session.get([keyOf(token)]);
    stored = found[keyOf(token)] as number | null | undefined;
  } else {
    stored = memory.get(token);
  }
  if (stored === undefined) return false;
  // Both browsers name the tab of a frame's sender; where either is missing, the token decides.
  return stored === null || tabId === undefined || stored === tabId;
}
