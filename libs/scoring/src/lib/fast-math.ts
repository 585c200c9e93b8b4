/**
 * A fast e^x for the per-rating loops of the logistic fits (`logistic-adam.ts`,
 * `logistic-factorization.ts`). Written here rather than taken from `Math.exp` because it was
 * measured to be most of those loops' cost: V8's `Math.exp` is its port of fdlibm, called out of
 * the optimised code as a C function, and a copy of the low-diligence fit's note pass took
 * 20–24 ns per rating with it against ~5 ns with the exponential stubbed out (issue 22). With
 * this file the whole fit at 1M ratings went from 46 to 36 ns per rating per epoch (README).
 *
 * Method (as musl's and ARM's optimized-routines' exp): x = (k/128)·ln 2 + r with k the nearest
 * integer and |r| ≤ ln 2/256, so e^x = 2^⌊k/128⌋ · 2^((k mod 128)/128) · e^r, the powers read from
 * two tables and e^r from a degree-5 Taylor polynomial (its truncation error is below 10⁻¹⁸).
 * The table entries are correctly rounded, and ln 2/128 is split in two so that r is exact to far
 * below a rounding, which leaves the error at about one ulp (`fast-math.spec.ts` checks ≤ 2 ulp
 * against `Math.exp`). Only IEEE double additions and multiplications, in a fixed order, so the
 * result is the same bits on every machine and thread; no FMA can be fused in by JavaScript.
 */

/** 2^(j/128) for j = 0…127, correctly rounded (exported for the spec, which checks each with BigInt). */
export const TWO_TO_J_128 = new Float64Array([
  1, 1.0054299011128027, 1.0108892860517005, 1.016378314910953, 1.0218971486541166,
  1.0274459491187637, 1.0330248790212284, 1.0386341019613787, 1.0442737824274138,
  1.0499440858006872, 1.0556451783605572, 1.061377227289262, 1.0671404006768237, 1.0729348675259756,
  1.0787607977571199, 1.0846183622133092, 1.0905077326652577, 1.0964290818163769, 1.102382583307841,
  1.1083684117236787, 1.1143867425958924, 1.1204377524096067, 1.1265216186082418,
  1.1326385195987192, 1.1387886347566916, 1.1449721444318042, 1.1511892299529827,
  1.1574400736337511, 1.1637248587775775, 1.1700437696832502, 1.1763969916502812, 1.182784710984341,
  1.189207115002721, 1.1956643920398273, 1.202156731452703, 1.2086843236265816, 1.215247359980469,
  1.2218460329727576, 1.22848053610687, 1.2351510639369334, 1.241857812073484, 1.2486009771892048,
  1.255380757024691, 1.2621973503942507, 1.2690509571917332, 1.275941778396392, 1.2828700160787783,
  1.2898358734066657, 1.2968395546510096, 1.3038812651919358, 1.3109612115247644, 1.318079601266064,
  1.3252366431597413, 1.3324325470831615, 1.339667524053303, 1.3469417862329458, 1.3542555469368927,
  1.3616090206382248, 1.3690024229745905, 1.3764359707545302, 1.383909881963832, 1.3914243757719262,
  1.3989796725383112, 1.4065759938190154, 1.4142135623730951, 1.4218926021691656, 1.42961333839197,
  1.4373759974489824, 1.4451808069770467, 1.4530279958490526, 1.460917794180647, 1.4688504333369818,
  1.4768261459394993, 1.4848451658727524, 1.4929077282912648, 1.5010140696264256,
  1.5091644275934228, 1.5173590411982147, 1.5255981507445384, 1.533881997840956, 1.5422108254079407,
  1.550584877685, 1.559004400237837, 1.567469639965553, 1.5759808451078865, 1.5845382652524937,
  1.593142151342267, 1.6017927556826934, 1.6104903319492543, 1.6192351351948637, 1.6280274218573478,
  1.6368674497669644, 1.645755478153965, 1.6546917676561943, 1.6636765803267364, 1.6727101796415966,
  1.681792830507429, 1.6909247992693053, 1.7001063537185235, 1.709337763100463, 1.718619298122478,
  1.7279512309618377, 1.7373338352737062, 1.746767386199169, 1.7562521603732995, 1.7657884359332727,
  1.7753764925265212, 1.785016611318935, 1.7947090750031072, 1.804454167806624, 1.8142521755003989,
  1.8241033854070534, 1.8340080864093424, 1.843966568958626, 1.8539791250833855, 1.864046048397789,
  1.8741676341103, 1.8843441790323345, 1.8945759815869656, 1.9048633418176741, 1.9152065613971474,
  1.925605943636125, 1.9360617934922943, 1.9465744175792332, 1.9571441241754002, 1.9677712232331759,
  1.978456026387951, 1.9891988469672663,
]);

