import { TorchGenerator } from './torch-random';

describe('TorchGenerator', () => {
  it('is the standard mt19937: the C++ standard’s check values for the default seed 5489', () => {
    const generator = new TorchGenerator(5489);
    expect(generator.random()).toBe(3499211612);
    // [rand.predef]: the 10000th output of a default-constructed mt19937 is 4123659995.
    for (let i = 2; i < 10000; i++) generator.random();
    expect(generator.random()).toBe(4123659995);
  });

  it('gives torch.rand’s values after torch.manual_seed(1): 0.7576, 0.2793, 0.4031, …', () => {
    // std::mt19937(1) starts 1791095845, 4282876139; torch keeps their low 24 bits · 2⁻²⁴.
    const raw = new TorchGenerator(1);
    expect([raw.random(), raw.random()]).toEqual([1791095845, 4282876139]);
    const uniforms = Array.from(new TorchGenerator(1).uniform(5, 0, 1), (u) => u.toFixed(4));
    expect(uniforms).toEqual(['0.7576', '0.2793', '0.4031', '0.7347', '0.0293']);
  });

  it('maps each output to from + (x & 0xFFFFFF)·2⁻²⁴·(to − from) in float32 (xavier bounds)', () => {
    const outputs = new TorchGenerator(7);
    const first = Array.from({ length: 100 }, () => outputs.random());
    const bound = Math.sqrt(6 / 101);
    const values = new TorchGenerator(7).xavierUniformColumn(100);
    values.forEach((v, i) => {
      expect(v).toBe(Math.fround(v));
      expect(v).toBeGreaterThanOrEqual(-Math.fround(bound));
      expect(v).toBeLessThan(Math.fround(bound));
      const expected = -bound + (first[i] & 0xffffff) * 2 ** -24 * 2 * bound;
      expect(Math.abs(v - expected)).toBeLessThan(1e-6);
    });
  });

  it('fills normals by Box–Muller over blocks of 16 uniforms, pairing element j with j + 8', () => {
    const outputs = new TorchGenerator(3);
    const u = Array.from({ length: 32 }, () => (outputs.random() & 0xffffff) * 2 ** -24);
    const normals = new TorchGenerator(3).normal(32);
    for (let block = 0; block < 32; block += 16) {
      for (let j = 0; j < 8; j++) {
        const a = normals[block + j];
        const b = normals[block + j + 8];
        // The pair's radius comes from the first uniform, its angle from the ninth after it.
        expect(Math.hypot(a, b)).toBeCloseTo(Math.sqrt(-2 * Math.log(1 - u[block + j])), 5);
        expect(Math.atan2(b, a)).toBeCloseTo(
          Math.atan2(
            Math.sin(2 * Math.PI * u[block + j + 8]),
            Math.cos(2 * Math.PI * u[block + j + 8]),
          ),
          4,
        );
      }
    }
  });

  it('redraws the last 16 elements from 16 fresh outputs when the size is not a multiple of 16', () => {
    const twenty = new TorchGenerator(11);
    const tail = twenty.normal(20);
    const sixteen = new TorchGenerator(11).normal(16);
    // Elements 0–3 keep the first block's values; 4–19 are a block of outputs 20–35.
    expect(Array.from(tail.subarray(0, 4))).toEqual(Array.from(sixteen.subarray(0, 4)));
    const skipped = new TorchGenerator(11);
    for (let i = 0; i < 20; i++) skipped.random();
    expect(Array.from(tail.subarray(4))).toEqual(Array.from(skipped.normal(16)));
    // 20 + 16 outputs consumed, as skipNormal counts them.
    const counted = new TorchGenerator(11);
    counted.skipNormal(20);
    expect(counted.random()).toBe(twenty.random());
    const exact = new TorchGenerator(11);
    exact.normal(32);
    const skippedExact = new TorchGenerator(11);
    skippedExact.skipNormal(32);
    expect(skippedExact.random()).toBe(exact.random());
  });

  it('refuses the small-tensor path it does not replay', () => {
    expect(() => new TorchGenerator(1).normal(15)).toThrow(RangeError);
  });
});
