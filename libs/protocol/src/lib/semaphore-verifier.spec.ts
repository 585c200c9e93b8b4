// One file for the verifier's whole contract (single proofs, batches, the subgroup and
// fixed-base figures): the cases share the real proofs and curve set up once at the top.
import { readFileSync } from 'node:fs';

import { verifyProof, type SemaphoreProof } from '@semaphore-protocol/core';

import { SNARK_SCALAR_FIELD } from './constants';
import { releaseCurve, useSingleThreadedCurve } from './curve';
import type { ProofJson } from './proof-check';
import { WARM_UP_PROOF } from './proof-verifier-pool';
import {
  createSemaphoreVerifier,
  fixedBaseTables,
  g2Endomorphism,
  inG2Subgroup,
  type SemaphoreVerifier,
} from './semaphore-verifier';

/** A second real depth-20 proof, of another group, message and scope. */
const OTHER_PROOF: ProofJson = {
  merkleTreeDepth: 20,
  merkleTreeRoot: '19355745260005005454920163126221282644702749959622361564998269141905369186293',
  nullifier: '8439572090593042834830271879645372025353869258574917210443922757347777292659',
  message: '54307778554551707599388631164201381857001577421954326267975570171893789315905',
  scope: '69543054439764718920028778873346827045586113144327790608792450632937642917324',
  points: [
    '7697846491907858352131044830607959911746659816622913422346463183020056228271',
    '3362814498871435136985307781668907348341397257671719969083441157894801990173',
    '20411463946686411708503249944889576073391464832299434369764398836118224200521',
    '21187405125973760200538957819888355603813239581771688541468443290247506469704',
    '10378555379314541413057713293926195756536501523986548113644331757875370640832',
    '10726601674088343576546272285934933577505965695115390609209777454220320085297',
    '6080740136917550257876800455715908332474058822047939934973907214600331659640',
    '14465360346886585805927151983619423866759704878445251246230251738848165344320',
  ],
};

/**
 * A point on G2's curve outside its prime-order subgroup, x = 2 + i (found by trying small x):
 * Semaphore's packing of B puts x's parts at p3, p2 and y's at p5, p4.
 */
const OUTSIDE_SUBGROUP = {
  x: ['2', '1'],
  y: [
    '7292567877523311580221095596750716176434782432868683424513645834767876293070',
    '19659275751359636165940301690575149581329631496732780143538578556285923319774',
  ],
} as const;

const plusOne = (decimal: string) => (BigInt(decimal) + 1n).toString();

/** Ways to spoil a genuine proof: each must be refused by both verifiers. */
function spoiled(proof: ProofJson, other: ProofJson): [string, ProofJson][] {
  const withPoints = (change: (points: string[]) => string[]) => ({
    ...proof,
    points: change([...proof.points]),
  });
  return [
    ...proof.points.map((_, index): [string, ProofJson] => [
      `point ${index} + 1`,
      withPoints((points) => points.map((point, at) => (at === index ? plusOne(point) : point))),
    ]),
    [
      'B with its coordinates swapped',
      withPoints(
        ([a0, a1, b0, b1, b2, b3, c0, c1]) => [a0, a1, b1, b0, b3, b2, c0, c1] as string[],
      ),
    ],
    [
      "the other proof's B",
      withPoints((points) => [
        ...points.slice(0, 2),
        ...other.points.slice(2, 6),
        ...points.slice(6),
      ]),
    ],
    ["the other proof's points", { ...proof, points: other.points }],
    ['A at infinity', withPoints((points) => ['0', '0', ...points.slice(2)])],
    [
      'B at infinity',
      withPoints((points) => [...points.slice(0, 2), '0', '0', '0', '0', ...points.slice(6)]),
    ],
    ['C as A', withPoints((points) => [...points.slice(0, 6), points[0], points[1]] as string[])],
    ['another root', { ...proof, merkleTreeRoot: plusOne(proof.merkleTreeRoot) }],
    ['another nullifier', { ...proof, nullifier: plusOne(proof.nullifier) }],
    ['another message', { ...proof, message: plusOne(proof.message) }],
    ['another scope', { ...proof, scope: plusOne(proof.scope) }],
    ["the other proof's public values", { ...other, points: proof.points }],
    [
      'a root outside the scalar field',
      { ...proof, merkleTreeRoot: SNARK_SCALAR_FIELD.toString() },
    ],
    [
      'a root that is the same modulo the field',
      { ...proof, merkleTreeRoot: (BigInt(proof.merkleTreeRoot) + SNARK_SCALAR_FIELD).toString() },
    ],
    ['depth 19', { ...proof, merkleTreeDepth: 19 }],
    [
      'B on the curve, outside the subgroup',
      withPoints((points) => [
        ...points.slice(0, 2),
        OUTSIDE_SUBGROUP.x[1],
        OUTSIDE_SUBGROUP.x[0],
        OUTSIDE_SUBGROUP.y[1],
        OUTSIDE_SUBGROUP.y[0],
        ...points.slice(6),
      ]),
    ],
  ];
}

