// Groth16 verification of depth-20 Semaphore proofs with the verification key's fixed parts
// computed once, one proof at a time or many at once. Plain JavaScript (CommonJS) because the
// proof verifier's worker threads load it without a TypeScript loader; types in
// semaphore-verifier.d.ts.
//
// One proof: the same checks as Semaphore's `verifyProof` (snarkjs' `groth16.verify`), in the
// same order (public inputs below the scalar field order, proof points on their curves), plus
// one more: B must lie in G2's prime-order subgroup, which every honest prover's B does (snarkjs
// checks only that it is on the curve). That is tested as ψ(B) = [6u²]B with the twist's
// Frobenius endomorphism ψ, exact and half the cost of [r]B = O (see `inG2Subgroup`). Then the
// pairing equation
//   e(-A, B) · e(vk_x, γ) · e(C, δ) · e(α, β) = 1
// evaluated as e(-A, B) · e(vk_x, γ) · e(C, δ) = e(-α, β) after the final exponentiation. What
// is saved per proof: the fourth Miller loop (e(-α, β) is a constant), the line coefficients of
// γ and δ (prepared once), and the conversion of the verification key from decimal strings.
//
// Many proofs: the small-exponents batch test. With secret random 128-bit weights rᵢ,
//   ∏ e(-rᵢ·Aᵢ, Bᵢ) · e(Σ rᵢ·vk_xᵢ, γ) · e(Σ rᵢ·Cᵢ, δ) · e((Σ rᵢ)·α, β) = 1
// holds when every proof's equation holds, and otherwise only with probability about 2⁻¹²⁸: the
// prover cannot know the weights. That costs one Miller loop per proof and one final
// exponentiation per batch instead of three and one per proof; Σ rᵢ·vk_xᵢ is five scalar
// multiplications whatever the batch size, the weights folded into the public inputs. The
// argument needs the pairing to be linear in its first argument, which holds for B in G2's
// subgroup only: hence the subgroup check. A batch that fails is verified proof by proof, so a
// bad proof costs its sender, and the others in its batch are decided as if alone.
// Differential tests against `verifyProof` guard the equivalence (semaphore-verifier.spec.ts).
const { randomBytes } = require('node:crypto');

const { keccak_256: keccak256 } = require('@noble/hashes/sha3');

// The depth-20 key of the pinned artifacts (4.13.0), the same key Semaphore 4.14 embeds.
const VERIFICATION_KEY = require('@zk-kit/semaphore-artifacts/semaphore-20.json');
const DEPTH = 20;

const toBigInts = (value) => (Array.isArray(value) ? value.map(toBigInts) : BigInt(value));

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
  const { G1, G2, Gt } = curve;
  const key = {
    alpha: toBigInts(VERIFICATION_KEY.vk_alpha_1),
    beta: toBigInts(VERIFICATION_KEY.vk_beta_2),
    gamma: toBigInts(VERIFICATION_KEY.vk_gamma_2),
    delta: toBigInts(VERIFICATION_KEY.vk_delta_2),
    ic: toBigInts(VERIFICATION_KEY.IC),
  };
  const ic = key.ic.map((point) => G1.fromObject(point));
  const alpha = G1.fromObject(key.alpha);
  const prepared = (g2) => curve.prepareG2(G2.toJacobian(G2.fromObject(g2)));
  const beta = prepared(key.beta);
  const gamma = prepared(key.gamma);
  const delta = prepared(key.delta);
  const negAlphaBeta = curve.pairing(G1.neg(alpha), G2.fromObject(key.beta));

  const millerLoop = (g1, preparedG2) =>
    curve.millerLoop(curve.prepareG1(G1.toJacobian(g1)), preparedG2);

  /**
   * `start` + Σ signals[j]·IC[j + 1]: vk_x for a proof's signals (start IC[0]), or for weighted
   * sums of them. Separate multiplications: snarkjs' multiExp costs more for four points.
   */
  const combine = (start, signals) =>
    signals.reduce(
      (sum, signal, index) => G1.add(sum, G1.timesScalar(ic[index + 1], signal)),
      start,
    );

  /** The proof's public inputs and points, checked; undefined for anything that cannot verify. */
  function read(proof) {
    try {
      if (proof.merkleTreeDepth !== DEPTH) return undefined;
      const signals = [
        BigInt(proof.merkleTreeRoot),
        BigInt(proof.nullifier),
        semaphoreHash(proof.message),
        semaphoreHash(proof.scope),
      ];
      if (!signals.every((signal) => signal >= 0n && signal < curve.r)) return undefined;
      // Semaphore's packing: A = (p0, p1), B = ((p3, p2), (p5, p4)), C = (p6, p7).
      const p = proof.points.map((point) => BigInt(point));
      const a = G1.fromObject([p[0], p[1]]);
      const b = G2.fromObject([
        [p[3], p[2]],
        [p[5], p[4]],
      ]);
      const c = G1.fromObject([p[6], p[7]]);
      // B at infinity is no honest prover's, and ffjavascript's pairing gives garbage for it.
      if (G2.isZero(b)) return undefined;
      if (!(G1.isValid(a) && G2.isValid(b) && G1.isValid(c) && inG2Subgroup(curve, b))) {
        return undefined;
      }
      return { signals, a, b, c };
    } catch {
      return undefined;
    }
  }

  function holds({ signals, a, b, c }) {
    let product = curve.millerLoop(
      curve.prepareG1(G1.toJacobian(G1.neg(a))),
      curve.prepareG2(G2.toJacobian(b)),
    );
    product = Gt.mul(product, millerLoop(combine(ic[0], signals), gamma));
    product = Gt.mul(product, millerLoop(c, delta));
    return Gt.eq(curve.finalExponentiation(product), negAlphaBeta);
  }

  /** The batch equation over readable proofs (see the top of this file). */
  function batchHolds(proofs) {
    const weights = proofs.map(randomWeight);
    const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);
    // Σ rᵢ·vk_xᵢ = (Σ rᵢ)·IC[0] + Σⱼ (Σᵢ rᵢ·signalᵢⱼ)·IC[j + 1]
    const foldedSignals = proofs[0].signals.map(
      (_, index) =>
        proofs.reduce((sum, { signals }, at) => sum + weights[at] * signals[index], 0n) % curve.r,
    );
    const vkX = combine(G1.timesScalar(ic[0], weightSum % curve.r), foldedSignals);
    let cSum = G1.zero;
    let product = millerLoop(vkX, gamma);
    proofs.forEach(({ a, b, c }, at) => {
      cSum = G1.add(cSum, G1.timesScalar(c, weights[at]));
      product = Gt.mul(
        product,
        curve.millerLoop(
          curve.prepareG1(G1.toJacobian(G1.neg(G1.timesScalar(a, weights[at])))),
          curve.prepareG2(G2.toJacobian(b)),
        ),
      );
    });
    product = Gt.mul(product, millerLoop(cSum, delta));
    product = Gt.mul(product, millerLoop(G1.timesScalar(alpha, weightSum), beta));
    return Gt.eq(curve.finalExponentiation(product), Gt.one);
  }

  function decide(readable) {
    try {
      return holds(readable);
    } catch {
      return false;
    }
  }

  return {
    /** @returns whether the proof verifies; false for anything unreadable. */
    async verify(proof) {
      const readable = read(proof);
      return readable !== undefined && decide(readable);
    },

    /** @returns one decision per proof, the same as `verify` would give each. */
    async verifyAll(proofs) {
      const readable = proofs.map(read);
      const candidates = readable.filter((entry) => entry !== undefined);
      let allHold = false;
      if (candidates.length > 1) {
        try {
          allHold = batchHolds(candidates);
        } catch {
          // decided one by one below
        }
      }
      return readable.map((entry) => (entry === undefined ? false : allHold || decide(entry)));
    },

    /** The batch equation alone, for tests: true when it holds for these (readable) proofs. */
    batchHolds(proofs) {
      const readable = proofs.map(read);
      return readable.every((entry) => entry !== undefined) && batchHolds(readable);
    },
  };
}

