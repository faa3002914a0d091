/**
 * Rearranges `a` so that a[k] holds the value it would hold if `a` were sorted
 * ascending, everything before it is <= a[k] and everything after is >= a[k]
 * (Hoare's selection with a median-of-three pivot: linear on average, where a
 * full sort is n log n). The order is Float64Array's sort order: with a NaN
 * (last) or a -0 (before 0), which `<` does not order, `a` is sorted instead.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  if (needsSort(a)) {
    a.sort();
    return a[k]!;
  }
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot, left at a[mid].
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break; // j < k < i: a[k] equals the pivot and is in place
  }
  return a[k]!;
}

function needsSort(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    if (x !== x || (x === 0 && 1 / x < 0)) return true;
  }
  return false;
}

/** The smallest value of a[from..] (after selectInPlace(a, from - 1), the value sorted order puts at `from`). */
export function minFrom(a: Float64Array, from: number): number {
  let m = a[from]!;
  for (let i = from + 1; i < a.length; i++) if (a[i]! < m) m = a[i]!;
  return m;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
