import { CANONICAL_DECIMAL, SNARK_SCALAR_FIELD } from '@bridgenotes/protocol';
import { ValidateBy } from 'class-validator';

/**
 * A nullifier as proofs give them: a canonical decimal below the SNARK scalar field. Any other
 * spelling is no one's pseudonym (`0123` is not `123`): a moderator's BLOCK of it would stay in
 * the public log, a profile of it would answer zeros for a pseudonym that may hold ratings.
 */
export const IsNullifier = () =>
  ValidateBy({
    name: 'isNullifier',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        CANONICAL_DECIMAL.test(value) &&
        BigInt(value) < SNARK_SCALAR_FIELD,
      defaultMessage: () =>
        'pseudonym must be a nullifier: a decimal below the SNARK scalar field, without leading zeros',
    },
  });
