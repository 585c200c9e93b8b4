// Feedback where the member is looking: a field's problem right under that field, an action's
// progress and outcome right under its button, and the focus moved there so keyboard and
// screen-reader users meet it too.
import { focusField, focusHere, h, markField, nextId } from './dom';
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
  element: HTMLParagraphElement;
  progress(message: string): void;
  done(message: string): void;
  failed(message: string): void;
}

export function actionFeedback(): ActionFeedback {
  const element = h('p', { class: 'feedback', role: 'status', tabindex: '-1' });
  const show = (message: string, kind: string, focus: boolean) => {
    element.textContent = message;
    element.dataset['kind'] = kind;
    if (focus) focusHere(element);
  };
  return {
    element,
    progress: (message) => show(message, 'progress', false),
    done: (message) => show(message, 'done', true),
    failed: (message) => show(t('failed', { message }), 'failed', true),
  };
}
