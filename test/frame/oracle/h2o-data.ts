/**
 * The db-benchmark (h2o) data sets, generated in memory from a seed, following
 * h2oai/db-benchmark `_data/groupby-datagen.R` and `_data/join-datagen.R` (K=100, no NAs,
 * unsorted). Columns are returned as `Record<string, unknown[] | typed array>`: numbers in typed
 * arrays, strings as plain arrays sharing one string object per distinct value.
 *
 * Not bit-identical to the R scripts (a different PRNG), but the same distributions, cardinalities
 * and key-overlap structure.
 */
import type { ScalarType } from '../../../src/frame/types.js';
import { Rng, labels, permutation, pick, sampleAll, sampleInts, uniformRounded } from './random.js';

/** One column of generated data. */
export type Column = string[] | Int32Array | Float64Array;
/** A generated table: column name → values, all of the same length. */
export type Columns = Record<string, Column>;

export const GROUPBY_SCHEMA: Record<string, ScalarType> = {
  id1: 'string', id2: 'string', id3: 'string', id4: 'int32', id5: 'int32', id6: 'int32', v1: 'int32', v2: 'int32', v3: 'float64',
};

/** Row count of a generated table. */
export function rowCount(t: Columns): number {
  const first = Object.values(t)[0];
  return first ? first.length : 0;
}

/**
 * The groupby table G1_N_K_0_0: `id1,id2` "id%03d" in 1..K, `id3` "id%010d" in 1..N/K, `id4,id5`
 * int 1..K, `id6` int 1..N/K, `v1,v2` int 1..5, `v3` uniform [0,100) rounded to 4 decimals.
 */
export function h2oGroupBy(n: number, opts: { k?: number; seed?: number } = {}): Columns {
  const k = opts.k ?? 100;
  const small = Math.max(1, Math.round(n / k));
  const rng = new Rng(opts.seed ?? 108);
  const kLabels = labels(k, 3);
  return {
    id1: pick(sampleInts(rng, k, n), kLabels),
    id2: pick(sampleInts(rng, k, n), kLabels),
    id3: pick(sampleInts(rng, small, n), labels(small, 10)),
    id4: sampleInts(rng, k, n),
    id5: sampleInts(rng, k, n),
    id6: sampleInts(rng, small, n),
    v1: sampleInts(rng, 5, n),
    v2: sampleInts(rng, 5, n),
    v3: uniformRounded(rng, n, 100, 4),
  };
}

/** The four tables of the join task. */
export interface JoinTables {
  x: Columns;
  small: Columns;
  medium: Columns;
  big: Columns;
}

export const JOIN_SCHEMAS: Record<keyof JoinTables, Record<string, ScalarType>> = {
  x: { id1: 'int32', id2: 'int32', id3: 'int32', id4: 'string', id5: 'string', id6: 'string', v1: 'float64' },
  small: { id1: 'int32', id4: 'string', v2: 'float64' },
  medium: { id1: 'int32', id2: 'int32', id4: 'string', id5: 'string', v2: 'float64' },
  big: { id1: 'int32', id2: 'int32', id3: 'int32', id4: 'string', id5: 'string', id6: 'string', v2: 'float64' },
};

/** Keys split as in `split_xlr`: 90% common (x), 10% left-only (l), 10% right-only (r). */
interface KeySplit {
  lhs: Int32Array; // x ∪ l
  rhs: Int32Array; // x ∪ r
  max: number;
}

function splitXlr(rng: Rng, n: number): KeySplit {
  const total = Math.round(n * 1.1);
  const key = permutation(rng, total);
  const common = Math.round(n * 0.9);
  const lhs = key.slice(0, n);
  const rhs = new Int32Array(common + (total - n));
  rhs.set(key.subarray(0, common));
  rhs.set(key.subarray(n), common);
  return { lhs, rhs, max: total };
}

/** "id" + number for 0..max (index = number), built once so each distinct string exists once. */
function keyLabels(max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i <= max; i++) out.push('id' + i);
  return out;
}

function labelled(codes: Int32Array, names: readonly string[]): string[] {
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = names[codes[i]];
  return out;
}

/**
 * The join tables J1_N_NA_0_0 (x: N rows, id1..id3 ints, id4..id6 = "id"+id1..id3, v1) and its
 * right-hand sides small (N/1e6 rows: id1, id4, v2), medium (N/1e3 rows: id1, id2, id4, id5, v2)
 * and big (N rows: id1..id6, v2); v1/v2 uniform [0,100) rounded to 6 decimals. Each RHS holds every
 * key of its own column exactly once (small: id1, medium: id2, big: id3), 90% of which occur in x.
 * The spec needs N ≥ 1e7; for smaller N the key cardinalities N/1e6 and N/1e3 are raised to 10
 * (their value at N = 1e7) so the tables keep their shape.
 */
export function h2oJoin(n: number, opts: { seed?: number } = {}): JoinTables {
  if (n < 10) throw new Error(`h2oJoin: N must be at least 10 (got ${n})`);
  const rng = new Rng(opts.seed ?? 108);
  const n1 = Math.max(10, Math.round(n / 1e6));
  const n2 = Math.max(10, Math.round(n / 1e3));
  const key1 = splitXlr(rng, n1);
  const key2 = splitXlr(rng, n2);
  const key3 = splitXlr(rng, n);
  const names = keyLabels(Math.max(key1.max, key2.max, key3.max));
  const table = (ids: Int32Array[], rows: number, vname: string): Columns => {
    const t: Columns = {};
    ids.forEach((c, i) => (t[`id${i + 1}`] = c));
    ids.forEach((c, i) => (t[`id${i + 4}`] = labelled(c, names)));
    t[vname] = uniformRounded(rng, rows, 100, 6);
    return t;
  };
  const x = table([sampleAll(rng, key1.lhs, n), sampleAll(rng, key2.lhs, n), sampleAll(rng, key3.lhs, n)], n, 'v1');
  const small = table([sampleAll(rng, key1.rhs, n1)], n1, 'v2');
  const medium = table([sampleAll(rng, key1.rhs, n2), sampleAll(rng, key2.rhs, n2)], n2, 'v2');
  const big = table([sampleAll(rng, key1.rhs, n), sampleAll(rng, key2.rhs, n), sampleAll(rng, key3.rhs, n)], n, 'v2');
  return { x, small, medium, big };
}

/** A table's columns reordered / subset, e.g. to load only what a question reads. */
export function selectColumns(t: Columns, names: readonly string[]): Columns {
  const out: Columns = {};
  for (const n of names) out[n] = t[n];
  return out;
}
