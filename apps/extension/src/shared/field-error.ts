// A form's problem said next to the field it is about, as the widget does (libs/widget's
// feedback.ts, with the same marking and focus from its DOM helpers): the message in a slot right
// after the field, the field marked invalid and described by it, and the focus moved there so
// keyboard and screen-reader users meet it too.
import { focusField, h, markField, nextId } from '@bridgenotes/widget';

/** A field of a form and the slot under it that says its problem. */
export interface Field {
  /** The control (an input, a textarea, or the fieldset of a group of choices). */
  control: () => HTMLElement | null;
  slot: HTMLElement;
}

/** The element that says one field's problem, placed right after the field. */
export const errorSlot = (): HTMLParagraphElement =>
  h('p', { class: 'error', id: nextId('error') });

/**
 * Shows `problem` under its field and clears every other field's; the field with the problem is
 * marked invalid and takes the focus (a group on its first choice). True when there is none.
 */
export function showProblem<Name extends string>(
  fields: Record<Name, Field>,
  problem: { field: Name; message: string } | null,
): boolean {
  for (const [name, field] of Object.entries(fields) as [Name, Field][]) {
    const mine = problem?.field === name;
    field.slot.textContent = mine ? problem.message : '';
    const control = field.control();
    if (!control) continue;
    markField(control, mine ? field.slot : null);
    if (mine) focusField(control);
  }
  return problem === null;
}
