import type { ColumnVector } from '../batch/vector.js';
import { allValid, bitmapBytes, countNulls } from '../batch/bitmap.js';
import { DictMerger } from '../batch/dict-merger.js';
import type { DataType } from '../types.js';

/**
 * Small vector helpers shared by the expression kernels: allocation by type,
 * validity bitmaps, constants, per-row readers and dictionary merging.
 */

/** A value as the kernels see it: numbers for numeric, date (days) and timestamp (ms) types. */
export type Raw = number | string | boolean | unknown[] | null;

export type Values = Uint8Array | Int32Array | Float64Array;

/** A zeroed values array for `type` (undefined for list and null, which have none). */
export function allocValues(type: DataType, n: number): Values | undefined {
  if (typeof type === 'object' || type === 'null') return undefined;
  if (type === 'bool') return new Uint8Array(n);
  if (type === 'int32' || type === 'date' || type === 'string') return new Int32Array(n);
  return new Float64Array(n);
}

/** True for types whose values array holds plain numbers the kernels can use directly. */
export function isNumberStored(t: DataType): boolean {
  return t === 'int32' || t === 'int64' || t === 'float64' || t === 'date' || t === 'timestamp';
}

/** Builds a vector, counting nulls and dropping an all-valid bitmap (the contract: null when no row is null). */
export function makeVector(
  type: DataType,
  n: number,
  values: Values | undefined,
  validity: Uint8Array | null,
  dict?: readonly string[],
  objects?: readonly (unknown[] | null)[],
): ColumnVector {
  const nullCount = validity ? countNulls(validity, n) : 0;
  const v: { -readonly [K in keyof ColumnVector]: ColumnVector[K] } = { type, length: n, validity: nullCount === 0 ? null : validity, nullCount };
  if (values) v.values = values;
  if (type === 'string') v.dict = dict ?? [];
  if (objects) v.objects = objects;
  return v;
}

/** A vector of n rows, all null, of any type. */
export function nullVector(type: DataType, n: number): ColumnVector {
  const objects = typeof type === 'object' ? new Array<null>(n).fill(null) : undefined;
  return { ...makeVector(type, n, allocValues(type, n), null, undefined, objects), validity: new Uint8Array(bitmapBytes(n)), nullCount: n };
}

/** A vector repeating one raw value (numbers for date/timestamp) n times. */
export function constantVector(type: DataType, value: Raw, n: number): ColumnVector {
  if (value === null || type === 'null') return nullVector(type, n);
  if (typeof type === 'object') return makeVector(type, n, undefined, null, undefined, new Array(n).fill(value));
  const values = allocValues(type, n)!;
  if (type === 'string') return makeVector(type, n, values, null, [value as string]);
  values.fill(type === 'bool' ? (value ? 1 : 0) : (value as number));
  return makeVector(type, n, values, null);
}

/** The AND of several validity bitmaps (null = all valid); a fresh bitmap or null. */
export function andValidity(n: number, ...bitmaps: (Uint8Array | null)[]): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const b of bitmaps) {
    if (!b) continue;
    if (!out) out = b.slice(0, bitmapBytes(n));
    else for (let k = 0; k < out.length; k++) out[k]! &= b[k]!;
  }
  return out;
}

/** Marks row i null in `bitmap`, creating an all-valid bitmap first when there is none. */
export function clearValid(bitmap: Uint8Array | null, n: number, i: number): Uint8Array {
  const b = bitmap ?? allValid(n);
  b[i >> 3]! &= ~(1 << (i & 7));
  return b;
}

export function validAt(bitmap: Uint8Array | null, i: number): boolean {
  return bitmap === null || ((bitmap[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** A reader of row values as Raw (no Date objects: days and ms stay numbers). */
export function rowReader(v: ColumnVector): (i: number) => Raw {
  const valid = v.validity;
  const t = v.type;
  if (t === 'null') return () => null;
  if (typeof t === 'object') return (i) => (validAt(valid, i) ? v.objects![i] ?? null : null);
  const values = v.values!;
  if (t === 'string') {
    const dict = v.dict!;
    return (i) => (validAt(valid, i) ? dict[values[i]!]! : null);
  }
  if (t === 'bool') return (i) => (validAt(valid, i) ? values[i] === 1 : null);
  return (i) => (validAt(valid, i) ? values[i]! : null);
}

/**
 * Merges the dictionaries of several string vectors into one (see DictMerger:
 * merged while that pays, so it may repeat entries); `remaps[k][code]` is the
 * merged code of vector k's code.
 */
export function unifyDicts(vectors: readonly ColumnVector[]): { dict: string[]; remaps: Int32Array[] } {
  const merger = new DictMerger();
  const remaps = vectors.map((v) => merger.add(v.dict ?? []));
  return { dict: merger.result(), remaps };
}

/**
 * Builds a vector whose row i is row i of `sources[choice[i]]` (null when
 * choice[i] is -1). All sources have `type` (or 'null'); strings are remapped
 * into one merged dictionary. Used by CASE and coalesce.
 */
export function chooseRows(type: DataType, n: number, sources: readonly ColumnVector[], choice: Int32Array): ColumnVector {
  if (type === 'null') return nullVector(type, n);
  const out = allocValues(type, n);
  let validity: Uint8Array | null = null;
  const strings = type === 'string' ? unifyDicts(sources) : null;
  const objects = typeof type === 'object' ? new Array<unknown[] | null>(n).fill(null) : undefined;
  for (let i = 0; i < n; i++) {
    const k = choice[i]!;
    const src = k >= 0 ? sources[k]! : null;
    if (src === null || src.type === 'null' || !validAt(src.validity, i)) {
      validity = clearValid(validity, n, i);
      continue;
    }
    if (objects) objects[i] = src.objects![i] ?? null;
    else if (strings) out![i] = strings.remaps[k]![src.values![i]!]!;
    else out![i] = src.values![i]!;
  }
  return makeVector(type, n, out, validity, strings?.dict, objects);
}
