import type { ColumnVector } from '../../../frame/batch/vector.js';
import type { DataType } from '../../../frame/types.js';
import { SluiceError } from '../../../util/errors.js';
import { growF64, growI32, numberVector, valuesVector } from '../group-vectors.js';
import { minFrom, selectInPlace } from './quickselect.js';
import { compareInternal, elementToInternal, elementType, internalReader, numbersOf, toPublic, type AggSpec, type GroupAggregate, type Internal } from './aggregate.js';

/** Reads each element of each non-null list in rows 0..n-1 of a state column. */
function forEachElement(v: ColumnVector, n: number, f: (row: number, x: Internal) => void): void {
  const objs = v.objects;
  if (!objs) throw new SluiceError(`aggregate state: expected a list column, got ${String(v.type)}`);
  const t = elementType(v.type);
  for (let i = 0; i < n; i++) {
    const list = objs[i];
    if (!list) continue;
    for (const e of list) if (e !== null && e !== undefined) f(i, elementToInternal(t, e));
  }
}

/** A list vector with one list of public values per group (null for a missing or empty list). */
function listVector(elem: DataType, lists: readonly (readonly Internal[] | undefined)[], numGroups: number): ColumnVector {
  const out = new Array<unknown[] | null>(numGroups);
  for (let g = 0; g < numGroups; g++) {
    const l = lists[g];
    out[g] = l && l.length > 0 ? l.map((x) => toPublic(elem, x)) : null;
  }
  return valuesVector({ list: elem }, out);
}

/**
 * median and percentile (params[0] = fraction): exact, with continuous
 * interpolation between the two nearest ranks (DuckDB's quantile_cont).
 * Values are appended as (group, value) pairs into flat typed arrays and
 * grouped by a counting sort only at the end. State: the values, list<float64>.
 */
export class QuantileAgg implements GroupAggregate {
  private gids = new Int32Array(1024);
  private vals = new Float64Array(1024);
  private n = 0;
  private readonly fraction: number;

  constructor(private readonly spec: AggSpec & { fn: 'median' | 'percentile' }) {
    this.fraction = spec.fn === 'median' ? 0.5 : checkFraction(spec);
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number): void {
    const v = args[0]!;
    const xs = numbersOf(v, this.spec.name);
    const validity = v.validity;
    this.reserve(n);
    const { gids, vals } = this;
    let k = this.n;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      gids[k] = ids[i]!;
      vals[k++] = xs[i]!;
    }
    this.n = k;
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number): void {
    forEachElement(states[0]!, n, (i, x) => {
      this.reserve(1);
      this.gids[this.n] = ids[i]!;
      this.vals[this.n++] = x as number;
    });
  }

  states(numGroups: number): ColumnVector[] {
    const { offsets, values: sorted } = this.grouped(numGroups);
    const lists = new Array<number[]>(numGroups);
    for (let g = 0; g < numGroups; g++) lists[g] = Array.from(sorted.subarray(offsets[g]!, offsets[g + 1]!));
    return [listVector('float64', lists, numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    // Grouped but not sorted: the two ranks needed are selected in linear time.
    const { offsets, values } = this.grouped(numGroups, false);
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const lo = offsets[g]!;
      const cnt = offsets[g + 1]! - lo;
      if (cnt === 0) continue;
      const pos = this.fraction * (cnt - 1);
      const a = Math.floor(pos);
      const group = values.subarray(lo, lo + cnt);
      const x = selectInPlace(group, a); // NaN ranks last, as in DuckDB
      const y = a + 1 < cnt ? minFrom(group, a + 1) : x;
      out[g] = x + (y - x) * (pos - a);
      valid[g] = 1;
    }
    return numberVector(this.spec.outType, out, numGroups, valid);
  }

  bytes(): number {
    return this.gids.byteLength + this.vals.byteLength;
  }

  /** Values grouped by a counting sort: group g's values (sorted if `sort`) are values[offsets[g]..offsets[g+1]). */
  private grouped(numGroups: number, sort = true): { offsets: Int32Array; values: Float64Array } {
    const offsets = new Int32Array(numGroups + 1);
    for (let k = 0; k < this.n; k++) offsets[this.gids[k]! + 1]!++;
    for (let g = 0; g < numGroups; g++) offsets[g + 1]! += offsets[g]!;
    const fill = offsets.slice(0, numGroups);
    const values = new Float64Array(this.n);
    for (let k = 0; k < this.n; k++) values[fill[this.gids[k]!]!++] = this.vals[k]!;
    if (sort) for (let g = 0; g < numGroups; g++) values.subarray(offsets[g]!, offsets[g + 1]!).sort();
    return { offsets, values };
  }

  private reserve(more: number): void {
    this.gids = growI32(this.gids, this.n + more);
    this.vals = growF64(this.vals, this.n + more);
  }
}

