import * as snarkjs from 'snarkjs';

interface Curve {
  terminate(): Promise<void>;
}
interface CurveFactory {
  curves: { getCurveFromName(name: string, options: { singleThread: boolean }): Promise<Curve> };
}
const cache = globalThis as { curve_bn128?: Curve | null };

/**
 * The curve being built or built: callers arriving while it is built wait for the same one (a
 * cached value is set only after the build's await, so each concurrent caller built its own).
 */
let curve: Promise<Curve> | undefined;

/**
 * snarkjs caches its curve in `globalThis.curve_bn128` and by default builds it with one worker
 * thread per CPU, which keep a process alive forever and crash inside worker threads. Seeding a
 * single-threaded curve first avoids both and verifies faster (no worker messaging). Idempotent,
 * also for concurrent callers; a build that failed is not kept, the next call tries again.
 */
export function useSingleThreadedCurve(): Promise<Curve> {
  if (curve) return curve;
  const seeded = cache.curve_bn128;
  const building: Promise<Curve> = seeded
    ? Promise.resolve(seeded)
    : (snarkjs as unknown as CurveFactory).curves
        .getCurveFromName('bn128', { singleThread: true })
        .then(
          (built) => {
            // Released while it was built: releaseCurve terminates it, snarkjs must not use it.
            if (curve === building) cache.curve_bn128 = built;
            return built;
          },
          (error: unknown) => {
            if (curve === building) curve = undefined;
            throw error;
          },
        );
  curve = building;
  return building;
}

export async function releaseCurve(): Promise<void> {
  const released = curve;
  const seeded = cache.curve_bn128;
  curve = undefined;
  cache.curve_bn128 = undefined;
  // A build still running is waited for and terminated; one that failed left nothing to end.
  const built = released ? await released.catch(() => undefined) : seeded;
  await built?.terminate();
}
