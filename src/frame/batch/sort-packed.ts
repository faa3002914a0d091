import type { ColumnVector } from './vector.js';
import type { SortDirection } from './compare.js';
import { dictRanks } from './dict-ranks.js';

/** Largest integer a float64 holds exactly, plus one. */
const EXACT = 2 ** 53;

/**
 * Fast path of sortIndices for integer-like keys (int32, date, bool, string
 * ranks): each row's keys and index are packed into one float64 — ordinal of
 * key 1, then key 2, ..., then the row index (which makes the sort stable) —
 * and the packed array is sorted natively, without a comparator call per
 * comparison (~10x faster). Returns null when a key is of another type or the
 * packed values would not fit in 53 bits.
 */
export function packedSortIndices(keys: readonly ColumnVector[], dirs: readonly SortDirection[], n: number): Int32Array | null {
  const plans: { base: Int32Array | Uint8Array; ranks: Int32Array | null; min: number; range: number }[] = [];
  let space = n;
  for (const v of keys) {
    const t = v.type;
    if (t !== 'int32' && t !== 'date' && t !== 'bool' && t !== 'string') return null;
    const base = v.values as Int32Array | Uint8Array;
    const ranks = t === 'string' ? dictRanks(v.dict!) : null;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = ranks ? (ranks[base[i]!] ?? 0) : base[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (min > max) min = max = 0;
    const range = max - min + 2; // one extra ordinal for null
    space *= range;
    if (space >= EXACT) return null;
    plans.push({ base, ranks, min, range });
  }
  const packed = new Float64Array(n);
  for (let k = 0; k < plans.length; k++) {
    const { base, ranks, min, range } = plans[k]!;
    const v = keys[k]!;
    const valid = v.nullCount > 0 ? v.validity : null;
    const { ascending, nullsFirst } = dirs[k] ?? { ascending: true, nullsFirst: true };
    // Ordinals: null takes 0 (nulls first) or range-1 (nulls last); values fill the other range-1 slots in key order.
    const nullOrd = nullsFirst ? 0 : range - 1;
    const shift = nullsFirst ? 1 : 0;
    for (let i = 0; i < n; i++) {
      let o: number;
      if (valid !== null && ((valid[i >> 3]! >> (i & 7)) & 1) === 0) o = nullOrd;
      else {
        const x = (ranks ? (ranks[base[i]!] ?? 0) : base[i]!) - min;
        o = (ascending ? x : range - 2 - x) + shift;
      }
      packed[i] = packed[i]! * range + o;
    }
  }
  for (let i = 0; i < n; i++) packed[i] = packed[i]! * n + i;
  packed.sort();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = packed[i]! % n;
  return out;
}
