/**
 * libs/protocol's `SNARK_SCALAR_FIELD`, copied so the page's bundle takes no code from a library
 * that also hashes and proves; the budget test holds the copy equal to the original.
 */
export const SNARK_SCALAR_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The API's pattern for a commitment (AddMembersDto, MemberParams): a canonical decimal. */
const DECIMAL = /^[1-9][0-9]{0,77}$/;

/**
 * Why the API would refuse `text` as an identity commitment, as its code and message, or null:
 * the form refuses before sending what the API could only refuse (and a batch is refused whole).
 */
export function commitmentProblem(text: string): { code: string; message: string } | null {
  if (!DECIMAL.test(text)) {
    return {
      code: 'VALIDATION_FAILED',
      message: 'must be a Semaphore identity commitment as a canonical decimal number',
    };
  }
  if (BigInt(text) >= SNARK_SCALAR_FIELD) {
    return {
      code: 'COMMITMENT_INVALID',
      message: 'must be a non-zero element of the BN254 scalar field',
    };
  }
  return null;
}
