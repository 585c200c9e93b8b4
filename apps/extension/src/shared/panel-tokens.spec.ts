import { panelCheck } from '../panel/panel-check';
import { ext } from './extension-api';
import { dropPanelTokens, issuePanelToken, panelTokenValid } from './panel-tokens';

// The browser's session storage, as a plain object (the background alone uses it).
jest.mock('./extension-api', () => {
  const items: Record<string, unknown> = {};
  return {
    ext: {
      storage: {
        session: {
          items,
          get: async (keys: string[]) =>
            Object.fromEntries(keys.filter((key) => key in items).map((key) => [key, items[key]])),
          set: async (changes: Record<string, unknown>) => void Object.assign(items, changes),
          remove: async (keys: string[]) => keys.forEach((key) => delete items[key]),
        },
      },
    },
  };
});

const items = (ext.storage.session as unknown as { items: Record<string, unknown> }).items;

beforeEach(() => {
  for (const key of Object.keys(items)) delete items[key];
});

describe('the panel tokens the background keeps', () => {
  it('keeps one per tab however many pages the tab loads (they piled up until the quota failed)', async () => {
    const tokens: string[] = [];
    for (let load = 0; load < 50; load += 1) tokens.push(await issuePanelToken(7));
    await issuePanelToken(8);
    expect(Object.keys(items)).toHaveLength(4);
    // The page the tab shows now frames its panel; the pages it left frame none any more.
    expect(await panelTokenValid(tokens[49], 7)).toBe(true);
    expect(await panelTokenValid(tokens[48], 7)).toBe(false);
    expect(await panelTokenValid(tokens[0], 7)).toBe(false);
  });

  it("forgets a closed tab's token, and no other tab's", async () => {
    const closed = await issuePanelToken(7);
    const open = await issuePanelToken(8);
    await dropPanelTokens(7);
    expect(await panelTokenValid(closed, 7)).toBe(false);
    expect(await panelTokenValid(open, 8)).toBe(true);
    expect(Object.keys(items)).toHaveLength(2);
  });

  it('refuses a token in another tab than the one it was given to, and one it never gave', async () => {
    const token = await issuePanelToken(7);
    expect(await panelTokenValid(token, 8)).toBe(false);
    expect(await panelTokenValid('forged', 7)).toBe(false);
    expect(await panelTokenValid('', 7)).toBe(false);
  });
});

describe("the panel's check that the extension's content script framed it", () => {
  /** A panel document framed in tab 7, asking the background as the panel does. */
  const framedInTab7 = () => {
    const asked: string[] = [];
    const check = panelCheck((token) => {
      asked.push(token);
      return panelTokenValid(token, 7);
    });
    return { check, asked };
  };

  it('still holds at the next post after a page prerendered in the same tab took the tab’s token', async () => {
    const shown = await issuePanelToken(7);
    const panel = framedInTab7();
    expect(await panel.check(shown)).toBe(true);
    // Speculation Rules prerender a page in this tab: its content script asks for a token.
    await issuePanelToken(7);
    expect(await panelTokenValid(shown, 7)).toBe(false);
    // The page shown moves to another post: the panel's fragment changes, with its token.
    expect(await panel.check(shown)).toBe(true);
    expect(panel.asked).toEqual([shown]);
  });

  it('asks again for a token it did not confirm, and refuses one the background did not give', async () => {
    const shown = await issuePanelToken(7);
    const panel = framedInTab7();
    expect(await panel.check(shown)).toBe(true);
    expect(await panel.check('forged')).toBe(false);
    // Back from the back-forward cache, the content script's new token.
    const renewed = await issuePanelToken(7);
    expect(await panel.check(renewed)).toBe(true);
    expect(panel.asked).toEqual([shown, 'forged', renewed]);

    // A panel a page framed itself: nothing it is given shows anything, however often.
    const framedByPage = framedInTab7();
    expect(await framedByPage.check('')).toBe(false);
    expect(await framedByPage.check('')).toBe(false);
    expect(await framedByPage.check(shown)).toBe(false);
  });
});
