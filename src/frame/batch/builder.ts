import type { DataType } from '../types.js';
import type { ColumnVector } from './vector.js';
import { COLUMN_MERGE_PROBE, DictMerger } from './dict-merger.js';

/**
 * Builds one ColumnVector value by value. Strings are dictionary-encoded as
 * they arrive (one dictionary entry per distinct string). Values must already
 * be of the builder's type: numbers for int32/int64/float64, booleans for
 * bool, strings for string, days (number) or Date for date, ms (number) or
 * Date for timestamp, arrays for list; null/undefined append a null.
 */
export class VectorBuilder {
  private values: Uint8Array | Int32Array | Float64Array | null;
  private validity: Uint8Array | null = null;
  private nulls = 0;
  private n = 0;
  private dict = new DictMerger(COLUMN_MERGE_PROBE);
  private objects: (unknown[] | null)[] = [];
  /** Set by finish(): the dict and objects arrays now belong to a vector, so copy before changing them. */
  private shared = false;

  constructor(
    readonly type: DataType,
    capacity = 1024,
  ) {
    this.values = allocValues(type, Math.max(16, capacity));
  }

  get length(): number {
    return this.n;
  }

  append(v: unknown): void {
    if (v === null || v === undefined) return this.appendNull();
    if (this.shared) this.unshare();
    const i = this.n;
    this.ensure(i + 1);
    const t = this.type;
    if (typeof t === 'object') this.objects.push(v as unknown[]);
    else if (t === 'string') (this.values as Int32Array)[i] = this.code(v as string);
    else if (t === 'bool') (this.values as Uint8Array)[i] = v ? 1 : 0;
    else if (t === 'date') (this.values as Int32Array)[i] = v instanceof Date ? Math.floor(v.getTime() / 86400000) : (v as number);
    else if (t === 'timestamp') (this.values as Float64Array)[i] = v instanceof Date ? v.getTime() : (v as number);
    else if (t !== 'null') (this.values as Int32Array | Float64Array)[i] = v as number;
    if (this.validity) setValid(this.validity, i);
    this.n = i + 1;
  }

  appendNull(): void {
    if (this.shared) this.unshare();
    const i = this.n;
    this.ensure(i + 1);
    if (!this.validity) {
      this.validity = new Uint8Array(Math.max(16, this.capacity() >> 3) + 1);
      fillValid(this.validity, i);
    }
    if (typeof this.type === 'object') this.objects.push(null);
    this.nulls++;
    this.n = i + 1;
  }

  finish(): ColumnVector {
    const n = this.n;
    const t = this.type;
    const validity = this.validity ? this.validity.slice(0, (n + 7) >> 3) : null;
    this.shared = true;
    if (typeof t === 'object') return { type: t, length: n, objects: this.objects, validity, nullCount: this.nulls };
    if (t === 'null') return { type: t, length: n, validity: new Uint8Array((n + 7) >> 3), nullCount: n };
    const values = this.values!.slice(0, n);
    return { type: t, length: n, values, dict: t === 'string' ? this.dict.result() : undefined, validity, nullCount: this.nulls };
  }

  private unshare(): void {
    this.dict = this.dict.copy();
    this.objects = this.objects.slice();
    this.shared = false;
  }

  private code(s: string): number {
    return this.dict.code(s);
  }

  private capacity(): number {
    return this.values ? this.values.length : this.objects.length + 1024;
  }

  private ensure(size: number): void {
    if (this.values && size > this.values.length) {
      const grown = allocValues(this.type, this.values.length * 2)!;
      grown.set(this.values as never);
      this.values = grown;
    }
    if (this.validity && ((size + 7) >> 3) > this.validity.length) {
      const grown = new Uint8Array(this.validity.length * 2 + 1);
      grown.set(this.validity);
      this.validity = grown;
    }
  }
}

function allocValues(t: DataType, n: number): Uint8Array | Int32Array | Float64Array | null {
  if (typeof t === 'object' || t === 'null') return null;
  if (t === 'bool') return new Uint8Array(n);
  if (t === 'int32' || t === 'date' || t === 'string') return new Int32Array(n);
  return new Float64Array(n);
}

function fillValid(bitmap: Uint8Array, rows: number): void {
  bitmap.fill(0xff, 0, rows >> 3);
  for (let i = rows & ~7; i < rows; i++) setValid(bitmap, i);
}

export function setValid(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3]! |= 1 << (i & 7);
}

/** Builds a vector of `type` from JS values (see VectorBuilder for what each type accepts). */
export function vectorFromValues(type: DataType, values: readonly unknown[]): ColumnVector {
  const b = new VectorBuilder(type, values.length);
  for (const v of values) b.append(v);
  return b.finish();
}
