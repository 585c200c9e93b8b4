// Groth16 verification of depth-20 Semaphore proofs with the verification key's fixed parts
// computed once, one proof at a time or many at once. Plain JavaScript (CommonJS) because the
// proof verifier's worker threads load it without a TypeScript loader; types in
// semaphore-verifier.d.ts.
//
// One proof: the same checks as Semaphore's `verifyProof` (snarkjs' `groth16.verify`), in the
// same order (public inputs below the scalar field order, proof points on their curves), plus
// one more: B must lie in G2's prime-order subgroup, which every honest prover's B does (snarkjs
// checks only that it is on the curve). That is tested with the twist's Frobenius endomorphism
// ψ, exact and a quarter of the cost of [r]B = O (see `inG2Subgroup`). Then the pairing equation
//   e(-A, B) · e(vk_x, γ) · e(C, δ) · e(α, β) = 1
// evaluated as e(-A, B) · e(vk_x, γ) · e(C, δ) = e(-α, β) after the final exponentiation. What
// is saved per proof: the fourth Miller loop (e(-α, β) is a constant), the line coefficients of
// γ and δ (prepared once), the conversion of the verification key from decimal strings, the
// squarings of two Miller loops (the three run as one: see `millerProduct`), and most of the
// work of vk_x = IC₀ + Σ signalⱼ·ICⱼ₊₁ (tables of the IC points' multiples: `fixedBaseTables`).
//
// Many proofs: the small-exponents batch test. With secret random 128-bit weights rᵢ,
//   ∏ e(-rᵢ·Aᵢ, Bᵢ) · e(Σ rᵢ·vk_xᵢ, γ) · e(Σ rᵢ·Cᵢ, δ) · e((Σ rᵢ)·α, β) = 1
// holds when every proof's equation holds, and otherwise only with probability about 2⁻¹²⁸: the
// prover cannot know the weights. That costs one Miller loop's lines per proof, sharing one
// loop's squarings, and one final exponentiation per batch, instead of three loops and one
// exponentiation per proof; Σ rᵢ·vk_xᵢ is five scalar multiplications whatever the batch size,
// the weights folded into the public inputs. The argument needs the pairing to be linear in its
// first argument, which holds for B in G2's subgroup only: hence the subgroup check. A batch
// that fails is verified proof by proof, so a bad proof costs its sender, and the others in its
// batch are decided as if alone. Differential tests against `verifyProof` guard the
// equivalence (semaphore-verifier.spec.ts).
const { randomBytes } = require('node:crypto');

const { keccak_256: keccak256 } = require('@noble/hashes/sha3');

