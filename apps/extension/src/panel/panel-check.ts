/**
 * Whether the panel was framed by the extension's content script (shared/panel-tokens.ts),
 * checked with the background (`ask`) for the token of the panel's fragment, and answered for that
 * token from then on: the background keeps one token per tab, and a page prerendered in the same
 * tab (Speculation Rules run content scripts there) takes the tab's token, so a panel shown before
 * would go blank at the next post its page moves to. Once confirmed, the panel document was framed
 * by the content script whatever tokens the tab is given later. Kept for the token confirmed, not
 * for the document: a fragment with another token (the content script's new one, back from the
 * back-forward cache) is asked again, so no fragment is taken without a token the background gave.
 * Rather than the background keeping the tab's last two tokens: a page can have several pages
 * prerendered at once, and each would take one.
 */
export function panelCheck(ask: (token: string) => Promise<boolean>) {
  let confirmed: string | undefined;
  return async (token: string): Promise<boolean> => {
    if (token !== '' && token === confirmed) return true;
    const framed = (await ask(token)) === true;
    if (framed) confirmed = token;
    return framed;
  };
}
