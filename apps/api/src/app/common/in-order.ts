import { ValidateBy } from 'class-validator';

/**
 * A query field that only the given `order` reads: with another, it would be ignored and its
 * page read as if it were absent (a 200 answering something else than was asked), so it is
 * refused (400 VALIDATION_FAILED) unless it is `unset` (its default).
 */
export const InOrder = (order: string, unset: unknown) =>
  ValidateBy({
    name: 'inOrder',
    validator: {
      validate: (value: unknown, args) =>
        value === unset || (args?.object as { order?: unknown }).order === order,
      defaultMessage: (args) => `${args?.property} goes with order=${order} only`,
    },
  });
