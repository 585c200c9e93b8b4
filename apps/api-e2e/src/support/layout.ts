import type { Frame } from 'playwright-core';

/**
 * Words of the frame's table cells that the layout broke across lines anywhere but after a
 * hyphen or a slash (where text may wrap): a column squeezed below its longest word. Text inside
 * `code` is left out: ids and hashes may break anywhere by design.
 */
export function brokenWords(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const broken: string[] = [];
    const range = document.createRange();
    const lineOf = (node: Text, index: number): number => {
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      return Math.round(range.getBoundingClientRect().top);
    };
    for (const cell of document.querySelectorAll('th, td')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node as Text;
        if (text.parentElement?.closest('code')) continue;
        for (const word of text.data.matchAll(/\S+/g)) {
          const start = word.index ?? 0;
          for (let index = start + 1; index < start + word[0].length; index += 1) {
            const before = text.data[index - 1];
            if (
              lineOf(text, index) !== lineOf(text, index - 1) &&
              before !== '-' &&
              before !== '/'
            ) {
              broken.push(word[0]);
              break;
            }
          }
        }
      }
    }
    return broken;
  });
}
