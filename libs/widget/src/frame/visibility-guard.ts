// The guard against click-jacking. The page around the frame can fade it (`opacity: 0`), move it,
// filter it or paint a decoy over it (`pointer-events: none`), and steer a member's click onto a
// control they never saw: an "Ask for a note" sent at a moment the page knows, by a user it knows,
// names that user's pseudonym in the public export (docs/threat-model.md, "Click-jacking"). So a
// write is proven and sent only when the control clicked (its form, all of it) was seen unhidden
// for a while before the click, as Chromium's IntersectionObserver v2 tells across frames;
// where a browser cannot tell, the browser's own dialog asks the member first.
import { RequestError } from './api';
import { t } from './i18n';

/**
 * How long the clicked control's form (or the button, outside a form) must have been visible,
 * without a break, before the click. A person sees, reads and aims at a control in more than
 * twice a visual reaction time (200–250 ms): a page that shows the panel only as the pointer
 * comes down, or puts a decoy over it for the click, cannot make a click it steers to it pass,
 * while a member who looked at the form before clicking never meets the refusal. It also spans
 * several of the observer's samples (SAMPLE_MS), so one sample missed cannot make it pass.
 */
const SHOWN_FOR_MS = 500;
/** The observer's `delay`: 100 ms is the least Chromium takes for tracking visibility. */
const SAMPLE_MS = 100;
/** A frame that paints nothing (hidden, scrolled far away) never answers a look: it is refused. */
const LOOK_PATIENCE_MS = 1000;

interface VisibilityEntry extends IntersectionObserverEntry {
  readonly isVisible: boolean;
}

/** Chromium's IntersectionObserver v2; Firefox and Safari have none yet. */
const tracksVisibility = (): boolean =>
  typeof IntersectionObserverEntry !== 'undefined' &&
  'isVisible' in IntersectionObserverEntry.prototype;

const visibilityObserver = (seen: (entries: VisibilityEntry[]) => void): IntersectionObserver =>
  new IntersectionObserver((entries) => seen(entries as VisibilityEntry[]), {
    trackVisibility: true,
    delay: SAMPLE_MS,
  } as IntersectionObserverInit);

/** What a click vouches for: its form, or the button itself outside one. */
const regionOf = (element: Element): Element | null =>
  element.closest('form') ?? element.closest('button');

/** Since when each watched region has been visible (its observer's time); absent: not now. */
const shownSince = new WeakMap<Element, number>();
const shownTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();
/** The member's last click or key press in the frame: what the next write answers. */
let activation: { target: Element; time: number } | undefined;

function record(entry: VisibilityEntry): void {
  const region = entry.target as HTMLElement;
  clearTimeout(shownTimers.get(region));
  if (!entry.isVisible) {
    shownSince.delete(region);
    delete region.dataset['shown'];
    return;
  }
  if (!shownSince.has(region)) shownSince.set(region, entry.time);
  // Said on the region for the browser tests, which click faster than a person and wait on it.
  // The page around cannot read it: the frame is on the service's own origin.
  const wait = shownSince.get(region)! + SHOWN_FOR_MS - performance.now();
  shownTimers.set(
    region,
    setTimeout(() => (region.dataset['shown'] = ''), Math.max(wait, 0)),
  );
}

/**
 * Starts watching every form and lone button under `root` (added later too), and the member's
 * clicks and key presses: called once, before the first view is shown.
 */
export function guardWrites(root: HTMLElement): void {
  const regions = (node: Node): Element[] =>
    node instanceof Element
      ? [node, ...node.querySelectorAll('form, button')].filter((el) => regionOf(el) === el)
      : [];
  if (tracksVisibility()) {
    const watcher = visibilityObserver((entries) => entries.forEach(record));
    for (const region of regions(root)) watcher.observe(region);
    new MutationObserver((changes) => {
      for (const change of changes) {
        change.removedNodes.forEach((node) => regions(node).forEach((r) => watcher.unobserve(r)));
        change.addedNodes.forEach((node) => regions(node).forEach((r) => watcher.observe(r)));
      }
    }).observe(root, { childList: true, subtree: true });
  }
  for (const type of ['click', 'keydown']) {
    addEventListener(
      type,
      (event) => {
        // Only the member's own input: the frame's scripts never click for them.
        if (event.isTrusted && event.target instanceof Element) {
          activation = { target: event.target, time: event.timeStamp };
        }
      },
      true,
    );
  }
}

/** One look at `region` now, apart from the watcher's history (which samples at most 10/s). */
const visibleNow = (region: Element): Promise<boolean> =>
  new Promise((resolve) => {
    const look = visibilityObserver(([entry]) => settle(entry?.isVisible === true));
    const timer = setTimeout(() => settle(false), LOOK_PATIENCE_MS);
    const settle = (visible: boolean) => {
      look.disconnect();
      clearTimeout(timer);
      resolve(visible);
    };
    look.observe(region);
  });

/**
 * Resolves when the write the member just asked for may be proven and sent: its control's form
 * was visible for SHOWN_FOR_MS before the click and still is; else throws PANEL_HIDDEN (said to
 * the member under the control, like any refusal). Called before anything is proven.
 * Without IntersectionObserver v2 the browser's own dialog asks: drawn by the browser above the
 * page, naming the frame's origin, no page can cover or fade it. A frame whose page took its
 * dialogs away (`sandbox` without `allow-modals`) gets no answer, which refuses the write.
 */
export async function confirmShown(): Promise<void> {
  const clicked = activation;
  const region = clicked && regionOf(clicked.target);
  if (!clicked || !region) throw new RequestError('PANEL_HIDDEN', 'no click on a control');
  if (!tracksVisibility()) {
    const action = (clicked.target.closest('button') ?? region).textContent?.trim() ?? '';
    if (!confirm(t('confirmWrite', { action }))) {
      throw new RequestError('NOT_CONFIRMED', 'the member did not confirm');
    }
    return;
  }
  const visible = await visibleNow(region);
  const since = shownSince.get(region);
  if (!visible || since === undefined || clicked.time - since < SHOWN_FOR_MS) {
    throw new RequestError('PANEL_HIDDEN', 'the panel was hidden or covered');
  }
}
