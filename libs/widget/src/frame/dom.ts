// DOM helpers: text only. Everything shown from the API is a text node or an attribute value,
// never parsed as markup.

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child) element.append(child);
  }
  return element;
}

let uniqueId = 0;
export const nextId = (prefix: string): string => `${prefix}-${++uniqueId}`;

export function button(
  text: string,
  onClick: () => void,
  attributes: Record<string, string> = {},
): HTMLButtonElement {
  const element = h('button', { type: 'button', ...attributes }, text);
  element.addEventListener('click', onClick);
  return element;
}

/**
 * Marks a form control invalid and described by the slot that says its problem, or, with no
 * slot, clears both: the widget's forms and the extension's say a field's problem the same way.
 */
export function markField(control: HTMLElement, problemSlot: HTMLElement | null): void {
  if (problemSlot) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', problemSlot.id);
  } else {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
  }
}

/**
 * Moves the focus to `element` and scrolls it into view within this document only. A plain
 * `focus()` also scrolls the page around a frame (Chromium does, across origins) when the
 * element is out of its view, and that page would see the scroll at the moment an action ended.
 */
export function focusHere(element: HTMLElement): void {
  element.focus({ preventScroll: true });
  const root = document.scrollingElement ?? document.documentElement;
  for (let area = element.parentElement; area; area = area.parentElement) {
    if (area !== root && !/auto|scroll/.test(getComputedStyle(area).overflowY)) continue;
    const view =
      area === root ? { top: 0, bottom: window.innerHeight } : area.getBoundingClientRect();
    const shown = element.getBoundingClientRect();
    if (shown.top < view.top) area.scrollTop -= view.top - shown.top;
    else if (shown.bottom > view.bottom)
      area.scrollTop += Math.min(shown.bottom - view.bottom, shown.top - view.top);
  }
}

/**
 * Whether an outcome arriving now may take the focus within `region` (its form, its panel): the
 * frame has the focus, and it is still in `region` or was lost with a view rendered anew (on the
 * body). Never from where the member went meanwhile, another form or the page around the frame:
 * the outcome's live region says it there.
 */
export function focusStillIn(region: Element | null): boolean {
  if (!document.hasFocus()) return false;
  const active = document.activeElement;
  return !active || active === document.body || (region?.contains(active) ?? false);
}

/** Moves the focus to a field: a group of choices (a fieldset) on its first choice. */
export function focusField(control: HTMLElement | null | undefined): void {
  const target = control?.matches('fieldset')
    ? control.querySelector<HTMLElement>('input')
    : control;
  if (target) focusHere(target);
}
