// Groth16 verification of depth-20 Semaphore proofs with the verification key's fixed parts
// computed once. Plain JavaScript (CommonJS) because the proof verifier's worker threads load it
// without a TypeScript loader; types in semaphore-verifier.d.ts.
//
// It decides exactly what Semaphore's `verifyProof` (snarkjs' `groth16.verify`) decides, with the
// same checks in the same order: public inputs below the scalar field order, proof points on
// their curves, and the pairing equation
//   e(-A, B) · e(vk_x, γ) · e(C, δ) · e(α, β) = 1
// evaluated as e(-A, B) · e(vk_x, γ) · e(C, δ) = e(-α, β) after the final exponentiation. What
// is saved per proof: the fourth Miller loop (e(-α, β) is a constant), the line coefficients of
// γ and δ (prepared once), and the conversion of the verification key from decimal strings.
// Differential tests against `verifyProof` guard the equivalence (semaphore-verifier.spec.ts).
const { keccak_256: keccak256 } = require('@noble/hashes/sha3');

// The depth-20 key of the pinned artifacts (4.13.0), the same key Semaphore 4.14 embeds.
const VERIFICATION_KEY = require('@zk-kit/semaphore-artifacts/semaphore-20.json');
const DEPTH = 20;

const toBigInts = (value) => (Array.isArray(value) ? value.map(toBigInts) : BigInt(value));

/** Writes `value` as `size` little-endian bytes at `offset` (snarkjs' scalar layout). */
function writeLittleEndian(buffer, offset, value, size) {
  let rest = value;
  for (let index = 0; index < size; index += 1) {
    buffer[offset + index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** Semaphore's message and scope hash: keccak256 of the 32-byte big-endian value, shifted by 8. */
function semaphoreHash(decimal) {
  const bytes = Buffer.from(BigInt(decimal).toString(16).padStart(64, '0'), 'hex');
  return BigInt(`0x${Buffer.from(keccak256(bytes)).toString('hex')}`) >> 8n;
}

/**
 * @param curve snarkjs' bn128 curve (single-threaded: `curves.getCurveFromName('bn128',
 *   { singleThread: true })`), already built.
 */
function createSemaphoreVerifier(curve) {
  const { G1, G2, Gt, Fr } = curve;
  const key = {
    alpha: toBigInts(VERIFICATION_KEY.vk_alpha_1),
    beta: toBigInts(VERIFICATION_KEY.vk_beta_2),
    gamma: toBigInts(VERIFICATION_KEY.vk_gamma_2),
    delta: toBigInts(VERIFICATION_KEY.vk_delta_2),
    ic: toBigInts(VERIFICATION_KEY.IC),
  };
  const ic0 = G1.fromObject(key.ic[0]);
  const icBases = new Uint8Array(G1.F.n8 * 2 * (key.ic.length - 1));
  key.ic.slice(1).forEach((point, index) => icBases.set(G1.fromObject(point), index * G1.F.n8 * 2));
  const gamma = curve.prepareG2(G2.toJacobian(G2.fromObject(key.gamma)));
  const delta = curve.prepareG2(G2.toJacobian(G2.fromObject(key.delta)));
  const negAlphaBeta = curve.pairing(G1.neg(G1.fromObject(key.alpha)), G2.fromObject(key.beta));

  const millerLoop = (g1, preparedG2) =>
    curve.millerLoop(curve.prepareG1(G1.toJacobian(g1)), preparedG2);

  /** @returns whether the proof verifies; false for anything unreadable. */
  async function verify(proof) {
    try {
      if (proof.merkleTreeDepth !== DEPTH) return false;
      const signals = [
        BigInt(proof.merkleTreeRoot),
        BigInt(proof.nullifier),
        semaphoreHash(proof.message),
        semaphoreHash(proof.scope),
      ];
      if (!signals.every((signal) => signal >= 0n && signal < curve.r)) return false;
      const scalars = new Uint8Array(Fr.n8 * signals.length);
      signals.forEach((signal, index) => writeLittleEndian(scalars, Fr.n8 * index, signal, Fr.n8));
      const vkX = G1.add(await G1.multiExpAffine(icBases, scalars), ic0);

      // Semaphore's packing: A = (p0, p1), B = ((p3, p2), (p5, p4)), C = (p6, p7).
      const p = proof.points.map((point) => BigInt(point));
      const a = G1.fromObject([p[0], p[1]]);
      const b = G2.fromObject([
        [p[3], p[2]],
        [p[5], p[4]],
      ]);
      const c = G1.fromObject([p[6], p[7]]);
      if (!(G1.isValid(a) && G2.isValid(b) && G1.isValid(c))) return false;

      let product = curve.millerLoop(
        curve.prepareG1(G1.toJacobian(G1.neg(a))),
        curve.prepareG2(G2.toJacobian(b)),
      );
      product = Gt.mul(product, millerLoop(vkX, gamma));
      product = Gt.mul(product, millerLoop(c, delta));
      return Gt.eq(curve.finalExponentiation(product), negAlphaBeta);
    } catch {
      return false;
    }
  }

  return { verify };
}

module.exports = { createSemaphoreVerifier, semaphoreHash };
