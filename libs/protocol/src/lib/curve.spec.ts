import { releaseCurve, useSingleThreadedCurve } from './curve';

interface Curve {
  terminate(): Promise<void>;
}
type GetCurveFromName = (name: string, options: { singleThread: boolean }) => Promise<Curve>;

// snarkjs' curves object is frozen: the module hands out one whose builds can be counted.
jest.mock('snarkjs', () => {
  const actual = jest.requireActual<{ curves: { getCurveFromName: GetCurveFromName } }>('snarkjs');
  const getCurveFromName = jest.fn<Promise<Curve>, Parameters<GetCurveFromName>>((name, options) =>
    actual.curves.getCurveFromName(name, options),
  );
  return { ...actual, curves: { ...actual.curves, getCurveFromName } };
});
const builds = (jest.requireMock('snarkjs') as { curves: { getCurveFromName: jest.Mock } }).curves
  .getCurveFromName;

const cached = () => (globalThis as { curve_bn128?: unknown }).curve_bn128;

describe('single-threaded curve', () => {
  afterEach(() => releaseCurve());

  it('is built once for callers arriving while it is built, and is what snarkjs uses', async () => {
    builds.mockClear();
    const curves = await Promise.all([
      useSingleThreadedCurve(),
      useSingleThreadedCurve(),
      useSingleThreadedCurve(),
    ]);

    expect(builds).toHaveBeenCalledTimes(1);
    expect(builds).toHaveBeenCalledWith('bn128', { singleThread: true });
    expect(new Set(curves).size).toBe(1);
    expect(cached()).toBe(curves[0]);
    expect(await useSingleThreadedCurve()).toBe(curves[0]);
    expect(builds).toHaveBeenCalledTimes(1);
  });

  it('is built anew after a build that failed', async () => {
    builds.mockClear();
    builds.mockRejectedValueOnce(new Error('no memory for the curve'));

    await expect(Promise.all([useSingleThreadedCurve(), useSingleThreadedCurve()])).rejects.toThrow(
      'no memory for the curve',
    );
    expect(builds).toHaveBeenCalledTimes(1);
    expect(cached()).toBeFalsy();

    const curve = await useSingleThreadedCurve();
    expect(builds).toHaveBeenCalledTimes(2);
    expect(cached()).toBe(curve);
  });

  it('is built anew after its release, also when released while it was built', async () => {
    builds.mockClear();
    const first = await useSingleThreadedCurve();
    await releaseCurve();
    expect(cached()).toBeFalsy();

    const building = useSingleThreadedCurve();
    await releaseCurve();
    // The curve released while it was built is not left for snarkjs to use.
    expect(await building).not.toBe(first);
    expect(cached()).toBeFalsy();

    const again = await useSingleThreadedCurve();
    expect(builds).toHaveBeenCalledTimes(3);
    expect(again).not.toBe(first);
    expect(again).not.toBe(await building);
    expect(cached()).toBe(again);
  });
});
