/** Builds elements from data with text nodes only: API data is never parsed as markup. */
import type { Context } from './context';

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | ((event: Event) => void) | undefined>;

function fill<E extends Element>(element: E, attributes: Attributes, children: Child[]): E {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

export function s(tag: string, attributes: Attributes = {}, ...children: Child[]): SVGElement {
  return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attributes, children);
}

let ids = 0;
/** A labelled control: the label names it for assistive technology. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  ids += 1;
  control.id = `f${ids}`;
  const hintElement = hint ? h('small', { id: `f${ids}-hint` }, hint) : null;
  if (hintElement) control.setAttribute('aria-describedby', hintElement.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintElement);
}

export function select(
  name: string,
  options: readonly string[],
  value?: string,
): HTMLSelectElement {
  return h(
    'select',
    { name },
    ...options.map((option) => h('option', { value: option, selected: option === value }, option)),
  );
}

export const row = (cells: Child[]) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell)));

export function table(caption: string, head: string[], rows: Child[][]): HTMLTableElement {
  return h(
    'table',
    {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((cell) => h('th', { scope: 'col' }, cell)))),
    h('tbody', {}, ...rows.map(row)),
  );
}

/** Moves keyboard focus to `element`; one that takes no focus of its own (a heading, a row) can. */
export function focusOn(element: Element | null | undefined): void {
  if (!(element instanceof HTMLElement)) return;
  if (element.tabIndex < 0) element.tabIndex = -1;
  element.focus();
}

/**
 * A button that runs `action` once at a time. While it runs the button is `aria-disabled`, not
 * `disabled`, which would drop keyboard focus to the page: a failed read keeps it, to ask again.
 */
export function busyButton(label: string, action: () => Promise<void>): HTMLButtonElement {
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        if (button.hasAttribute('aria-disabled')) return;
        button.setAttribute('aria-disabled', 'true');
        void action().finally(() => button.removeAttribute('aria-disabled'));
      },
    },
    label,
  );
  return button;
}

/**
 * `read`'s data as `show` draws it. A failed read is never shown as empty: it says so where the
 * data would be (the status says why), with a button that reads again and, once the read
 * succeeds, puts the data there with keyboard focus on it.
 */
export async function loaded<T>(
  context: Pick<Context, 'load'>,
  what: string,
  read: () => Promise<T>,
  show: (data: T) => HTMLElement,
): Promise<HTMLElement> {
  const data = await context.load(read);
  if (data !== undefined) return show(data);
  const failed = h(
    'div',
    { class: 'unavailable' },
    h('p', {}, `${what} could not be loaded.`),
    busyButton('Try again', async () => {
      const again = await context.load(read);
      if (again === undefined) return;
      const shown = show(again);
      failed.replaceWith(shown);
      focusOn(shown);
    }),
  );
  return failed;
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  new FormData(form).forEach((value, name) => (values[name] = String(value)));
  return values;
}