/** 2^e for e = −1022…1023 (normal doubles), at index e + 1022; exact. */
const TWO_TO_E = new Float64Array(2046);
TWO_TO_E[1022] = 1;
for (let e = 1; e <= 1023; e++) TWO_TO_E[1022 + e] = TWO_TO_E[1021 + e] * 2;
for (let e = 1; e <= 1022; e++) TWO_TO_E[1022 - e] = TWO_TO_E[1023 - e] / 2;

/** 128/ln 2. */
const N_OVER_LN2 = 184.6649652337873;
/** Adding and subtracting 1.5·2⁵² rounds a double below 2⁵¹ to the nearest integer. */
const ROUND = 6755399441055744;
/**
 * ln 2/128 in two parts (fdlibm's ln2_hi and ln2_lo over 128): the high part has 32 significant
 * bits, so k times it is exact for every k the fast path sees (|k| < 2¹⁸).
 */
const LN2_HI_N = 6.9314718036912382e-1 / 128;
const LN2_LO_N = 1.9082149292705877e-10 / 128;
const C2 = 1 / 2;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;
/** Beyond this |x| the result needs the split scaling of `expWide` (or is 0 or ∞). */
const FAST_LIMIT = 700;

/** e^x to about one ulp (≤ 2), 0 below −745.2, ∞ above 709.8, NaN for NaN. */
export function fastExp(x: number): number {
  if (!(x > -FAST_LIMIT && x < FAST_LIMIT)) return expWide(x);
  const k = x * N_OVER_LN2 + ROUND - ROUND;
  // x − k·ln2_hi is exact (Sterbenz: both are within a factor of two, or k is 0).
  const r = x - k * LN2_HI_N - k * LN2_LO_N;
  const i = k | 0;
  const scale = TWO_TO_J_128[i & 127] * TWO_TO_E[(i >> 7) + 1022];
  const r2 = r * r;
  const p = r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5);
  return scale + scale * p;
}

/**
 * The logistic function 1/(1 + e^−z): 0 where e^−z overflows (z below about −709.8), 1 where it
 * underflows, NaN for NaN.
 */
export function fastSigmoid(z: number): number {
  return 1 / (1 + fastExp(-z));
}

/** `fastExp` outside ±700: 2^⌊k/128⌋ applied in two halves, so over- and underflow round once. */
function expWide(x: number): number {
  if (x !== x) return x;
  if (x > 710) return Infinity;
  if (x < -746) return 0;
  const k = x * N_OVER_LN2 + ROUND - ROUND;
  const r = x - k * LN2_HI_N - k * LN2_LO_N;
  const i = k | 0;
  const t = TWO_TO_J_128[i & 127];
  const r2 = r * r;
  const y = t + t * (r + r2 * (C2 + r * C3) + r2 * r2 * (C4 + r * C5));
  const e = i >> 7;
  const half = e >> 1;
  return y * TWO_TO_E[half + 1022] * TWO_TO_E[e - half + 1022];
}

// fdlibm's log1p polynomial (s_log1p.c, Lp1–Lp7): Copyright (C) 1993 by Sun Microsystems, Inc.
// Permission to use, copy, modify, and distribute this software is freely granted, provided that
// this notice is preserved.
const LP1 = 6.66666666666673513e-1;
const LP2 = 3.999999999940941908e-1;
const LP3 = 2.857142874366239149e-1;
const LP4 = 2.222219843214978396e-1;
const LP5 = 1.818357216161805012e-1;
const LP6 = 1.531383769920937332e-1;
const LP7 = 1.479819860511658591e-1;
const LN2_HI = 6.9314718036912382e-1;
const LN2_LO = 1.9082149292705877e-10;
const SQRT2_MINUS_1 = Math.SQRT2 - 1;

/**
 * ln(1 + a), fast for 0 < a ≤ 1 (the loss's log(1 + e^−|z|), once per rating on check epochs,
 * where `Math.log1p`, another C call, cost as much again as the rest of the pass); other
 * arguments go to `Math.log1p`. fdlibm's method without its exponent extraction, which this
 * range does not need: 1 + a = 2^k·(1 + f) with 1 + f in [√2/2, √2] and k 0 or 1, then
 * ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)) with s = f/(2 + f). Within 2 ulp of `Math.log1p`
 * (`fast-math.spec.ts`).
 */
export function fastLog1p(a: number): number {
  if (!(a > 0 && a <= 1)) return Math.log1p(a);
  let f = a;
  let k = 0;
  let c = 0;
  if (a >= SQRT2_MINUS_1) {
    // 1 + a = 2·(1 + f) with f = (a − 1)/2; a − 1 may round, so its exact error (Fast2Sum, as
    // |a| ≤ 1) enters as the correction c ≈ ln(1 + f_exact) − ln(1 + f).
    const d = a - 1;
    f = d * 0.5;
    k = 1;
    c = (a - (d + 1)) / (1 + a);
  }
  const half = 0.5 * f * f;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LP1 + w * (LP3 + w * (LP5 + w * LP7))) + w * (LP2 + w * (LP4 + w * LP6));
  return k * LN2_HI - (half - (s * (half + r) + (k * LN2_LO + c)) - f);
}
