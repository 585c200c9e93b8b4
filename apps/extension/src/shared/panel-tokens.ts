import { ext } from './extension-api';

/**
 * Any web page may frame the panel (it must be web-accessible for the content script to frame
 * it), and could then lay it under its own content to steer a member's clicks onto "rate" or
 * "ask". So the content script asks the background for a token for each panel it frames, and
 * the panel shows nothing unless the background knows its token, given to a content script of
 * the same tab. Tokens live in session storage (a restarted service worker still knows them),
 * or in memory where the browser has none.
 *
 * One token per tab: the content script of each page load asks once, so a tab's new token
 * replaces the one of the page it left, and a closed tab's goes with it (`dropPanelTokens`);
 * kept for ever, they piled up until the session storage's quota refused every new one. A page
 * prerendered in the tab takes its token too: the panel keeps the answer for the token it was
 * framed with (panel/panel-check.ts).
 */
const memory = new Map<string, number | null | string>();
const keyOf = (token: string) => `panel:${token}`;
/** The tab's current token. */
const tabKeyOf = (tabId: number) => `panel-tab:${tabId}`;

const session = {
  async get(key: string): Promise<unknown> {
    if (!ext.storage.session) return memory.get(key);
    return (await ext.storage.session.get([key]))[key];
  },
  async set(items: Record<string, number | null | string>): Promise<void> {
    if (ext.storage.session) return ext.storage.session.set(items);
    for (const [key, value] of Object.entries(items)) memory.set(key, value);
  },
  async remove(keys: string[]): Promise<void> {
    if (ext.storage.session) return ext.storage.session.remove(keys);
    for (const key of keys) memory.delete(key);
  },
};

export async function issuePanelToken(tabId: number | undefined): Promise<string> {
  const token = crypto.randomUUID();
  if (tabId === undefined) {
    // Both browsers name a content script's tab: this is not met in practice.
    await session.set({ [keyOf(token)]: null });
    return token;
  }
  const before = await session.get(tabKeyOf(tabId));
  await session.set({ [keyOf(token)]: tabId, [tabKeyOf(tabId)]: token });
  if (typeof before === 'string') await session.remove([keyOf(before)]);
  return token;
}

/** Forgets the token of a tab closed. */
export async function dropPanelTokens(tabId: number): Promise<void> {
  const token = await session.get(tabKeyOf(tabId));
  await session.remove([tabKeyOf(tabId), ...(typeof token === 'string' ? [keyOf(token)] : [])]);
}

export async function panelTokenValid(token: unknown, tabId: number | undefined): Promise<boolean> {
  if (typeof token !== 'string' || token.length === 0) return false;
  const stored = (await session.get(keyOf(token))) as number | null | undefined;
  if (stored === undefined) return false;
  // Both browsers name the tab of a frame's sender; where either is missing, the token decides.
  return stored === null || tabId === undefined || stored === tabId;
}
