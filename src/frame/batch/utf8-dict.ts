import * as arrow from 'apache-arrow';
import type { ColumnVector } from './vector.js';
import { isDistinct, markDistinct } from './dict-distinct.js';
import { gatherUtf8, utf8Strings } from './utf8.js';

/**
 * A string dictionary kept as the UTF-8 bytes it arrived in (an Arrow Utf8
 * vector: one chunk, no nulls) until something needs its strings. A column
 * read from a cache or a shuffle is often only passed on: taken by a join,
 * filtered, shuffled again, written again. Its dictionary then goes from bytes
 * to bytes (entries picked, dictionaries appended) and is never decoded; ten
 * million distinct ids cost a few copies of their bytes instead of ten million
 * JS strings, twice.
 */
export class Utf8Dict {
  private decoded: string[] | null = null;

  /** `distinct`: each string appears once (dict-distinct.ts). */
  constructor(
    readonly source: arrow.Vector<arrow.Utf8>,
    private distinctEntries: boolean,
  ) {}

  get length(): number {
    return this.source.length;
  }

  get distinct(): boolean {
    return this.distinctEntries || this.length <= 1 || (this.decoded !== null && isDistinct(this.decoded));
  }

  /** Bytes held: the UTF-8 data and offsets, plus the strings once decoded (estimated by the caller). */
  get byteLength(): number {
    const d = this.data;
    const offsets = d.valueOffsets as Int32Array;
    return offsets[d.length]! - offsets[0]! + offsets.byteLength;
  }

  /** The decoded strings, if something asked for them already. */
  get decodedStrings(): readonly string[] | null {
    return this.decoded;
  }

  /** Records that each string appears once (the writer said so). */
  markDistinct(): void {
    this.distinctEntries = true;
    if (this.decoded) markDistinct(this.decoded);
  }

  /** The entries as JS strings, decoded on the first call (the vectors over this dictionary are still written from its bytes). */
  strings(): string[] {
    if (this.decoded) return this.decoded;
    const d = this.data;
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const strings = utf8Strings(bytes, offsets, d.length) ?? decodeEach(bytes, offsets, d.length);
    if (this.distinctEntries) markDistinct(strings);
    this.decoded = strings;
    return strings;
  }

  /** Entry `i` as a JS string (from the decoded strings if there are any, else from its bytes alone). */
  entry(i: number): string {
    if (this.decoded) return this.decoded[i]!;
    const d = this.data;
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', offsets[i]!, offsets[i + 1]!);
  }

  /** A dictionary of entries `picks[k]` (in that order), copied byte for byte. */
  pick(picks: Int32Array): Utf8Dict {
    return new Utf8Dict(gatherUtf8(this.source, picks), this.distinctEntries);
  }

  /** The dictionaries one after another (entry k of dicts[j] is entry base[j] + k); not distinct. */
  static concat(dicts: readonly Utf8Dict[]): Utf8Dict {
    let n = 0;
    let total = 0;
    for (const d of dicts) {
      const o = d.data.valueOffsets as Int32Array;
      n += d.length;
      total += o[d.length]! - o[0]!;
    }
    const offsets = new Int32Array(n + 1);
    const data = new Uint8Array(total);
    let at = 0;
    let k = 0;
    for (const d of dicts) {
      const o = d.data.valueOffsets as Int32Array;
      const base = o[0]!;
      data.set((d.data.values as Uint8Array).subarray(base, o[d.length]!), at);
      for (let i = 1; i <= d.length; i++) offsets[k + i] = at + o[i]! - base;
      at += o[d.length]! - base;
      k += d.length;
    }
    const source = arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data }));
    return new Utf8Dict(source, false);
  }

  private get data(): arrow.Data<arrow.Utf8> {
    return this.source.data[0]!;
  }
}

/** Whether `v` (an Arrow dictionary's values) can back a Utf8Dict: plain Utf8, one unsliced chunk, no null entries. */
export function isPlainUtf8(v: arrow.Vector): v is arrow.Vector<arrow.Utf8> {
  return v.type instanceof arrow.Utf8 && v.data.length === 1 && v.nullCount === 0 && v.data[0]!.offset === 0 && v.data[0]!.valueOffsets instanceof Int32Array;
}

function decodeEach(bytes: Uint8Array, offsets: Int32Array, n: number): string[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = buf.toString('utf8', offsets[i]!, offsets[i + 1]!);
  return out;
}

/**
 * A string column whose dictionary is still UTF-8 bytes: `dict` decodes it on
 * first use (once per Utf8Dict, shared by every vector over it).
 */
class LazyStringVector implements ColumnVector {
  readonly type = 'string' as const;
  constructor(
    readonly length: number,
    readonly values: Int32Array,
    readonly utf8: Utf8Dict,
    readonly validity: Uint8Array | null,
    readonly nullCount: number,
  ) {}

  get dict(): readonly string[] {
    return this.utf8.strings();
  }
}

/** What a string column's codes index: its Utf8Dict when still bytes, else its strings. Equal handles mean one dictionary. */
export type DictHandle = Utf8Dict | readonly string[];

/** The dictionary handle of a string vector (without decoding it). */
export function dictHandle(v: ColumnVector): DictHandle {
  return v.utf8 ?? v.dict!;
}

/** Entries in a string vector's dictionary (without decoding it). */
export function dictSize(v: ColumnVector): number {
  return v.utf8 ? v.utf8.length : v.dict!.length;
}

/** Whether a string vector's dictionary holds each string once (without decoding it). */
export function hasDistinctDict(v: ColumnVector): boolean {
  return v.utf8 ? v.utf8.distinct : isDistinct(v.dict!);
}

/** A string vector of `codes` into `dict` (a Utf8Dict stays undecoded). */
export function stringVector(length: number, codes: Int32Array, dict: DictHandle, validity: Uint8Array | null, nullCount: number): ColumnVector {
  if (dict instanceof Utf8Dict) return new LazyStringVector(length, codes, dict, validity, nullCount);
  return { type: 'string', length, values: codes, dict, validity, nullCount };
}

/** `v` with other values (same type, dictionary, validity): e.g. a shorter view of its codes. */
export function withValues(v: ColumnVector, values: NonNullable<ColumnVector['values']>): ColumnVector {
  if (v.utf8) return new LazyStringVector(v.length, values as Int32Array, v.utf8, v.validity, v.nullCount);
  return { ...v, values };
}
