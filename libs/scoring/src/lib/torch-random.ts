/**
 * A replay of PyTorch's default CPU generator, enough of it to start a model from the draws the
 * reference's models start from after `torch.manual_seed(seed)`:
 *
 * - the engine is the standard 32-bit Mersenne Twister (`at::mt19937`, seeded as
 *   `std::mt19937(seed)`; `manual_seed` replaces the engine and clears the cached normals);
 * - `uniform_(from, to)` on a float32 tensor draws one 32-bit output per element, in order, and
 *   maps it to `(x & 0xFFFFFF) · 2⁻²⁴ · (to − from) + from` in float arithmetic
 *   (`uniform_real_distribution<float>`, `transformation::uniform_real`);
 * - `normal_()` on a contiguous float32 tensor of ≥ 16 elements (`normal_fill`) first fills every
 *   element with such a uniform in [0, 1), then turns each block of 16 into normals by Box–Muller:
 *   for j in 0…7, `u1 = 1 − x[j]`, `u2 = x[j + 8]`, `r = √(−2 ln u1)`, `θ = 2π·u2`,
 *   `x[j] = r cos θ`, `x[j + 8] = r sin θ`; when the size is not a multiple of 16, the last 16
 *   elements are drawn again from 16 fresh uniforms and transformed the same way, so such a
 *   tensor consumes `n + 16` outputs. Tensors of fewer than 16 elements take another path
 *   (double normals from 64-bit draws) that no model here meets; it is refused.
 *
 * The transcendental functions are computed in double and rounded to float32, so a value may
 * differ from torch's (scalar `logf`/`cosf`, or the AVX2 build's polynomial ones) in its last
 * float bit; which outputs are consumed, and in what order, is exact.
 */
export class TorchGenerator {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    const mt = this.state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output of the engine (`CPUGeneratorImpl::random`). */
  random(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const mt = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** A float uniform in [0, 1) from one output, as `uniform_real_distribution<float>(0, 1)`. */
  private unit(): number {
    return (this.random() & 0xffffff) * 2 ** -24;
  }

  /** `torch.empty(n).uniform_(from, to)` on float32, as doubles holding float32 values. */
  uniform(n: number, from: number, to: number): Float64Array {
    const lo = Math.fround(from);
    const width = Math.fround(Math.fround(to) - lo);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.fround(Math.fround(this.unit() * width) + lo);
    return out;
  }

  /**
   * `torch.nn.init.xavier_uniform_` on an n × 1 weight (an `nn.Embedding(n, 1)`): fan in 1, fan
   * out n, so U(±√(6 / (n + 1))).
   */
  xavierUniformColumn(n: number): Float64Array {
    const bound = Math.sqrt(6 / (n + 1));
    return this.uniform(n, -bound, bound);
  }

  /** `torch.empty(n).normal_()` on float32 (n ≥ 16), as doubles holding float32 values. */
  normal(n: number): Float64Array {
    if (n < 16) throw new RangeError(`TorchGenerator.normal: ${n} < 16 elements`);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = this.unit();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(data, i);
    if (n % 16 !== 0) {
      const start = n - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.unit();
      boxMuller16(data, start);
    }
    return data;
  }

  /** Draws and discards what `normal(n)` would (an embedding whose draws are overwritten). */
  skipNormal(n: number): void {
    const count = n >= 16 && n % 16 !== 0 ? n + 16 : n;
    if (n < 16) throw new RangeError(`TorchGenerator.skipNormal: ${n} < 16 elements`);
    for (let i = 0; i < count; i++) this.random();
  }

  /** Draws and discards what `uniform(n, …)` would. */
  skipUniform(n: number): void {
    for (let i = 0; i < n; i++) this.random();
  }
}

const TWO_PI = Math.fround(2 * Math.PI);

function boxMuller16(data: Float64Array, start: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = Math.fround(1 - data[start + j]);
    const u2 = data[start + j + 8];
    const radius = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
    const theta = Math.fround(TWO_PI * u2);
    data[start + j] = Math.fround(radius * Math.fround(Math.cos(theta)));
    data[start + j + 8] = Math.fround(radius * Math.fround(Math.sin(theta)));
  }
}
