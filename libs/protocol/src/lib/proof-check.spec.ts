import { SNARK_SCALAR_FIELD } from './constants';
import { parseProof } from './proof-check';

const PROOF = {
  merkleTreeDepth: 20,
  merkleTreeRoot: '123',
  nullifier: '456',
  message: '789',
  scope: '1011',
  points: ['1', '2', '3', '4', '5', '6', '7', '8'],
};

describe('parseProof', () => {
  it('accepts canonical decimals and reads them as numbers', () => {
    expect(parseProof(PROOF)).toEqual({
      proof: PROOF,
      root: 123n,
      nullifier: 456n,
      message: 789n,
      scope: 1011n,
    });
  });

  it.each([
    ['leading zeros', { ...PROOF, nullifier: '0456' }],
    ['hex', { ...PROOF, message: '0x315' }],
    ['a number instead of a string', { ...PROOF, scope: 1011 }],
    [
      'a nullifier outside the scalar field',
      { ...PROOF, nullifier: SNARK_SCALAR_FIELD.toString() },
    ],
    ['a message of 2^256', { ...PROOF, message: (1n << 256n).toString() }],
    ['seven points', { ...PROOF, points: PROOF.points.slice(1) }],
    ['an extra field', { ...PROOF, extra: 1 }],
    ['a fractional depth', { ...PROOF, merkleTreeDepth: 20.5 }],
    ['not an object', 'proof'],
  ])('refuses %s', (_, proof) => {
    expect(parseProof(proof)).toBeUndefined();
  });
});
