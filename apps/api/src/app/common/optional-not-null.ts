import { ValidateIf } from 'class-validator';

/**
 * Optional, but never null: the field's own validators refuse a null (400 VALIDATION_FAILED,
 * naming the field), where `@IsOptional` would let it through as if absent, or to the database
 * (a 500, or the safety net's unspecific 400, instead of a 400 that says what is wrong).
 */
export const OptionalNotNull = () => ValidateIf((_, value) => value !== undefined);
