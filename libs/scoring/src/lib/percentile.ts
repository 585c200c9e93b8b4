/**
 * The q-quantile of `values` with linear interpolation between order statistics (pandas' and
 * numpy's default, which the reference uses); NaN for an empty array, and wherever an order
 * statistic it reads is NaN (NaN sorts last, as in a sorted typed array). Reorders `values` in
 * place: a selection in O(n) finds the two order statistics a full sort would put there, so the
 * result is the sorted array's, bit for bit.
 */
export function quantileInPlace(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const position = q * (values.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, values.length - 1);
  // NaNs to the end, where a sort puts them; the numbers before them are selected among.
  let numbers = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      values[i] = values[numbers];
      values[numbers++] = v;
    }
  }
  if (high >= numbers) return NaN;
  selectInPlace(values, low, numbers);
  // After the selection every value right of `low` is at least values[low]: the next order
  // statistic is their minimum.
  let next = values[low];
  if (high > low) {
    next = values[low + 1];
    for (let i = low + 2; i < numbers; i++) if (values[i] < next) next = values[i];
  }
  // ±0 may come out in either order, unlike a sort's −0 before +0; the sum below is +0 either way.
  return values[low] + (next - values[low]) * (position - low);
}

/**
 * Hoare's selection (quickselect) on values[0, end): afterwards values[k] is the k-th smallest,
 * nothing left of it is larger and nothing right of it smaller. Median-of-three pivots.
 */
function selectInPlace(values: Float64Array, k: number, end: number): void {
  let left = 0;
  let right = end - 1;
  while (right > left) {
    const middle = (left + right) >>> 1;
    // Order values[left], values[middle], values[right]; the median becomes the pivot.
    if (values[middle] < values[left]) swap(values, middle, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[middle]) swap(values, right, middle);
    const pivot = values[middle];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    // Now values[left, j] ≤ pivot ≤ values[i, right], and values (j, i) equal the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a];
  values[a] = values[b];
  values[b] = t;
}