/** A secret, non-zero 128-bit weight for the batch test. */
function randomWeight() {
  for (;;) {
    const weight = BigInt(`0x${randomBytes(16).toString('hex')}`);
    if (weight !== 0n) return weight;
  }
}

const endomorphisms = new WeakMap();

/**
 * ψ = φ⁻¹∘π_p∘φ on G2's curve E': y² = x³ + 3/ξ, ξ = 9 + i (untwist, p-power Frobenius,
 * twist): ψ(x, y) = (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)), where x̄ = x^p is the conjugate since
 * Fp2 = Fp[i]/(i² + 1). Its constants are computed once per curve.
 * @returns ψ, taking a point in any representation and giving it back affine.
 */
function g2Endomorphism(curve) {
  let psi = endomorphisms.get(curve);
  if (psi === undefined) {
    const { F1, F2, G2 } = curve;
    const n8 = F1.n8;
    const xi = F2.fromObject([9n, 1n]);
    const cx = F2.exp(xi, (curve.q - 1n) / 3n);
    const cy = F2.exp(xi, (curve.q - 1n) / 2n);
    // Field elements are stored as two Montgomery-form halves; negation commutes with that form.
    const conjugate = (a) => {
      const result = a.slice();
      result.set(F1.neg(a.slice(n8)), n8);
      return result;
    };
    psi = (point) => {
      const affine = G2.toAffine(point);
      const result = new Uint8Array(4 * n8);
      result.set(F2.mul(conjugate(affine.slice(0, 2 * n8)), cx));
      result.set(F2.mul(conjugate(affine.slice(2 * n8)), cy), 2 * n8);
      return result;
    };
    endomorphisms.set(curve, psi);
  }
  return psi;
}

/**
 * Whether a G2 point on the curve lies in the prime-order subgroup: ψ(Q) = [6u²]Q, where
 * 6u² = p − r, about half the work of [r]Q = O. Exact, not just necessary: ψ² − tψ + p = 0
 * with t = p + 1 − r = 6u² + 1; ψ is inseparable and 6u² ≢ 0 mod p, so ψ − [6u²] is separable
 * of degree (6u²)² − t·6u² + p = p − 6u² = r, and its kernel has exactly r points. G2, of
 * order r and where ψ acts as [p] = [6u²] mod r, lies inside that kernel, hence equals it.
 */
function inG2Subgroup(curve, point) {
  return curve.G2.eq(g2Endomorphism(curve)(point), curve.G2.timesScalar(point, curve.q - curve.r));
}

module.exports = { createSemaphoreVerifier, g2Endomorphism, inG2Subgroup, semaphoreHash };
