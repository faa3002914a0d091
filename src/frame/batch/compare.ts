import type { ColumnVector } from './vector.js';
import { compareStrings, dictRanks } from './dict-ranks.js';
import { packedSortIndices } from './sort-packed.js';

export { compareStrings, dictRanks };

/** Order of one sort key. `nullsFirst` places nulls before all values whatever the direction. */
export interface SortDirection {
  ascending: boolean;
  nullsFirst: boolean;
}

/**
 * Total order of numbers with NaN above every number (as DuckDB and Spark sort);
 * -0 equals 0.
 */
export function compareNumbers(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  const xn = x !== x;
  const yn = y !== y;
  return xn === yn ? 0 : xn ? 1 : -1;
}

/** Compares two non-null JS values of one type as getValue returns them (lists lexicographically). */
export function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'number') return compareNumbers(x, y as number);
  if (typeof x === 'string') return compareStrings(x, y as string);
  if (typeof x === 'boolean') return (x ? 1 : 0) - (y ? 1 : 0);
  if (x instanceof Date) return compareNumbers(x.getTime(), (y as Date).getTime());
  if (Array.isArray(x)) {
    const ys = y as unknown[];
    for (let k = 0; k < x.length && k < ys.length; k++) {
      const a = x[k];
      const b = ys[k];
      if (a === null || b === null) {
        if (a !== b) return a === null ? -1 : 1;
        continue;
      }
      const c = compareValues(a, b);
      if (c !== 0) return c;
    }
    return x.length - ys.length;
  }
  return 0;
}

type RowCompare = (a: number, b: number) => number;

/** Compares rows a and b of one vector, ascending, both assumed non-null. */
function valueComparator(v: ColumnVector): RowCompare {
  const t = v.type;
  if (t === 'null') return () => 0;
  if (typeof t === 'object') {
    const objs = v.objects!;
    return (a, b) => compareValues(objs[a], objs[b]);
  }
  const vals = v.values!;
  if (t === 'string') {
    const ranks = dictRanks(v.dict!);
    return (a, b) => ranks[vals[a]!]! - ranks[vals[b]!]!;
  }
  if (t === 'int32' || t === 'date' || t === 'bool') return (a, b) => vals[a]! - vals[b]!;
  return (a, b) => compareNumbers(vals[a]!, vals[b]!);
}

/** Adds direction and null placement to a value comparator. */
function keyComparator(v: ColumnVector, dir: SortDirection): RowCompare {
  const cmp = valueComparator(v);
  const sign = dir.ascending ? 1 : -1;
  const valid = v.validity;
  if (valid === null || v.nullCount === 0) return dir.ascending ? cmp : (a, b) => -cmp(a, b);
  const nullSide = dir.nullsFirst ? -1 : 1;
  return (a, b) => {
    const na = ((valid[a >> 3]! >> (a & 7)) & 1) === 0;
    const nb = ((valid[b >> 3]! >> (b & 7)) & 1) === 0;
    if (na || nb) return na === nb ? 0 : na ? nullSide : -nullSide;
    return sign * cmp(a, b);
  };
}

/**
 * The row order of a stable sort by `keyVectors` (first key most significant),
 * as row indices. Strings compare by content through one rank per dictionary
 * entry, so each row comparison is two array reads.
 */
export function sortIndices(keyVectors: readonly ColumnVector[], directions: readonly SortDirection[], numRows: number): Int32Array {
  const idx = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) idx[i] = i;
  if (keyVectors.length === 0 || numRows < 2) return idx;
  const packed = packedSortIndices(keyVectors, directions, numRows);
  if (packed) return packed;
  const cmps = keyVectors.map((v, k) => keyComparator(v, directions[k] ?? { ascending: true, nullsFirst: true }));
  if (cmps.length === 1) {
    const c = cmps[0]!;
    return idx.sort((a, b) => c(a, b) || a - b);
  }
  return idx.sort((a, b) => {
    for (let k = 0; k < cmps.length; k++) {
      const r = cmps[k]!(a, b);
      if (r !== 0) return r;
    }
    return a - b;
  });
}

/**
 * Compares row i of the key vectors `a` with row j of `b` (e.g. heads of two
 * sorted runs from different batches, whose dictionaries may differ).
 */
export function compareRows(a: readonly ColumnVector[], i: number, b: readonly ColumnVector[], j: number, directions: readonly SortDirection[]): number {
  for (let k = 0; k < a.length; k++) {
    const va = a[k]!;
    const vb = b[k]!;
    const dir = directions[k] ?? { ascending: true, nullsFirst: true };
    const na = va.type === 'null' || (va.validity !== null && ((va.validity[i >> 3]! >> (i & 7)) & 1) === 0);
    const nb = vb.type === 'null' || (vb.validity !== null && ((vb.validity[j >> 3]! >> (j & 7)) & 1) === 0);
    if (na || nb) {
      if (na === nb) continue;
      return na === dir.nullsFirst ? -1 : 1;
    }
    const r = compareCells(va, i, vb, j);
    if (r !== 0) return dir.ascending ? r : -r;
  }
  return 0;
}

function compareCells(va: ColumnVector, i: number, vb: ColumnVector, j: number): number {
  if (va.type === 'string') {
    const ca = va.values![i]!;
    const cb = vb.values![j]!;
    if (va.dict === vb.dict) {
      const ranks = dictRanks(va.dict!);
      return ranks[ca]! - ranks[cb]!;
    }
    return compareStrings(va.dict![ca]!, vb.dict![cb]!);
  }
  if (typeof va.type === 'object') return compareValues(va.objects![i], vb.objects![j]);
  return compareNumbers(va.values![i]!, vb.values![j]!);
}
