// The guard against click-jacking, in the widget's frame and the extension's panel. The page
// around the frame can fade it (`opacity: 0`), move it, filter it or paint a decoy over it
// (`pointer-events: none`), and steer a member's click onto a control they never saw: an "Ask for
// a note" sent at a moment the page knows, by a user it knows, names that user's pseudonym in the
// public export (docs/threat-model.md, "Click-jacking"). So a write is proven and sent only when
// the button clicked was seen unhidden for a while before the click, as Chromium's
// IntersectionObserver v2 tells across frames; where it was not seen (or a browser cannot tell),
// the browser's own dialog asks the member first. Each caller says the refusal its own way (the frame's
// RequestError and catalogue, the extension's).

/**
 * How long the clicked button must have been visible, without a break, before the click. A
 * person sees, reads and aims at a control in more than twice a visual reaction time
 * (200–250 ms): a page that shows the panel only as the pointer
 * comes down, or puts a decoy over it for the click, cannot make a click it steers to it pass,
 * while a member who looked at the button before clicking never meets the refusal. It also spans
 * several of the observer's samples (SAMPLE_MS), so one sample missed cannot make it pass.
 */
const SHOWN_FOR_MS = 500;
/** The observer's `delay`: 100 ms is the least Chromium takes for tracking visibility. */
const SAMPLE_MS = 100;
/** A frame that paints nothing (hidden, scrolled far away) never answers a look: it is refused. */
const LOOK_PATIENCE_MS = 1000;
/**
 * The least time a confirmation takes to be read and answered: SHOWN_FOR_MS again. A page that
 * steered the click knows when the dialog opens, and OK is its default button: an Enter or a
 * double-click it steers too would answer at once.
 */
const READ_DIALOG_MS = SHOWN_FOR_MS;
/** A refusal sooner than this was no member's: the dialog was never shown (blocked). */
const NO_DIALOG_MS = 50;

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

/**
 * The button a click or key press acts with: the one clicked or pressed, or, for Enter in a
 * form's field, the form's submit button. The button, not its whole form: the form scrolls under
 * the frame's own lines (the panel's sticky status line), which the observer counts as covering
 * it, and a member must see the control that sends, whose words say what it sends.
 */
const controlOf = (element: Element): HTMLElement | null =>
  element.closest('button') ??
  element.closest('form')?.querySelector<HTMLElement>('button[type="submit"]') ??
  null;

/** Since when each button has been visible (its observer's time); absent: not now. */
const shownSince = new WeakMap<Element, number>();
const shownTimers = new WeakMap<Element, ReturnType<typeof setTimeout>>();
/** The member's last click or key press in the frame: what the next write answers. */
let activation: { target: Element; time: number } | undefined;

/** A button taken out: attached again, it is watched from then, not from its old time. */
function forget(button: Element): void {
  clearTimeout(shownTimers.get(button));
  shownSince.delete(button);
  if (button instanceof HTMLElement) delete button.dataset['shown'];
}

function record(entry: VisibilityEntry): void {
  const button = entry.target as HTMLElement;
  clearTimeout(shownTimers.get(button));
  if (!entry.isVisible) {
    shownSince.delete(button);
    delete button.dataset['shown'];
    return;
  }
  const since = shownSince.get(button) ?? entry.time;
  shownSince.set(button, since);
  // Said on the button for the browser tests, which click faster than a person and wait on it.
  // The page around cannot read it: the frame is on an origin of its own.
  const wait = since + SHOWN_FOR_MS - performance.now();
  shownTimers.set(
    button,
    setTimeout(() => (button.dataset['shown'] = ''), Math.max(wait, 0)),
  );
}

/** The roots watched already: a second call for one adds no second observer or listener. */
const guarded = new WeakSet<HTMLElement>();

/**
 * Starts watching every button under `root` (added later too), and the member's clicks and key
 * presses: called once, before the first view is shown (called again, it does nothing more).
 */
export function guardWrites(root: HTMLElement): void {
  if (guarded.has(root)) return;
  guarded.add(root);
  const buttons = (node: Node): Element[] =>
    node instanceof Element
      ? [...(node.matches('button') ? [node] : []), ...node.querySelectorAll('button')]
      : [];
  if (tracksVisibility()) {
    const watcher = visibilityObserver((entries) => entries.forEach(record));
    for (const button of buttons(root)) watcher.observe(button);
    new MutationObserver((changes) => {
      for (const change of changes) {
        change.removedNodes.forEach((node) =>
          buttons(node).forEach((button) => {
            watcher.unobserve(button);
            forget(button);
          }),
        );
        change.addedNodes.forEach((node) => buttons(node).forEach((b) => watcher.observe(b)));
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

/** One look at `button` now, apart from the watcher's history (which samples at most 10/s). */
const visibleNow = (button: Element): Promise<boolean> =>
  new Promise((resolve) => {
    const look = visibilityObserver(([entry]) => settle(entry?.isVisible === true));
    const timer = setTimeout(() => settle(false), LOOK_PATIENCE_MS);
    const settle = (visible: boolean) => {
      look.disconnect();
      clearTimeout(timer);
      resolve(visible);
    };
    look.observe(button);
  });

/**
 * Why a write was refused: not seen and the dialog blocked (`PANEL_HIDDEN`), or not confirmed in
 * the browser's dialog, or confirmed faster than it can be read (`NOT_CONFIRMED`).
 */
export type Unshown = 'PANEL_HIDDEN' | 'NOT_CONFIRMED';

/**
 * The browser's own dialog asks the member (`question`, given the clicked button's words): drawn
 * by the browser above the page, no page can cover or fade it. An answer sooner than
 * READ_DIALOG_MS is taken as no answer. A refusal sooner than NO_DIALOG_MS means no dialog was
 * shown (a `sandbox` without `allow-modals`, the browser's "prevent more dialogs"): the write
 * cannot be asked for, and is refused as the hidden panel it is.
 */
function askFirst(control: HTMLElement, question: (action: string) => string): Unshown | null {
  const opened = performance.now();
  const confirmed = confirm(question(control.textContent?.trim() ?? ''));
  return dialogAnswer(confirmed, performance.now() - opened);
}

/** What the dialog's answer, given after `answeredInMs`, lets through (`askFirst`). */
export function dialogAnswer(confirmed: boolean, answeredInMs: number): Unshown | null {
  if (confirmed) return answeredInMs >= READ_DIALOG_MS ? null : 'NOT_CONFIRMED';
  return answeredInMs < NO_DIALOG_MS ? 'PANEL_HIDDEN' : 'NOT_CONFIRMED';
}

/**
 * Whether the write the member just asked for may be proven and sent: null when its button was
 * visible for SHOWN_FOR_MS before the click and still is, or the member confirmed it in the
 * browser's dialog (`askFirst`), else why not. Called before anything is proven. The dialog asks
 * where the button was not seen (a steered click, or an embedder's own layout: a page filter, a
 * scaled embed, a sticky header over part of the frame, which Chromium judges as a whole; a key
 * pressed before the button had been on screen long) and where the browser cannot tell (no
 * IntersectionObserver v2): a member is asked once more, never locked out by a page's layout.
 */
export async function unshownWrite(question: (action: string) => string): Promise<Unshown | null> {
  const clicked = activation;
  const control = clicked && controlOf(clicked.target);
  if (!clicked || !control) return 'PANEL_HIDDEN';
  if (!tracksVisibility()) return askFirst(control, question);
  const visible = await visibleNow(control);
  const since = shownSince.get(control);
  return visible && since !== undefined && clicked.time - since >= SHOWN_FOR_MS
    ? null
    : askFirst(control, question);
}
