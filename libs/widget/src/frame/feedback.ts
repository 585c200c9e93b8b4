// Feedback where the member is looking: a field's problem right under that field, an action's
// progress and outcome right under its button, and the focus moved there so keyboard and
// screen-reader users meet it too, unless the member went elsewhere while it was proven.
import type { FrameContext } from './context';
import { button, focusField, focusHere, focusStillIn, h, markField, nextId } from './dom';
import { t } from './i18n';
import type { FieldError } from './validation';

/** An element that says one field's problem, placed right after the field. */
export function errorSlot(field: FieldError['field']): HTMLParagraphElement {
  return h('p', { class: 'error', id: nextId(`${field}-error`), 'data-error-for': field });
}

/**
 * Shows each error in its field's slot, marks the field invalid and described by it, clears the
 * fields without errors, and moves the focus to the first invalid field. True when none.
 */
export function showFieldErrors(form: HTMLFormElement, errors: FieldError[]): boolean {
  for (const slot of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
    const field = slot.dataset['errorFor'];
    const error = errors.find((candidate) => candidate.field === field);
    slot.textContent = error ? t(error.key, error.values) : '';
    const control = form.querySelector<HTMLElement>(`[data-field="${field}"]`);
    if (control) markField(control, error ? slot : null);
  }
  focusField(errors[0] && form.querySelector<HTMLElement>(`[data-field="${errors[0].field}"]`));
  return errors.length === 0;
}

/** The line under an action's button: progress, then the outcome, which takes the focus. */
export interface ActionFeedback {
  element: HTMLElement;
  /**
   * Disables `control` and marks `region` busy while the action makes its proof and sends it
   * (from `progress` to `done`, `failed` or `clear`): a second click would prove and send it
   * twice. Called for each control of a line that several share (Create and Restore).
   */
  busy(control: HTMLButtonElement, region: HTMLElement): void;
  progress(message: string): void;
  /** Ends the progress with nothing to say: the view says it (a question asked instead). */
  clear(): void;
  done(message: string): void;
  /**
   * Ends the action for good (a report is sent once): `message` takes the place of its form, in
   * the view on screen now (with the focus) and in the next views of the action, through what the
   * view gave `whenFinished`. Only a keyed line (`actionFeedback(key)`) keeps it so.
   */
  finished(message: string): void;
  /**
   * How this view puts a `finished` action's `message` in place of its form: at once when the
   * action was finished before this view was rendered, else when it is, if this view is then the
   * newest of the action's.
   */
  whenFinished(replace: (message: string, focus: boolean) => void): void;
  failed(message: string): void;
}

interface Said {
  message: string;
  kind: 'progress' | 'done' | 'failed';
}

/**
 * What each keyed action said last, and the line that shows it now. The member's area is rendered
 * anew when the frame learns something (the pseudonym computed, storage granted): its forms are
 * new elements then, and an outcome said before, or arriving after, would be lost with the old
 * ones. Kept for this page only, until replaced by the action's next words or dismissed.
 */
const said = new Map<string, Said>();
const lines = new Map<string, (shown: Said | undefined, focus: boolean) => void>();
/** The actions done for good (`finished`), for this page, and what each said then. */
const closed = new Map<string, string>();
/** How the newest view of each action put the `finished` message in place of its form. */
const replacers = new Map<string, (message: string, focus: boolean) => void>();

/**
 * The key of a member's `action` (`rate:<note>`, `write`…), for the identity kept now: another
 * identity, restored or kept by another tab meanwhile, is not told this one's outcomes.
 */
export const memberAction = (context: FrameContext, action: string): string =>
  `${context.store.identityCommitment ?? ''} ${action}`;

/**
 * `key` names the action (`memberAction`): its words outlast a render of the view, and a dismiss
 * button follows an outcome. Without one, the line lives and dies with its view.
 */
export function actionFeedback(key?: string): ActionFeedback {
  const element = h('p', { class: 'feedback', role: 'status', tabindex: '-1' });
  const dismiss = button(t('dismiss'), () => {
    if (key) said.delete(key);
    render(undefined, false);
    // The button goes: the focus goes to the action's own button, just before the line.
    const before = line.previousElementSibling;
    if (before instanceof HTMLElement) focusHere(before);
  });
  dismiss.classList.add('dismiss');
  const line = h('div', { class: 'feedback-line' }, element, key ? dismiss : null);
  const busy: { control: HTMLButtonElement; region: HTMLElement }[] = [];
  let current: Said | undefined;
  const render = (shown: Said | undefined, focus: boolean) => {
    current = shown;
    const running = shown?.kind === 'progress';
    for (const { control, region } of busy) {
      control.disabled = running;
      region.setAttribute('aria-busy', String(running));
    }
    element.textContent = shown?.message ?? '';
    if (shown) element.dataset['kind'] = shown.kind;
    else delete element.dataset['kind'];
    dismiss.hidden = !shown || shown.kind === 'progress';
    if (!focus || !shown || !focusStillIn(line.closest('form, details, section'))) return;
    // A view rendered anew while the action ran has its disclosure closed (a report's): opened,
    // so that the outcome taking the focus is seen, not a line the member cannot see.
    const folded = element.closest('details');
    if (folded && !folded.open) folded.open = true;
    focusHere(element);
  };
  if (key) {
    lines.set(key, render);
    render(said.get(key), false);
  } else {
    dismiss.hidden = true;
  }
  const show = (message: string, kind: Said['kind'], focus: boolean) => {
    if (!key) return render({ message, kind }, focus);
    said.set(key, { message, kind });
    // The newest line of this action: the one of the view on screen now.
    lines.get(key)?.({ message, kind }, focus);
  };
  return {
    element: line,
    busy(control, region) {
      busy.push({ control, region });
      render(current, false);
    },
    progress: (message) => show(message, 'progress', false),
    clear() {
      if (!key) return render(undefined, false);
      said.delete(key);
      lines.get(key)?.(undefined, false);
    },
    done: (message) => show(message, 'done', true),
    finished(message) {
      const replace = key && replacers.get(key);
      if (!key || !replace) return show(message, 'done', true);
      closed.set(key, message);
      said.delete(key);
      replace(message, true);
    },
    whenFinished(replace) {
      if (!key) return;
      replacers.set(key, replace);
      const message = closed.get(key);
      if (message !== undefined) replace(message, false);
    },
    failed: (message) => show(t('failed', { message }), 'failed', true),
  };
}
