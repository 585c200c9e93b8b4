/**
 * The q-quantile of `values` with linear interpolation between order statistics (pandas' and
 * numpy's default, which the reference uses); NaN for an empty array. Sorts `values` in place.
 */
export function quantileInPlace(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const position = q * (values.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, values.length - 1);
  return values[low] + (values[high] - values[low]) * (position - low);
}
