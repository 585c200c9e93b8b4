import { h } from '../dom';

/** A group of radio buttons or checkboxes under a legend; `data-field` names it for errors. */
export function choices(
  type: 'radio' | 'checkbox',
  name: string,
  legend: string,
  values: readonly string[],
  text: (value: string) => string,
  selected: readonly string[] = [],
  field?: string,
): HTMLFieldSetElement {
  return h(
    'fieldset',
    { 'data-field': field },
    h('legend', {}, legend),
    ...values.map((value) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type, name, value, checked: selected.includes(value) }),
        text(value),
      ),
    ),
  );
}

export const checked = (form: HTMLFormElement, name: string): string[] =>
  [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map(
    (input) => input.value,
  );
