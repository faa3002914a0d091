import type { ColumnVector } from '../../../frame/batch/vector.js';
import type { DataType } from '../../../frame/types.js';
import { typeName } from '../../../frame/types.js';
import { SluiceError } from '../../../util/errors.js';

/**
 * One aggregate over many groups. The caller assigns each input row a group id
 * (dense, < numGroups) and hands whole vectors over; state lives in typed
 * arrays indexed by group id, updated in tight loops. Null inputs are skipped.
 */
export interface GroupAggregate {
  /** Folds raw argument vectors (rows 0..numRows-1) into the groups' states. */
  update(groupIds: Int32Array, args: readonly ColumnVector[], numRows: number, numGroups: number): void;
  /** Folds partial states (this aggregate's state columns, see aggStateFields) into the groups' states. */
  mergeStates(groupIds: Int32Array, states: readonly ColumnVector[], numRows: number, numGroups: number): void;
  /** The state columns of groups 0..numGroups-1. */
  states(numGroups: number): ColumnVector[];
  /** The final value of groups 0..numGroups-1, as a vector of `outType`. */
  finish(numGroups: number): ColumnVector;
  /** Approximate bytes held. */
  bytes(): number;
}

/** What an aggregate is built from: its call, argument types, and output type. */
export interface AggSpec {
  name: string;
  params: readonly number[];
  argTypes: readonly DataType[];
  outType: DataType;
}

/** Value kinds stored internally: numbers for every numeric-valued type (bool 0/1, date days, timestamp ms). */
export type Internal = number | string | unknown[];

/** The numbers of a numeric-valued vector (bool, int32, int64, float64, date, timestamp). */
export function numbersOf(v: ColumnVector, agg: string): Float64Array | Int32Array | Uint8Array {
  if (v.values === undefined || v.type === 'string') {
    throw new SluiceError(`${agg}: argument must be numeric, got ${typeName(v.type)}`);
  }
  return v.values;
}

/** Reads row i as an internal value, or null. Row by row: for the holistic aggregates. */
export function internalReader(v: ColumnVector): (i: number) => Internal | null {
  const validity = v.validity;
  const valid = (i: number) => validity === null || ((validity[i >> 3]! >> (i & 7)) & 1) === 1;
  if (v.type === 'null') return () => null;
  if (v.objects) {
    const objs = v.objects;
    return (i) => (valid(i) ? objs[i] ?? null : null);
  }
  const vals = v.values!;
  if (v.type === 'string') {
    const dict = v.dict!;
    return (i) => (valid(i) ? dict[vals[i]!]! : null);
  }
  return (i) => (valid(i) ? vals[i]! : null);
}

/** The public JS value (as getValue returns it, and as list elements hold it) of an internal value. */
export function toPublic(type: DataType, x: Internal): unknown {
  if (type === 'date') return new Date((x as number) * 86400000);
  if (type === 'timestamp') return new Date(x as number);
  if (type === 'bool') return x === 1;
  return x;
}

/** The internal value of a public JS value (a list element). */
export function toInternal(x: unknown): Internal {
  if (x instanceof Date) return x.getTime();
  if (typeof x === 'boolean') return x ? 1 : 0;
  return x as Internal;
}

/** toInternal for an element of a list of `type` (dates are days, not ms). */
export function elementToInternal(type: DataType, x: unknown): Internal {
  if (type === 'date' && x instanceof Date) return Math.floor(x.getTime() / 86400000);
  return toInternal(x);
}

/** Element type of a list type (the state columns of holistic aggregates). */
export function elementType(t: DataType): DataType {
  return typeof t === 'object' ? t.list : t;
}

/** Orders internal values: numbers numerically (NaN greatest, as in DuckDB), strings by code unit. */
export function compareInternal(a: Internal, b: Internal): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== a) return b !== b ? 0 : 1;
    if (b !== b) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
