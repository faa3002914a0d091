import type { ColumnVector } from '../../frame/batch/vector.js';
import { getValue } from '../../frame/batch/values.js';
import { isDistinct, markDistinct } from '../../frame/batch/dict-distinct.js';
import type { DataType } from '../../frame/types.js';
import { hashNumber, hashString } from '../../frame/batch/hash.js';
import { NumberIdMap } from './group-number-map.js';
import { growF64, valuesVector, validAt } from './group-vectors.js';
import { dictHandle, stringVector, type DictHandle } from '../../frame/batch/utf8-dict.js';

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

const NULL_HASH = 0x2545f491;
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

/** Translation tables a StringCoder keeps (the streams of one map output repeat a dictionary; see recent-dicts.ts). */
const RECENT_TRANSLATIONS = 4;

/** string: per-batch dictionary codes are translated once per dictionary entry (not once per row). */
class StringCoder implements KeyCoder {
  private readonly map = new Map<string, number>();
  private readonly strings: string[] = [];
  private nullCode = -1;
  /** For the last few dictionaries seen, their codes' group-key codes (-1: not looked up yet); most recent first. */
  private transDicts: (readonly string[])[] = [];
  private trans: Int32Array[] = [];
  /** Large dictionaries seen once (translated row by row, see encode). */
  private seenOnce = new WeakSet<readonly string[]>();
  private chars = 0;
  /**
   * While every batch so far used one dictionary (slices of one table, a cached
   * partition) that is known to be distinct, codes need no string lookups.
   * The map of strings is built when a second dictionary shows up.
   */
  private singleDict: readonly string[] | null = null;
  /** The single dictionary's handle (still UTF-8, perhaps): keys come out coded into it. */
  private singleHandle: DictHandle | null = null;
  private mapBuilt = true;

  get size(): number {
    return this.strings.length;
  }

  encode(v: ColumnVector, n: number, out: Int32Array): void {
    const dict = v.dict!;
    const codes = v.values as Int32Array;
    const validity = v.validity;
    if (this.strings.length === 0 && this.singleDict === null && this.mapBuilt && isDistinct(dict)) {
      this.singleDict = dict;
      this.singleHandle = dictHandle(v);
      this.mapBuilt = false;
    } else if (!this.mapBuilt && dict !== this.singleDict) {
      this.strings.forEach((x, i) => i !== this.nullCode && this.map.set(x, i));
      this.mapBuilt = true;
    }
    let trans = this.translation(dict);
    if (trans === undefined || trans.length < dict.length) {
      // A dictionary far larger than the batch is translated row by row the first time it is
      // seen; one that comes back (batches of one stream, repeated stream dictionaries) gets a
      // translation table, filled as codes show up.
      if (trans === undefined && this.mapBuilt && dict.length > 4 * n + 1024 && !this.seenOnce.has(dict)) {
        this.seenOnce.add(dict);
        for (let i = 0; i < n; i++) out[i] = validAt(validity, i) ? this.code(dict[codes[i]!]!) : this.nullId();
        return;
      }
      const fresh = new Int32Array(dict.length).fill(-1);
      if (trans) fresh.set(trans);
      this.remember(dict, (trans = fresh));
    }
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) {
        out[i] = this.nullId();
        continue;
      }
      const c = codes[i]!;
      let t = trans[c]!;
      if (t < 0) t = trans[c] = this.code(dict[c]!);
      out[i] = t;
    }
  }

  vector(codes: Int32Array, n: number): ColumnVector {
    const values = new Int32Array(n);
    const { validity, nullCount } = nullBitmap(codes, n, this.nullCode);
    const single = this.mapBuilt ? undefined : this.translation(this.singleDict!);
    if (single !== undefined) {
      // Every key came from one dictionary: code the output into it, so that it travels on
      // as the input's dictionary (one dictionary for all of a cached table's partial
      // aggregates, which readers then decode and translate once).
      const entry = new Int32Array(this.strings.length);
      for (let c = 0; c < single.length; c++) if (single[c]! >= 0) entry[single[c]!] = c;
      for (let i = 0; i < n; i++) if (codes[i] !== this.nullCode) values[i] = entry[codes[i]!]!;
      return stringVector(n, values, this.singleHandle!, validity, nullCount);
    }
    for (let i = 0; i < n; i++) if (codes[i] !== this.nullCode) values[i] = codes[i]!;
    return { type: 'string', length: n, values, dict: markDistinct(this.strings), validity, nullCount };
  }

  hash(code: number): number {
    return code === this.nullCode ? NULL_HASH : hashString(this.strings[code]!);
  }

  bytes(): number {
    // Map entry + array slot + string header, plus two bytes per character.
    let trans = 0;
    for (const t of this.trans) trans += t.byteLength;
    return this.strings.length * 80 + this.chars * 2 + trans;
  }

  /** The translation table of `dict` if it is one of the last few seen (moved to the front). */
  private translation(dict: readonly string[]): Int32Array | undefined {
    const i = this.transDicts.indexOf(dict);
    if (i < 0) return undefined;
    const t = this.trans[i]!;
    if (i > 0) {
      this.transDicts.splice(i, 1);
      this.trans.splice(i, 1);
      this.transDicts.unshift(dict);
      this.trans.unshift(t);
    }
    return t;
  }

  private remember(dict: readonly string[], t: Int32Array): void {
    const i = this.transDicts.indexOf(dict);
    if (i >= 0) {
      this.transDicts.splice(i, 1);
      this.trans.splice(i, 1);
    }
    this.transDicts.unshift(dict);
    this.trans.unshift(t);
    if (this.transDicts.length > RECENT_TRANSLATIONS) {
      this.transDicts.pop();
      this.trans.pop();
    }
  }

  private code(s: string): number {
    let c = this.mapBuilt ? this.map.get(s) : undefined;
    if (c === undefined) {
      c = this.strings.length;
      this.strings.push(s);
      if (this.mapBuilt) this.map.set(s, c);
      this.chars += s.length;
    }
    return c;
  }

  private nullId(): number {
    if (this.nullCode < 0) {
      this.nullCode = this.strings.length;
      this.strings.push('');
    }
    return this.nullCode;
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

/** The validity bitmap of rows whose code is the null group's (none when no row is). */
function nullBitmap(codes: Int32Array, n: number, nullCode: number): { validity: Uint8Array | null; nullCount: number } {
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
