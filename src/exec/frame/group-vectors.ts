import { VectorBuilder } from '../../frame/batch/builder.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';

/**
 * Small vector helpers for the group-by machinery (growable typed arrays,
 * vectors built from per-group numbers).
 */

/** `a` if it holds at least `n` elements, else a copy grown to max(n, 2 * length). */
export function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

export function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Int32Array(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

export function growU8(a: Uint8Array<ArrayBuffer>, n: number): Uint8Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Uint8Array(Math.max(n, a.length * 2, 16));
  b.set(a);
  return b;
}

/** An Arrow validity bitmap from one flag byte per row (nonzero = valid); null when all rows are valid. */
export function bitmapFromFlags(flags: Uint8Array | null, n: number): { validity: Uint8Array | null; nullCount: number } {
  if (flags === null) return { validity: null, nullCount: 0 };
  let nulls = 0;
  const bm = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (flags[i]) bm[i >> 3]! |= 1 << (i & 7);
    else nulls++;
  }
  return nulls === 0 ? { validity: null, nullCount: 0 } : { validity: bm, nullCount: nulls };
}

/**
 * A vector of a numeric-valued type (bool, int32, int64, float64, date,
 * timestamp) from the first n numbers of `values`; `valid` flags rows (null: all valid).
 */
export function numberVector(type: DataType, values: Float64Array, n: number, valid: Uint8Array | null): ColumnVector {
  const { validity, nullCount } = bitmapFromFlags(valid, n);
  let out: Uint8Array | Int32Array | Float64Array;
  if (type === 'bool') out = Uint8Array.from(values.subarray(0, n));
  else if (type === 'int32' || type === 'date') out = Int32Array.from(values.subarray(0, n), Math.round);
  else out = values.slice(0, n);
  if (validity) for (let i = 0; i < n; i++) if (!valid![i]) out[i] = 0;
  return { type, length: n, values: out, validity, nullCount };
}

/** A vector from JS values (see VectorBuilder for what each type accepts). */
export function valuesVector(type: DataType, values: ArrayLike<unknown>, n = values.length): ColumnVector {
  const b = new VectorBuilder(type, n);
  for (let i = 0; i < n; i++) b.append(values[i]);
  return b.finish();
}

/** Whether row i of a vector with this validity bitmap is valid. */
export function validAt(validity: Uint8Array | null, i: number): boolean {
  return validity === null || ((validity[i >> 3]! >> (i & 7)) & 1) === 1;
}

/** The hash of a null key (KeyCoder.hash). */
export const NULL_HASH = 0x2545f491;

/** The validity bitmap of rows whose code is the null group's (none when no row is). */
export function nullBitmap(codes: Int32Array, n: number, nullCode: number): { validity: Uint8Array | null; nullCount: number } {
  let validity: Uint8Array | null = null;
  let nullCount = 0;
  if (nullCode < 0) return { validity, nullCount };
  for (let i = 0; i < n; i++) {
    if (codes[i] !== nullCode) continue;
    validity ??= new Uint8Array((n + 7) >> 3).fill(0xff);
    validity[i >> 3]! &= ~(1 << (i & 7));
    nullCount++;
  }
  return { validity, nullCount };
}