/**
 * The precomputed verifier must decide exactly as Semaphore's own `verifyProof` (snarkjs): for
 * genuine proofs and for every spoiled variant of them.
 */
describe('semaphore verifier', () => {
  let verifier: SemaphoreVerifier;
  let curve: Awaited<ReturnType<typeof useSingleThreadedCurve>>;
  const reference = async (proof: ProofJson) => {
    try {
      return await verifyProof(proof as unknown as SemaphoreProof);
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    curve = await useSingleThreadedCurve();
    verifier = createSemaphoreVerifier(curve);
  });
  afterAll(() => releaseCurve());

  it.each([
    ['the warm-up proof', WARM_UP_PROOF],
    ['another proof', OTHER_PROOF],
  ])('accepts %s, as Semaphore does', async (_, proof) => {
    expect(await verifier.verify(proof)).toBe(true);
    expect(await reference(proof)).toBe(true);
  });

  it.each([
    ['the warm-up proof', WARM_UP_PROOF, OTHER_PROOF],
    ['another proof', OTHER_PROOF, WARM_UP_PROOF],
  ])('refuses every spoiled variant of %s, as Semaphore does', async (_, proof, other) => {
    const decisions: [string, boolean, boolean][] = [];
    for (const [how, variant] of spoiled(proof, other)) {
      decisions.push([how, await verifier.verify(variant), await reference(variant)]);
    }
    expect(decisions).toEqual(decisions.map(([how]) => [how, false, false]));
  });

  describe('in batches', () => {
    it('holds for genuine proofs together, repeated or not', async () => {
      expect(verifier.batchHolds([WARM_UP_PROOF, OTHER_PROOF])).toBe(true);
      expect(verifier.batchHolds([OTHER_PROOF, WARM_UP_PROOF, OTHER_PROOF, OTHER_PROOF])).toBe(
        true,
      );
      expect(await verifier.verifyAll([WARM_UP_PROOF, OTHER_PROOF, WARM_UP_PROOF])).toEqual([
        true,
        true,
        true,
      ]);
    });

    it('holds across Miller loops of several chunks, and fails for a bad proof in the last', async () => {
      // 40 proofs and the key's 3 pairs: more pairs than one Miller loop takes at once.
      const many = Array.from({ length: 40 }, (_, at) =>
        at % 3 === 0 ? OTHER_PROOF : WARM_UP_PROOF,
      );
      expect(verifier.batchHolds(many)).toBe(true);
      const [, spoiledProof] = spoiled(WARM_UP_PROOF, OTHER_PROOF)[0] as [string, ProofJson];
      expect(verifier.batchHolds([...many.slice(1), spoiledProof])).toBe(false);
      expect(await verifier.verifyAll([...many.slice(1), spoiledProof])).toEqual([
        ...many.slice(1).map(() => true),
        false,
      ]);
    });

    it('fails for any spoiled proof among genuine ones, and each is then decided alone', async () => {
      const variants = spoiled(WARM_UP_PROOF, OTHER_PROOF);
      const batchDecisions = variants.map(([how, variant]): [string, boolean] => [
        how,
        verifier.batchHolds([OTHER_PROOF, variant, WARM_UP_PROOF]),
      ]);
      expect(batchDecisions).toEqual(variants.map(([how]) => [how, false]));
      const all = await verifier.verifyAll([
        OTHER_PROOF,
        ...variants.map(([, variant]) => variant),
        WARM_UP_PROOF,
      ]);
      expect(all).toEqual([true, ...variants.map(() => false), true]);
    });

    it('fails for two forged proofs whose errors cancel out without secret weights', async () => {
      // Swapping C between two genuine proofs keeps the product of their unweighted equations
      // true: only the random weights make the batch catch it.
      const swapped = (proof: ProofJson, other: ProofJson): ProofJson => ({
        ...proof,
        points: [...proof.points.slice(0, 6), ...other.points.slice(6)],
      });
      const pair = [swapped(WARM_UP_PROOF, OTHER_PROOF), swapped(OTHER_PROOF, WARM_UP_PROOF)];
      expect(verifier.batchHolds(pair)).toBe(false);
      expect(await verifier.verifyAll(pair)).toEqual([false, false]);
      expect(await Promise.all(pair.map(reference))).toEqual([false, false]);
    });

    it("checks B's subgroup, which the batch equation's soundness needs", () => {
      const { G2 } = curve as unknown as {
        G2: { fromObject(point: bigint[][]): Uint8Array; isValid(point: Uint8Array): boolean };
      };
      const point = (x: readonly string[], y: readonly string[]) =>
        G2.fromObject([x.map(BigInt), y.map(BigInt)]);
      const outside = point(OUTSIDE_SUBGROUP.x, OUTSIDE_SUBGROUP.y);
      expect(G2.isValid(outside)).toBe(true);
      expect(inG2Subgroup(curve, outside)).toBe(false);
      const p = WARM_UP_PROOF.points;
      expect(inG2Subgroup(curve, point([p[3], p[2]] as string[], [p[5], p[4]] as string[]))).toBe(
        true,
      );
    });
  });

  it('sums multiples of fixed points as multiplying them one by one does', () => {
    const { G1, r } = curve as unknown as {
      r: bigint;
      G1: {
        g: Uint8Array;
        eq(a: Uint8Array, b: Uint8Array): boolean;
        add(a: Uint8Array, b: Uint8Array): Uint8Array;
        timesScalar(point: Uint8Array, scalar: bigint): Uint8Array;
        isZero(point: Uint8Array): boolean;
      };
    };
    const bases = [G1.g, G1.timesScalar(G1.g, 7919n), G1.timesScalar(G1.g, r - 2n)];
    const tables = fixedBaseTables(curve, bases);
    const terms: [number, bigint][][] = [
      [[0, 1n]],
      [[1, r - 1n]],
      [[2, (1n << 256n) - 1n]],
      [
        [0, 0x123456789abcdef0fedcba9876543210n],
        [1, r / 3n],
        [2, 16n ** 40n],
      ],
      // The same point twice: the second addition doubles.
      [
        [1, 5n],
        [1, 5n],
      ],
    ];
    for (const sum of terms) {
      const expected = sum.reduce(
        (total, [index, scalar]) =>
          G1.add(total, G1.timesScalar(bases[index] as Uint8Array, scalar)),
        G1.timesScalar(G1.g, 0n),
      );
      expect(G1.eq(tables.sum(sum), expected)).toBe(true);
    }
    expect(G1.isZero(tables.sum([[0, 0n]]))).toBe(true);
    expect(G1.isZero(tables.sum([[0, r]]))).toBe(true);
  });

  /**
   * The subgroup check [u+1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q), against the definition
   * [r]Q = O. snarkjs' curve is
   * untyped: these are the members the tests use, points and field elements as byte arrays.
   */
  describe("B's subgroup check by the endomorphism ψ", () => {
    type Bytes = Uint8Array;
    interface Bn128 {
      q: bigint;
      r: bigint;
      F2: {
        fromObject(value: bigint[]): Bytes;
        add(a: Bytes, b: Bytes): Bytes;
        mul(a: Bytes, b: Bytes): Bytes;
        square(a: Bytes): Bytes;
        isSquare(a: Bytes): boolean;
        sqrt(a: Bytes): Bytes;
      };
      G2: {
        b: Bytes;
        cofactor: Bytes;
        zero: Bytes;
        zeroAffine: Bytes;
        fromObject(point: bigint[][]): Bytes;
        isValid(point: Bytes): boolean;
        isZero(point: Bytes): boolean;
        eq(a: Bytes, b: Bytes): boolean;
        add(a: Bytes, b: Bytes): Bytes;
        sub(a: Bytes, b: Bytes): Bytes;
        toAffine(point: Bytes): Bytes;
        timesScalar(point: Bytes, scalar: bigint | Bytes): Bytes;
      };
    }
    /** BN254's parameter: p, r and the trace t are polynomials in it. */
    const U = 4965661367192848881n;
    const KEY = JSON.parse(
      readFileSync(require.resolve('@zk-kit/semaphore-artifacts/semaphore-20.json'), 'utf8'),
    ) as Record<'vk_beta_2' | 'vk_gamma_2' | 'vk_delta_2', string[][]>;

    let bn128: Bn128;
    let G2: Bn128['G2'];
    let psi: (point: Bytes) => Bytes;
    const fromDecimals = (point: readonly (readonly string[])[]) =>
      G2.fromObject(point.slice(0, 2).map((coordinate) => coordinate.map(BigInt)));
    /** B in Semaphore's packing: ((p3, p2), (p5, p4)). */
    const proofB = ({ points: p }: ProofJson) =>
      fromDecimals([
        [p[3], p[2]],
        [p[5], p[4]],
      ]);
    const byDefinition = (point: Bytes) => G2.isZero(G2.timesScalar(point, bn128.r));

    /** In G2: the key's β, γ, δ and both proofs' B. */
    const inside = (): [string, Bytes][] => [
      ['β', fromDecimals(KEY.vk_beta_2)],
      ['γ', fromDecimals(KEY.vk_gamma_2)],
      ['δ', fromDecimals(KEY.vk_delta_2)],
      ["the warm-up proof's B", proofB(WARM_UP_PROOF)],
      ["the other proof's B", proofB(OTHER_PROOF)],
    ];
    const outsideSubgroup = () => fromDecimals([OUTSIDE_SUBGROUP.x, OUTSIDE_SUBGROUP.y]);

    /** The first 20 points on the curve with x = k + i, k = 0, 1, 2…: y² = x³ + b has a root. */
    function twistPoints(): [string, Bytes][] {
      const { F2 } = bn128;
      const found: [string, Bytes][] = [];
      for (let k = 0n; found.length < 20; k += 1n) {
        const x = F2.fromObject([k, 1n]);
        const ySquared = F2.add(F2.mul(F2.square(x), x), G2.b);
        if (F2.isSquare(ySquared)) {
          const point = new Uint8Array(2 * x.length);
          point.set(x);
          point.set(F2.sqrt(ySquared), x.length);
          found.push([`x = ${k} + i`, point]);
        }
      }
      return found;
    }

    beforeAll(() => {
      bn128 = curve as unknown as Bn128;
      G2 = bn128.G2;
      psi = g2Endomorphism(curve);
    });

    it("rests on figures that make it exact (see inG2Subgroup's comment)", () => {
      const { q: p, r } = bn128;
      const t = 6n * U * U + 1n;
      expect(p + 1n - t).toBe(36n * U ** 4n + 36n * U ** 3n + 18n * U * U + 6n * U + 1n);
      expect(p + 1n - t).toBe(r);
      const cofactor = 2n * p - r;
      const order = r * cofactor;
      expect(G2.isZero(G2.timesScalar(outsideSubgroup(), order))).toBe(true);
      // φ = [u+1] + ψ[u] + ψ²[u] − ψ³[2u], reduced by ψ² = tψ − p and ψ³ = (t² − p)ψ − tp.
      const alpha = U + 1n - U * p + 2n * U * t * p;
      const beta = U + U * t - 2n * U * (t * t - p);
      const modulo = (value: bigint, by: bigint) => ((value % by) + by) % by;
      expect(modulo(alpha + beta * p, r)).toBe(0n);
      expect(modulo(alpha, p)).not.toBe(0n);
      const degree = alpha * alpha + t * alpha * beta + p * beta * beta;
      expect(modulo(degree, r)).toBe(0n);
      const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
      expect(gcd(degree / r, cofactor)).toBe(1n);
      expect(gcd(U, order)).toBe(1n);
    });

    it('is multiplication by p on G2', () => {
      const decisions = inside().map(([name, point]): [string, boolean] => [
        name,
        G2.eq(psi(point), G2.timesScalar(point, bn128.q)),
      ]);
      expect(decisions).toEqual(inside().map(([name]) => [name, true]));
    });

    it('satisfies ψ² − tψ + p = 0, t = 6u² + 1, on the whole curve, not only on G2', () => {
      const t = 6n * U * U + 1n;
      for (const point of [outsideSubgroup(), ...twistPoints().map(([, found]) => found)]) {
        const image = psi(point);
        expect(G2.isValid(image)).toBe(true);
        // As ψ²(Q) + [p]Q = [t]ψ(Q): ffjavascript's G2.sub(affine, Jacobian) subtracts the
        // other way round.
        expect(
          G2.eq(G2.add(psi(image), G2.timesScalar(point, bn128.q)), G2.timesScalar(image, t)),
        ).toBe(true);
      }
    });

    it('decides as [r]Q = O does, inside and outside the subgroup', () => {
      const genuine = inside();
      const outside = outsideSubgroup();
      const found = twistPoints();
      const beta = genuine[0][1];
      const cases: [string, Bytes, boolean][] = [
        ...genuine.map(([name, point]): [string, Bytes, boolean] => [name, point, true]),
        ...genuine.flatMap(([name, point]): [string, Bytes, boolean][] => [
          [`[2]${name}`, G2.timesScalar(point, 2n), true],
          [`[12345]${name}`, G2.toAffine(G2.timesScalar(point, 12345n)), true],
          [`[r − 1]${name}`, G2.timesScalar(point, bn128.r - 1n), true],
        ]),
        ['O', G2.zero, true],
        ['OUTSIDE_SUBGROUP', outside, false],
        ['[2]OUTSIDE_SUBGROUP', G2.timesScalar(outside, 2n), false],
        // Order dividing the cofactor: no G2 component at all.
        ['[r]OUTSIDE_SUBGROUP', G2.toAffine(G2.timesScalar(outside, bn128.r)), false],
        ['[cofactor]OUTSIDE_SUBGROUP', G2.timesScalar(outside, G2.cofactor), true],
        ['β + OUTSIDE_SUBGROUP', G2.add(beta, outside), false],
        ...found.map(([name, point]): [string, Bytes, boolean] => [name, point, false]),
        ...found.map(([name, point]): [string, Bytes, boolean] => [
          `[cofactor](${name})`,
          G2.toAffine(G2.timesScalar(point, G2.cofactor)),
          true,
        ]),
      ];
      expect(cases.every(([, point]) => G2.isValid(point))).toBe(true);
      const decisions = cases.map(([name, point]) => [
        name,
        inG2Subgroup(curve, point),
        byDefinition(point),
      ]);
      expect(decisions).toEqual(cases.map(([name, , expected]) => [name, expected, expected]));
    });

    it('holds for O in affine form, where ffjavascript gets [r]O wrong', () => {
      expect(byDefinition(G2.zeroAffine)).toBe(false);
      expect(inG2Subgroup(curve, G2.zeroAffine)).toBe(true);
    });
  });
});
