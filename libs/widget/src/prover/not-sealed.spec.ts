import { ProverError } from './backup';
import { notSealed } from './not-sealed';

describe("the prover's refusal before the seal", () => {
  it('promises no time in its own words, whatever the wait', () => {
    for (const hours of [6, 1, null, undefined]) {
      const refusal = notSealed(hours);
      expect(refusal).toBeInstanceOf(ProverError);
      expect(refusal.code).toBe('NOT_SEALED');
      expect(refusal.message).not.toMatch(/minutes|hours?\b/);
    }
  });

  it('gives the page the wait, to say it in its language', () => {
    expect([notSealed(6), notSealed(null), notSealed(undefined)].map((e) => e.details)).toEqual([
      { sealHours: 6 },
      { sealHours: null },
      {},
    ]);
  });
});