/** params[0] of percentile / approx_percentile, checked to lie in [0, 1]. */
export function checkFraction(spec: AggSpec): number {
  const p = spec.params[0];
  if (p === undefined || !(p >= 0 && p <= 1)) throw new SluiceError(`${spec.name}: the percentile fraction must be between 0 and 1, got ${String(p)}`);
  return p;
}

/**
 * count_distinct and count/sum/avg(DISTINCT x): an exact Set of values per
 * group. State: the distinct values, list<arg>.
 */
export class DistinctAgg implements GroupAggregate {
  private sets: (Set<Internal> | undefined)[] = [];
  private entries = 0;
  private readonly elem: DataType;

  constructor(private readonly spec: AggSpec & { fn: 'count' | 'sum' | 'avg' | 'count_distinct' }) {
    this.elem = spec.argTypes[0] ?? 'null';
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number): void {
    const read = internalReader(args[0]!);
    for (let i = 0; i < n; i++) {
      const x = read(i);
      if (x !== null) this.add(ids[i]!, Array.isArray(x) ? JSON.stringify(x) : x);
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number): void {
    forEachElement(states[0]!, n, (i, x) => this.add(ids[i]!, x));
  }

  states(numGroups: number): ColumnVector[] {
    return [listVector(this.elem, this.sets.map((s) => (s ? [...s] : undefined)), numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    const fn = this.spec.fn;
    for (let g = 0; g < numGroups; g++) {
      const s = this.sets[g];
      if (fn === 'count' || fn === 'count_distinct') {
        out[g] = s?.size ?? 0;
        valid[g] = 1;
      } else if (s && s.size > 0) {
        let sum = 0;
        for (const x of s) sum += x as number;
        out[g] = fn === 'avg' ? sum / s.size : sum;
        valid[g] = 1;
      }
    }
    return numberVector(this.spec.outType, out, numGroups, valid);
  }

  bytes(): number {
    return this.sets.length * 8 + this.entries * 48;
  }

  private add(g: number, x: Internal): void {
    let s = this.sets[g];
    if (!s) this.sets[g] = s = new Set();
    const before = s.size;
    s.add(x);
    this.entries += s.size - before;
  }
}

/** collect_list(x): the non-null values of each group in input order (null when there are none). */
export class CollectListAgg implements GroupAggregate {
  private lists: (Internal[] | undefined)[] = [];
  private entries = 0;
  private readonly elem: DataType;

  constructor(spec: AggSpec) {
    this.elem = spec.argTypes[0] ?? elementType(spec.outType);
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number): void {
    const read = internalReader(args[0]!);
    for (let i = 0; i < n; i++) {
      const x = read(i);
      if (x !== null) this.push(ids[i]!, x);
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number): void {
    forEachElement(states[0]!, n, (i, x) => this.push(ids[i]!, x));
  }

  states(numGroups: number): ColumnVector[] {
    return [this.finish(numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    return listVector(this.elem, this.lists, numGroups);
  }

  bytes(): number {
    return this.lists.length * 8 + this.entries * 16;
  }

  private push(g: number, x: Internal): void {
    const l = this.lists[g];
    if (l) l.push(x);
    else this.lists[g] = [x];
    this.entries++;
  }
}

/** Element types whose internal values are numbers (top_k keeps them in typed arrays). */
const NUMERIC = new Set<DataType>(['int32', 'int64', 'float64', 'date', 'timestamp', 'bool']);

/**
 * top_k(x, k = params[0]): the k largest non-null values of each group, descending, as a list
 * (NaN ranks above every number, as compareInternal has it). Numbers are kept in one flat
 * array, k slots per group; other types in a list per group.
 */
export class TopKAgg implements GroupAggregate {
  private tops: (Internal[] | undefined)[] = [];
  private entries = 0;
  private readonly k: number;
  private readonly elem: DataType;
  private readonly numeric: boolean;
  /** Numeric: group g's values, descending, in top[g * k .. g * k + len[g]). */
  private top = new Float64Array(0);
  private len = new Int32Array(0);

  constructor(spec: AggSpec) {
    const k = spec.params[0];
    if (k === undefined || !Number.isInteger(k) || k < 1) throw new SluiceError(`${spec.name}: k must be a positive integer, got ${String(k)}`);
    this.k = k;
    this.elem = spec.argTypes[0] ?? elementType(spec.outType);
    this.numeric = NUMERIC.has(this.elem);
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const v = args[0]!;
    if (this.numeric && v.values && !v.objects) {
      this.grow(numGroups);
      const vals = v.values;
      const validity = v.validity;
      for (let i = 0; i < n; i++) {
        if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
        this.offerNumber(ids[i]!, vals[i]!);
      }
      return;
    }
    const read = internalReader(v);
    for (let i = 0; i < n; i++) {
      const x = read(i);
      if (x !== null) this.offer(ids[i]!, x);
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    if (this.numeric) this.grow(numGroups);
    forEachElement(states[0]!, n, (i, x) => this.offer(ids[i]!, x));
  }

  states(numGroups: number): ColumnVector[] {
    return [this.finish(numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    if (!this.numeric) return listVector(this.elem, this.tops, numGroups);
    this.grow(numGroups);
    const lists = new Array<number[]>(numGroups);
    for (let g = 0; g < numGroups; g++) lists[g] = Array.from(this.top.subarray(g * this.k, g * this.k + this.len[g]!));
    return listVector(this.elem, lists, numGroups);
  }

  bytes(): number {
    return this.numeric ? this.top.byteLength + this.len.byteLength : this.tops.length * 8 + this.entries * 16;
  }

  private grow(numGroups: number): void {
    if (this.len.length < numGroups) {
      this.len = growI32(this.len, numGroups);
      this.top = growF64(this.top, this.len.length * this.k);
    }
  }

  /** Inserts x into the group's descending list if it is among the k largest. */
  private offer(g: number, x: Internal): void {
    if (this.numeric) return this.offerNumber(g, x as number);
    let t = this.tops[g];
    if (!t) this.tops[g] = t = [];
    if (t.length === this.k && compareInternal(x, t[t.length - 1]!) <= 0) return;
    let at = t.length;
    while (at > 0 && compareInternal(x, t[at - 1]!) > 0) at--;
    t.splice(at, 0, x);
    if (t.length > this.k) t.pop();
    else this.entries++;
  }

  private offerNumber(g: number, x: number): void {
    const k = this.k;
    const top = this.top;
    const base = g * k;
    const l = this.len[g]!;
    // The last slot's value is dropped when the list is full, so shifting starts there.
    let at = l === k ? k - 1 : l;
    if (l === k && !greater(x, top[base + at]!)) return;
    while (at > 0 && greater(x, top[base + at - 1]!)) {
      top[base + at] = top[base + at - 1]!;
      at--;
    }
    top[base + at] = x;
    if (l < k) this.len[g] = l + 1;
  }
}

/** a > b with NaN above every number (compareInternal(a, b) > 0 for numbers). */
function greater(a: number, b: number): boolean {
  return a > b || (a !== a && b === b);
}
