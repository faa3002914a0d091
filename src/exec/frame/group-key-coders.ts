import type { ColumnVector } from '../../frame/batch/vector.js';
import { getValue } from '../../frame/batch/values.js';
import type { DataType } from '../../frame/types.js';
import { hashNumber, hashString } from '../../frame/batch/hash.js';
import { NumberIdMap } from './group-number-map.js';
import { growF64, NULL_HASH, nullBitmap, valuesVector } from './group-vectors.js';
import { StringCoder } from './group-string-coder.js';

/**
 * Turns the values of one key column into dense codes 0, 1, 2... (in order of
 * first appearance, null getting a code of its own), remembering the value of
 * each code. Codes are the building blocks of group ids (see GroupKeys).
 */
export interface KeyCoder {
  /** Number of codes handed out. */
  readonly size: number;
  /** Writes the code of rows 0..n-1 of `v` into `out`. */
  encode(v: ColumnVector, n: number, out: Int32Array): void;
  /** A vector of the values behind `codes[0..n)`, of the coder's type. */
  vector(codes: Int32Array, n: number): ColumnVector;
  /** A hash of the value behind `code`: depends only on the value, so it is stable across coders. */
  hash(code: number): number;
  /** Approximate bytes held. */
  bytes(): number;
}

/** Integer key values below this get a direct code table (4 bytes per possible value). */
const DIRECT_LIMIT = 1 << 20;

/** The coder for a key column of `type`. */
export function keyCoder(type: DataType): KeyCoder {
  if (type === 'string') return new StringCoder();
  if (typeof type === 'object' || type === 'null') return new ValueCoder(type);
  return new NumberCoder(type);
}

/** bool, int32, int64, float64, date, timestamp: codes from a NumberIdMap over the values. */
class NumberCoder implements KeyCoder {
  private readonly map = new NumberIdMap(256);
  private values = new Float64Array(256);
  private nullCode = -1;

  /** code + 1 by value, for small non-negative integer values (0 = not seen yet). */
  private directCodes: Int32Array | null = null;

  constructor(private readonly type: DataType) {}

  get size(): number {
    return this.map.size;
  }

  private direct(x: number): number {
    return this.directTable(x)[x]!;
  }

  /** The direct table, grown to hold x (0 <= x < DIRECT_LIMIT). */
  private directTable(x: number): Int32Array {
    let d = this.directCodes;
    if (d === null || x >= d.length) {
      const grown = new Int32Array(Math.min(DIRECT_LIMIT, Math.max(1024, 2 ** Math.ceil(Math.log2(x + 1)))));
      if (d) grown.set(d);
      d = this.directCodes = grown;
    }
    return d;
  }

  encode(v: ColumnVector, n: number, out: Int32Array): void {
    const vals = v.values!;
    const map = this.map;
    const validity = v.validity;
    let seen = map.size;
    if (seen + n > this.values.length) this.values = growF64(this.values, seen + n);
    const values = this.values;
    if (validity === null && vals instanceof Int32Array) return this.encodeInts(vals, n, out);
    for (let i = 0; i < n; i++) {
      let code: number;
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) {
        if (this.nullCode < 0) this.nullCode = map.nullId();
        code = this.nullCode;
      } else {
        const x = vals[i]!;
        // Small non-negative integers (ids, years, categories) skip the hash probe once seen.
        const d = x >= 0 && x < DIRECT_LIMIT && (x | 0) === x ? this.direct(x) : -1;
        if (d > 0) code = d - 1;
        else {
          code = map.getOrAdd(x);
          if (d === 0) this.directCodes![x] = code + 1;
        }
        if (code >= seen) values[code] = x === 0 ? 0 : x;
      }
      if (code >= seen) seen = code + 1;
      out[i] = code;
    }
  }

  /** encode for int32 values without nulls (most integer keys): one direct-table read per row once seen. */
  private encodeInts(vals: Int32Array, n: number, out: Int32Array): void {
    const map = this.map;
    const values = this.values;
    let seen = map.size;
    let d = this.directCodes ?? new Int32Array(0);
    for (let i = 0; i < n; i++) {
      const x = vals[i]!;
      if (x >= 0 && x < d.length) {
        const c1 = d[x]!;
        if (c1 !== 0) {
          out[i] = c1 - 1;
          continue;
        }
      }
      const code = map.getOrAdd(x);
      if (x >= 0 && x < DIRECT_LIMIT) (d = this.directTable(x))[x] = code + 1;
      if (code >= seen) {
        values[code] = x;
        seen = code + 1;
      }
      out[i] = code;
    }
  }

  vector(codes: Int32Array, n: number): ColumnVector {
    const t = this.type;
    const out = t === 'bool' ? new Uint8Array(n) : t === 'int32' || t === 'date' ? new Int32Array(n) : new Float64Array(n);
    const { validity, nullCount } = nullBitmap(codes, n, this.nullCode);
    for (let i = 0; i < n; i++) if (codes[i] !== this.nullCode) out[i] = this.values[codes[i]!]!;
    return { type: t, length: n, values: out, validity, nullCount };
  }

  hash(code: number): number {
    return code === this.nullCode ? NULL_HASH : hashNumber(this.values[code]!);
  }

  bytes(): number {
    return this.map.bytes() + this.values.byteLength;
  }
}

/** list and null columns: codes by the JSON text of each value (rare as keys; row by row). */
class ValueCoder implements KeyCoder {
  private readonly map = new Map<string, number>();
  private readonly values: unknown[] = [];
  private readonly keys: string[] = [];
  private chars = 0;

  constructor(private readonly type: DataType) {}

  get size(): number {
    return this.values.length;
  }

  encode(v: ColumnVector, n: number, out: Int32Array): void {
    for (let i = 0; i < n; i++) {
      const value = getValue(v, i);
      const key = value === null ? '\u0000null' : JSON.stringify(value);
      let c = this.map.get(key);
      if (c === undefined) {
        c = this.values.length;
        this.values.push(value);
        this.keys.push(key);
        this.map.set(key, c);
        this.chars += key.length;
      }
      out[i] = c;
    }
  }

  vector(codes: Int32Array, n: number): ColumnVector {
    const vals = new Array<unknown>(n);
    for (let i = 0; i < n; i++) vals[i] = this.values[codes[i]!];
    return valuesVector(this.type, vals);
  }

  hash(code: number): number {
    return this.values[code] === null ? NULL_HASH : hashString(this.keys[code]!);
  }

  bytes(): number {
    return this.values.length * 120 + this.chars * 4;
  }
}
