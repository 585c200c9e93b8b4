import { releaseCurve, useSingleThreadedCurve } from './curve';
import { communityScope } from './hashing';
import { checkActionProof, type ProofJson } from './proof-check';
import {
  createProofVerifier,
  ProofVerifierBusyError,
  ProofVerifierUnavailableError,
  WARM_UP_ACTION,
  WARM_UP_PROOF,
  type ProofVerifier,
} from './proof-verifier-pool';

/** The warm-up proof with its nullifier changed: well formed, but not what the member proved. */
const FORGED: ProofJson = { ...WARM_UP_PROOF, nullifier: '1' };
/** Points that are not on the curve: unreadable, which must read as invalid, not throw. */
const GARBAGE: ProofJson = { ...WARM_UP_PROOF, points: WARM_UP_PROOF.points.map(() => '5') };

describe('proof verifier', () => {
  // The in-thread verifier builds snarkjs' curve in this thread: single-threaded, released after.
  beforeAll(() => useSingleThreadedCurve());
  afterAll(() => releaseCurve());

  describe.each([0, 2])('with %i threads', (threads) => {
    let verifier: ProofVerifier;

    beforeAll(async () => {
      verifier = createProofVerifier(threads);
      await verifier.warmUp();
    });

    afterAll(() => verifier.close());

    it('tells valid proofs from forged and unreadable ones, in order, across calls', async () => {
      expect(verifier.threads).toBe(threads);
      const calls = await Promise.all([
        verifier.verify([WARM_UP_PROOF, FORGED]),
        verifier.verify([GARBAGE]),
        verifier.verify([WARM_UP_PROOF]),
      ]);
      expect(calls).toEqual([[true, false], [false], [true]]);
    });

    it("serves as the proof check's Groth16 step", async () => {
      const check = (proof: ProofJson) =>
        checkActionProof({
          proof,
          action: { ...WARM_UP_ACTION, payload: {} },
          scope: communityScope(WARM_UP_ACTION.community),
          rootStatus: async () => 'current',
          now: new Date(WARM_UP_ACTION.clientMinute * 60_000),
          verifyGroth16: async (parsed) => {
            const [valid] = await verifier.verify([parsed as unknown as ProofJson]);
            return valid === true;
          },
        });
      expect(await check(WARM_UP_PROOF)).toEqual({
        ok: true,
        pseudonym: WARM_UP_PROOF.nullifier,
        root: WARM_UP_PROOF.merkleTreeRoot,
      });
      // Another nullifier passes every cheap check: only the Groth16 step can refuse it.
      expect(await check(FORGED)).toMatchObject({ ok: false, code: 'PROOF_INVALID' });
    });
  });

  it("lets a verifier's failure through instead of calling the proof invalid", async () => {
    const down = new ProofVerifierUnavailableError('down');
    await expect(
      checkActionProof({
        proof: WARM_UP_PROOF,
        action: { ...WARM_UP_ACTION, payload: {} },
        scope: communityScope(WARM_UP_ACTION.community),
        rootStatus: async () => 'current',
        now: new Date(WARM_UP_ACTION.clientMinute * 60_000),
        verifyGroth16: () => Promise.reject(down),
      }),
    ).rejects.toBe(down);
  });

  it('sheds calls once more than maxQueued proofs wait, and takes them again when drained', async () => {
    const verifier = createProofVerifier(1, { maxQueued: 2 });
    try {
      await verifier.warmUp();
      // The idle thread takes the first call at once; the next two proofs wait, the fourth is shed.
      const running = verifier.verify([WARM_UP_PROOF]);
      const waiting = verifier.verify([WARM_UP_PROOF, FORGED]);
      await expect(verifier.verify([WARM_UP_PROOF])).rejects.toBeInstanceOf(ProofVerifierBusyError);
      await expect(Promise.all([running, waiting])).resolves.toEqual([[true], [true, false]]);
      await expect(verifier.verify([WARM_UP_PROOF])).resolves.toEqual([true]);
    } finally {
      await verifier.close();
    }
  });

  it('verifies proofs sent alone in a batch of their own, never beside others', async () => {
    const verifier = createProofVerifier(1);
    const batches: number[][] = [];
    const pool = verifier as unknown as {
      run(thread: unknown, batch: { proofs: unknown[] }[]): void;
    };
    const run = pool.run.bind(verifier);
    pool.run = (thread, batch) => {
      batches.push(batch.map((call) => call.proofs.length));
      run(thread, batch);
    };
    try {
      await verifier.warmUp();
      batches.length = 0;
      const results = await Promise.all([
        verifier.verify([WARM_UP_PROOF]),
        verifier.verify([WARM_UP_PROOF]),
        verifier.verify([WARM_UP_PROOF, WARM_UP_PROOF]),
        verifier.verify([FORGED], { alone: true }),
        verifier.verify([WARM_UP_PROOF]),
      ]);
      expect(results).toEqual([[true], [true], [true, true], [false], [true]]);
      // The first call started the idle thread; the forged proof's batch held it alone.
      expect(batches).toEqual([[1], [1, 2], [1], [1]]);
    } finally {
      await verifier.close();
    }
  });

  it('finishes the verifications in progress when closed, then refuses new ones', async () => {
    const verifier = createProofVerifier(1);
    const inProgress = verifier.verify([WARM_UP_PROOF, WARM_UP_PROOF]);
    await verifier.close();
    await expect(inProgress).resolves.toEqual([true, true]);
    await expect(verifier.verify([WARM_UP_PROOF])).rejects.toBeInstanceOf(
      ProofVerifierUnavailableError,
    );
  });

  it('fails the calls of a thread that dies, and replaces the thread', async () => {
    const verifier = createProofVerifier(1);
    try {
      await verifier.warmUp();
      const pending = verifier.verify([WARM_UP_PROOF]);
      // Kill the only thread under the pending call, as a crash would.
      const [thread] = (verifier as unknown as { pool: { worker: { terminate(): unknown } }[] })
        .pool;
      await thread?.worker.terminate();
      await expect(pending).rejects.toBeInstanceOf(ProofVerifierUnavailableError);
      await expect(verifier.verify([WARM_UP_PROOF])).resolves.toEqual([true]);
    } finally {
      await verifier.close();
    }
  });
});
