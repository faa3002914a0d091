import type { ColumnVector } from '../../../frame/batch/vector.js';
import type { DataType } from '../../../frame/types.js';
import { growF64, growU8, numberVector, valuesVector } from '../group-vectors.js';
import { compareInternal, internalReader, numbersOf, toPublic, type AggSpec, type GroupAggregate, type Internal } from './aggregate.js';

/** count(x) (non-null rows) and count(*) (all rows). State: the count. */
export class CountAgg implements GroupAggregate {
  private counts = new Float64Array(64);

  constructor(private readonly star: boolean) {}

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const c = (this.counts = growF64(this.counts, numGroups));
    const validity = this.star ? null : args[0]!.validity;
    if (validity === null) for (let i = 0; i < n; i++) c[ids[i]!]!++;
    else for (let i = 0; i < n; i++) if ((validity[i >> 3]! >> (i & 7)) & 1) c[ids[i]!]!++;
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    const c = (this.counts = growF64(this.counts, numGroups));
    const s = numbersOf(states[0]!, 'count');
    for (let i = 0; i < n; i++) c[ids[i]!]! += s[i]!;
  }

  states(numGroups: number): ColumnVector[] {
    return [this.finish(numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    this.counts = growF64(this.counts, numGroups);
    return numberVector('int64', this.counts, numGroups, null);
  }

  bytes(): number {
    return this.counts.byteLength;
  }
}

/** sum(x): null for a group without non-null values. State: the sum (int64 for integer arguments, else float64). */
export class SumAgg implements GroupAggregate {
  private sums = new Float64Array(64);
  private seen = new Uint8Array(64);
  private readonly stateType: DataType;

  constructor(private readonly spec: AggSpec) {
    const t = spec.argTypes[0];
    this.stateType = t === 'int32' || t === 'int64' || t === 'bool' ? 'int64' : 'float64';
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    this.grow(numGroups);
    const v = args[0]!;
    const vals = numbersOf(v, this.spec.name);
    const sums = this.sums;
    const seen = this.seen;
    const validity = v.validity;
    if (validity === null) {
      for (let i = 0; i < n; i++) {
        const g = ids[i]!;
        sums[g]! += vals[i]!;
        seen[g] = 1;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      if (((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const g = ids[i]!;
      sums[g]! += vals[i]!;
      seen[g] = 1;
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    this.update(ids, states, n, numGroups);
  }

  states(numGroups: number): ColumnVector[] {
    this.grow(numGroups);
    return [numberVector(this.stateType, this.sums, numGroups, this.seen)];
  }

  finish(numGroups: number): ColumnVector {
    this.grow(numGroups);
    return numberVector(this.spec.outType, this.sums, numGroups, this.seen);
  }

  bytes(): number {
    return this.sums.byteLength + this.seen.byteLength;
  }

  private grow(n: number): void {
    this.sums = growF64(this.sums, n);
    this.seen = growU8(this.seen, n);
  }
}

const MIN = 0;
const MAX = 1;
const FIRST = 2;
const LAST = 3;
const KINDS = { min: MIN, max: MAX, first: FIRST, last: LAST } as const;

/**
 * min, max, first, last (in input order; nulls skipped): one kept value per
 * group. Numbers live in a Float64Array; strings and lists in a JS array.
 * NaN is the greatest number (as in DuckDB). The state is the kept value, so
 * merging states is the same fold as updating with raw values.
 */
export class PickAgg implements GroupAggregate {
  private readonly kind: number;
  private nums = new Float64Array(64);
  private seen = new Uint8Array(64);
  private objs: (Internal | undefined)[] = [];
  /** Whether values are kept in `objs` (decided by the first non-numeric vector). */
  private boxed: boolean;

  constructor(
    fn: keyof typeof KINDS,
    private readonly spec: AggSpec,
  ) {
    this.kind = KINDS[fn];
    const t = spec.outType;
    this.boxed = t === 'string' || typeof t === 'object';
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const v = args[0]!;
    this.nums = growF64(this.nums, numGroups);
    this.seen = growU8(this.seen, numGroups);
    if (v.values === undefined || v.type === 'string') this.boxed = true;
    if (this.boxed) return this.updateBoxed(ids, v, n);
    const vals = v.values!;
    const validity = v.validity;
    const { nums, seen, kind } = this;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const g = ids[i]!;
      const x = vals[i]!;
      if (seen[g] === 0) {
        seen[g] = 1;
        nums[g] = x;
        continue;
      }
      const cur = nums[g]!;
      if (kind === MIN ? x < cur || (cur !== cur && x === x) : kind === MAX ? x > cur || (x !== x && cur === cur) : kind === LAST) nums[g] = x;
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    this.update(ids, states, n, numGroups);
  }

  states(numGroups: number): ColumnVector[] {
    return [this.finish(numGroups)];
  }

  finish(numGroups: number): ColumnVector {
    const t = this.spec.outType;
    if (!this.boxed) {
      this.nums = growF64(this.nums, numGroups);
      this.seen = growU8(this.seen, numGroups);
      return numberVector(t, this.nums, numGroups, this.seen);
    }
    const out = new Array<unknown>(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const x = this.objs[g];
      out[g] = x === undefined ? null : typeof t === 'object' || t === 'string' ? x : toPublic(t, x);
    }
    return valuesVector(t, out);
  }

  bytes(): number {
    return this.nums.byteLength + this.seen.byteLength + this.objs.length * 40;
  }

  private updateBoxed(ids: Int32Array, v: ColumnVector, n: number): void {
    const read = internalReader(v);
    const objs = this.objs;
    const kind = this.kind;
    for (let i = 0; i < n; i++) {
      const x = read(i);
      if (x === null) continue;
      const g = ids[i]!;
      const cur = objs[g];
      if (cur === undefined) objs[g] = x;
      else if (kind === LAST || (kind === MIN && compareInternal(x, cur) < 0) || (kind === MAX && compareInternal(x, cur) > 0)) objs[g] = x;
    }
  }
}
