import * as snarkjs from 'snarkjs';

interface Curve {
  terminate(): Promise<void>;
}
interface CurveFactory {
  curves: { getCurveFromName(name: string, options: { singleThread: boolean }): Promise<Curve> };
}
const cache = globalThis as { curve_bn128?: Curve };

/**
 * snarkjs caches its curve in `globalThis.curve_bn128` and by default builds it with one worker
 * thread per CPU, which keep a process alive forever and crash inside worker threads. Seeding a
 * single-threaded curve first avoids both and verifies faster (no worker messaging). Idempotent.
 */
export async function useSingleThreadedCurve(): Promise<Curve> {
  cache.curve_bn128 ??= await (snarkjs as unknown as CurveFactory).curves.getCurveFromName(
    'bn128',
    {
      singleThread: true,
    },
  );
  return cache.curve_bn128;
}

export async function releaseCurve(): Promise<void> {
  const curve = cache.curve_bn128;
  cache.curve_bn128 = undefined;
  await curve?.terminate();
}
