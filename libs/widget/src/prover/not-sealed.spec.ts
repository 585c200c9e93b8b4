import { ProverError } from './backup';
import { notSealed } from './not-sealed';

describe("the prover's refusal before the seal", () => {
  const quiet = /In a quiet community this can take a few hours/;

  it('promises no time where the instance seals by K members only', () => {
    const refusal = notSealed(null);
    expect(refusal).toBeInstanceOf(ProverError);
    expect(refusal.code).toBe('NOT_SEALED');
    expect(refusal.message).toMatch(/once enough members have joined, with no set time/);
    expect(refusal.message).not.toMatch(/minutes|hours?\b/);
  });

  it('says the longest wait, in hours, where the instance has one', () => {
    expect(notSealed(6).message).toMatch(/at the latest about 6 hours after joining/);
    expect(notSealed(1).message).toMatch(/at the latest about an hour after joining/);
    expect(notSealed(6).message).not.toMatch(quiet);
  });

  it('keeps the general wording where the instance says no wait (an older API)', () => {
    expect(notSealed(undefined).message).toMatch(quiet);
  });

  it('gives the page the wait, to say it in its language', () => {
    expect([notSealed(6), notSealed(null), notSealed(undefined)].map((e) => e.details)).toEqual([
      { sealHours: 6 },
      { sealHours: null },
      {},
    ]);
  });
});
