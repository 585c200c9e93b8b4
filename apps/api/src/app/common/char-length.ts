import { ValidateBy, type ValidationOptions } from 'class-validator';

/** A string's length in Unicode code points: what PostgreSQL counts in a VARCHAR(n). */
export function codePointLength(value: string): number {
  // A string iterates by code points; bodies are at most 64 kB, so the copy costs nothing.
  return [...value].length;
}

/**
 * Text of `min` to `max` characters, counted as PostgreSQL counts them (code points; lone
 * surrogates never reach here, input-hardening refuses them). Used in place of class-validator's
 * `Length`/`MaxLength`, whose validator.js count leaves out the variation selectors U+FE0E and
 * U+FE0F: "x\uFE0F" × 1000 passed a 1000 limit as 1000 characters and reached a VARCHAR(1000)
 * as 2000, refused by the database — for a proven write, only when its batch was sealed, which
 * then failed again at every check. Counted the column's way, the limit at the edge is the
 * column's limit.
 */
export function CharLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'charLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = codePointLength(value);
          return length >= min && length <= max;
        },
      },
    },
    options,
  );
}