// The depth-20 key of the pinned artifacts (4.13.0), the same key Semaphore 4.14 embeds.
const VERIFICATION_KEY = require('@zk-kit/semaphore-artifacts/semaphore-20.json');
const DEPTH = 20;
/** BN254's optimal ate loop count 6u + 2 (u = 4965661367192848881), least significant bit first. */
const ATE_LOOP_BITS = [...29793968203157093288n.toString(2)].reverse().map(Number);
/** Pairs per Miller loop: their line coefficients must fit the curve's 1.6 MB of wasm memory. */
const MILLER_CHUNK = 24;

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
  const prepare = (g2) => curve.prepareG2(G2.toJacobian(G2.fromObject(g2)));
  const beta = prepare(key.beta);
  const gamma = prepare(key.gamma);
  const delta = prepare(key.delta);
  const negAlphaBeta = curve.pairing(G1.neg(alpha), G2.fromObject(key.beta));
  // The key's G1 points, multiplied by every proof's signals (IC) or by the batch's weights (α).
  const fixedBases = fixedBaseTables(curve, [...ic, alpha]);
  const ALPHA = ic.length;

  const { tm } = curve;
  const wasm = tm.instance.exports;
  const f2Size = 2 * curve.F1.n8;
  const coefficientsSize = 3 * f2Size;

  /**
   * ∏ Miller loop(Pᵢ, Qᵢ) over pairs { p: a G1 point, q: a G2 point or its prepared form
   * (`prepared`) }, as one loop: the accumulator is squared once per step for all pairs instead
   * of once per pair, and the products of separate loops are saved. The same steps as
   * wasmcurves' `bn128_millerLoop`, whose primitives it calls, interleaved over the pairs: line
   * values multiply into one accumulator in any order. Pairs are taken in chunks that fit the
   * curve's wasm memory (~20 kB of line coefficients each).
   */
  function millerProduct(pairs) {
    let product;
    for (let start = 0; start < pairs.length; start += MILLER_CHUNK) {
      const chunk = millerChunk(pairs.slice(start, start + MILLER_CHUNK));
      product = product === undefined ? chunk : Gt.mul(product, chunk);
    }
    return product;
  }

  function millerChunk(pairs) {
    tm.startSyncOp();
    try {
      const loops = pairs.map(({ p, q, prepared }) => {
        const pPrepared = tm.alloc(curve.prePSize);
        wasm.bn128_prepareG1(tm.allocBuff(G1.toJacobian(p)), pPrepared);
        let qPrepared;
        if (prepared !== undefined) {
          qPrepared = tm.allocBuff(prepared);
        } else {
          qPrepared = tm.alloc(curve.preQSize);
          wasm.bn128_prepareG2(tm.allocBuff(G2.toJacobian(q)), qPrepared);
        }
        // The prepared P is (x, y); the prepared Q is Q itself, then one line's coefficients
        // (ell_0, ell_vw, ell_vv) per step.
        return { x: pPrepared, y: pPrepared + curve.F1.n8, line: qPrepared + 3 * f2Size };
      });
      const f = tm.alloc(Gt.n8);
      const vw = tm.alloc(f2Size);
      const vv = tm.alloc(f2Size);
      const step = (loop) => {
        wasm.f2m_mul1(loop.line + f2Size, loop.y, vw);
        wasm.f2m_mul1(loop.line + 2 * f2Size, loop.x, vv);
        wasm.bn128__mulBy024(loop.line, vw, vv, f);
        loop.line += coefficientsSize;
      };
      wasm.ftm_one(f);
      for (let bit = ATE_LOOP_BITS.length - 2; bit >= 0; bit -= 1) {
        wasm.ftm_square(f, f);
        loops.forEach(step);
        if (ATE_LOOP_BITS[bit] === 1) loops.forEach(step);
      }
      // The two lines through Q's Frobenius images that end BN's optimal ate loop.
      loops.forEach(step);
      loops.forEach(step);
      return tm.getBuff(f, Gt.n8);
    } finally {
      tm.endSyncOp();
    }
  }

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
    const product = millerProduct([
      { p: G1.neg(a), q: b },
      {
        p: fixedBases.sum([[0, 1n], ...signals.map((signal, j) => [j + 1, signal])]),
        prepared: gamma,
      },
      { p: c, prepared: delta },
    ]);
    return Gt.eq(curve.finalExponentiation(product), negAlphaBeta);
  }

  /** The batch equation over readable proofs (see the top of this file). */
  function batchHolds(proofs) {
    const weights = proofs.map(randomWeight);
    const weightSum = weights.reduce((sum, weight) => sum + weight, 0n) % curve.r;
    // Σ rᵢ·vk_xᵢ = (Σ rᵢ)·IC[0] + Σⱼ (Σᵢ rᵢ·signalᵢⱼ)·IC[j + 1]
    const foldedSignals = proofs[0].signals.map(
      (_, index) =>
        proofs.reduce((sum, { signals }, at) => sum + weights[at] * signals[index], 0n) % curve.r,
    );
    const vkX = fixedBases.sum([
      [0, weightSum],
      ...foldedSignals.map((signal, j) => [j + 1, signal]),
    ]);
    const cSum = proofs.reduce(
      (sum, { c }, at) => G1.add(sum, G1.timesScalar(c, weights[at])),
      G1.zero,
    );
    const product = millerProduct([
      { p: vkX, prepared: gamma },
      { p: cSum, prepared: delta },
      { p: fixedBases.sum([[ALPHA, weightSum]]), prepared: beta },
      ...proofs.map(({ a, b }, at) => ({ p: G1.neg(G1.timesScalar(a, weights[at])), q: b })),
    ]);
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

/** Fixed-base tables: 4-bit windows over scalars below 2²⁵⁶. */
const WINDOW_BITS = 4;
const WINDOWS = 64;
const DIGITS = (1 << WINDOW_BITS) - 1;
const fixedBaseCache = new WeakMap();

/**
 * Sums of multiples of fixed G1 points (the verification key's), Σ kᵢ·P_bᵢ, by table: every
 * [d·16ʷ]P (digits d = 1…15, windows w = 0…63) is computed once and kept, affine, in the
 * curve's wasm memory, so a 254-bit multiple costs at most 64 mixed additions instead of ~254
 * doublings and ~127 additions — about a fifth, called without copying points in and out.
 * The tables (~60 kB per point) are built once per curve and kept for its life.
 * @returns `sum(terms)`: Σ scalar·bases[index] over terms [index, scalar] (0 ≤ scalar < 2²⁵⁶),
 *   a Jacobian point.
 */
function fixedBaseTables(curve, bases) {
  const { G1, tm } = curve;
  const wasm = tm.instance.exports;
  const jacobianSize = 3 * G1.F.n8;
  const affineSize = 2 * G1.F.n8;
  const key = bases.map((base) => Buffer.from(G1.toAffine(base)).toString('hex')).join();
  let perCurve = fixedBaseCache.get(curve);
  if (perCurve === undefined) fixedBaseCache.set(curve, (perCurve = new Map()));
  let table = perCurve.get(key);
  if (table === undefined) {
    const count = bases.length * WINDOWS * DIGITS;
    // Outside a sync operation, an allocation is kept: ffjavascript frees only within them.
    table = tm.alloc(count * affineSize);
    tm.startSyncOp();
    try {
      const jacobians = tm.alloc(count * jacobianSize);
      const step = tm.alloc(jacobianSize);
      bases.forEach((base, index) => {
        tm.setBuff(step, G1.toJacobian(base));
        for (let window = 0; window < WINDOWS; window += 1) {
          const row = jacobians + (index * WINDOWS + window) * DIGITS * jacobianSize;
          wasm.g1m_copy(step, row);
          for (let digit = 1; digit < DIGITS; digit += 1) {
            wasm.g1m_add(row + (digit - 1) * jacobianSize, step, row + digit * jacobianSize);
          }
          wasm.g1m_add(row + (DIGITS - 1) * jacobianSize, step, step);
        }
      });
      wasm.g1m_batchToAffine(jacobians, count, table);
    } finally {
      tm.endSyncOp();
    }
    perCurve.set(key, table);
  }
  return {
    sum(terms) {
      tm.startSyncOp();
      try {
        const sum = tm.alloc(jacobianSize);
        wasm.g1m_zero(sum);
        for (const [index, scalar] of terms) {
          const hex = scalar.toString(16);
          const rows = table + index * WINDOWS * DIGITS * affineSize;
          for (let window = 0; window < hex.length; window += 1) {
            const digit = parseInt(hex[hex.length - 1 - window], 16);
            if (digit !== 0) {
              wasm.g1m_addMixed(sum, rows + (window * DIGITS + digit - 1) * affineSize, sum);
            }
          }
        }
        return tm.getBuff(sum, jacobianSize);
      } finally {
        tm.endSyncOp();
      }
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

/** BN254's parameter u: p, r and the trace t are polynomials in it. */
const U = 4965661367192848881n;

/**
 * Whether a G2 point on the curve lies in the prime-order subgroup: φ(Q) = O for the
 * endomorphism φ = [u+1] + ψ∘[u] + ψ²∘[u] − ψ³∘[2u] (El Housni, Guillevic and Piellard,
 * "Co-factor clearing and subgroup membership testing on pairing-friendly curves", 2022),
 * tested as [u+1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q): one multiplication by the 63-bit u, a
 * quarter of the work of [r]Q = O. Exact, not just necessary: with ψ² = tψ − p (t = 6u² + 1),
 * φ = α + βψ for integers α, β with α + βp ≡ 0 (mod r), so φ is zero on G2, where ψ acts as
 * [p]; p ∤ α, so φ is separable and its kernel has deg φ = α² + tαβ + pβ² = r·m points, with m
 * coprime to the cofactor 2p − r. The kernel's points on the curve (a group of order r(2p − r))
 * are therefore at most r, and G2 is among them. The spec checks these figures.
 */
function inG2Subgroup(curve, point) {
  const { G2 } = curve;
  // ffjavascript's mixed additions mishandle O; no other point has [u]Q = O (u is prime to
  // the curve's order), so no other gets there.
  if (G2.isZero(point)) return true;
  const psi = g2Endomorphism(curve);
  const timesU = G2.timesScalar(point, U);
  const psiTimesU = psi(timesU);
  const psi2TimesU = psi(psiTimesU);
  const left = G2.add(G2.add(G2.add(timesU, point), psiTimesU), psi2TimesU);
  return G2.eq(left, G2.double(psi(psi2TimesU)));
}

module.exports = {
  createSemaphoreVerifier,
  fixedBaseTables,
  g2Endomorphism,
  inG2Subgroup,
  semaphoreHash,
};
