import type { Page } from 'playwright-core';

interface DomNode {
  nodeId: number;
  nodeName: string;
  attributes?: string[];
  children?: DomNode[];
  shadowRoots?: DomNode[];
}

function find(node: DomNode, test: (node: DomNode) => boolean): DomNode | undefined {
  if (test(node)) return node;
  for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
    const found = find(child, test);
    if (found) return found;
  }
  return undefined;
}

/**
 * The extension's buttons live in a closed shadow root, which page scripts (and Playwright's
 * selectors) cannot enter; Chromium's DevTools protocol can. Finds the first button with the
 * class and returns its text and a way to click it where a reader would.
 */
export async function closedShadowButton(
  page: Page,
  className: string,
): Promise<{ text: string; hidden: boolean; click(): Promise<void> } | undefined> {
  const session = await page.context().newCDPSession(page);
  try {
    const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    const node = find(root, (candidate) => {
      const attributes = candidate.attributes ?? [];
      const classIndex = attributes.indexOf('class');
      return (
        candidate.nodeName === 'BUTTON' &&
        classIndex >= 0 &&
        attributes[classIndex + 1].split(' ').includes(className)
      );
    });
    if (!node) return undefined;
    const { outerHTML } = (await session.send('DOM.getOuterHTML', { nodeId: node.nodeId })) as {
      outerHTML: string;
    };
    const hidden = (node.attributes ?? []).includes('hidden');
    const text = outerHTML.replace(/<[^>]*>/g, '');
    const { quads } = (await session
      .send('DOM.getContentQuads', { nodeId: node.nodeId })
      .catch(() => ({ quads: [] as number[][] }))) as { quads: number[][] };
    return {
      text,
      hidden,
      click: async () => {
        const [quad] = quads;
        if (!quad) throw new Error(`the ${className} button is not shown`);
        await page.mouse.click((quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2);
      },
    };
  } finally {
    await session.detach();
  }
}

/**
 * The `src` of the first frame in a shadow root on the page (the panel's, in a closed shadow root
 * the page's scripts cannot enter): what a page would need to know to frame the panel itself.
 */
export async function closedShadowFrameSrc(page: Page): Promise<string | undefined> {
  const session = await page.context().newCDPSession(page);
  try {
    const { root } = (await session.send('DOM.getDocument', { depth: -1, pierce: true })) as {
      root: DomNode;
    };
    const srcOf = (node: DomNode) => {
      const attributes = node.attributes ?? [];
      const index = attributes.indexOf('src');
      return index >= 0 ? attributes[index + 1] : undefined;
    };
    // Only inside a shadow root: the page may frame extension addresses of its own.
    const inShadows = (node: DomNode): DomNode | undefined => {
      for (const shadow of node.shadowRoots ?? []) {
        const frame = find(shadow, (candidate) => candidate.nodeName === 'IFRAME');
        if (frame) return frame;
      }
      for (const child of node.children ?? []) {
        const frame = inShadows(child);
        if (frame) return frame;
      }
      return undefined;
    };
    const frame = inShadows(root);
    return frame && srcOf(frame);
  } finally {
    await session.detach();
  }
}

/**
 * Runs `expression` in the extension's content script (its isolated world in the page's top
 * frame), as a script of a compromised renderer could: what the content script's context may
 * reach. Chromium's DevTools protocol names that world after the extension.
 */
export async function inContentScript(
  page: Page,
  extensionName: string,
  expression: string,
): Promise<unknown> {
  const session = await page.context().newCDPSession(page);
  try {
    const contexts: { id: number; name: string; auxData?: { type?: string } }[] = [];
    session.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
    await session.send('Runtime.enable');
    const world = contexts.find(
      (context) => context.auxData?.type === 'isolated' && context.name === extensionName,
    );
    if (!world) throw new Error(`no isolated world named ${extensionName}`);
    const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
      expression,
      contextId: world.id,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? 'failed');
    return result.value;
  } finally {
    await session.detach();
  }
}
