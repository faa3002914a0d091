import { COLUMN_MERGE_PROBE, DictMerger } from './dict-merger.js';
import { recentDictionary } from './recent-dicts.js';
import { isPlainUtf8, stringVector, Utf8Dict, withValues } from './utf8-dict.js';
import * as arrow from 'apache-arrow';
import type { DataType } from '../types.js';
import { MS_PER_DAY as DAY_MS } from '../dates/calendar.js';
import { SluiceError } from '../../util/errors.js';
import type { ColumnVector } from './vector.js';
import { bitmapBytes, sliceBitmap, unpackBits } from './bitmap.js';
import { bigInt64ToNumbers } from './int64.js';
import { encodeUtf8View } from './arrow-views.js';

const T = arrow.Type;

/**
 * One Arrow column chunk as a ColumnVector of `type` (from fromArrowType).
 * Int32, Float64 and Date32 values and Int32 dictionary codes are shared with
 * the Arrow buffers (zero-copy); everything else is converted once.
 */
export function vectorFromArrowData(d: arrow.Data, type: DataType, column: string): ColumnVector {
  const v = arrowVector(d, type, column);
  // IPC buffers are padded to 8 bytes: a zero-copy view may be longer than the column. Vectors
  // keep values.length === length, which concatenation and spill writers rely on.
  return v.values && v.values.length > v.length ? withValues(v, v.values.subarray(0, v.length)) : v;
}

function arrowVector(d: arrow.Data, type: DataType, column: string): ColumnVector {
  const length = d.length;
  if (d.typeId === T.Null) return { type: 'null', length, validity: new Uint8Array(bitmapBytes(length)), nullCount: length };
  let nullCount = d.nullBitmap && d.nullBitmap.length > 0 ? d.nullCount : 0;
  let validity = nullCount > 0 ? sliceBitmap(d.nullBitmap!, d.offset, length, true) : null;
  if (typeof type === 'object') return { type, length, objects: listObjects(d, type), validity, nullCount };
  const t = d.type as arrow.DataType;
  const values = d.values as ArrayLike<number> & ArrayBufferView;
  switch (t.typeId) {
    case T.Bool:
      return { type, length, values: unpackBits(d.values as Uint8Array, d.offset, length), validity, nullCount };
    case T.Int: {
      const { bitWidth, isSigned } = t as arrow.Int;
      if (bitWidth === 64) return { type, length, values: bigInt64ToNumbers(d.values as BigInt64Array, !isSigned), validity, nullCount };
      if (bitWidth === 32) {
        const out = isSigned ? (values as Int32Array) : Float64Array.from(values as Uint32Array);
        return { type, length, values: out, validity, nullCount };
      }
      return { type, length, values: Int32Array.from(values), validity, nullCount };
    }
    case T.Float: {
      const p = (t as arrow.Float).precision;
      const out = p === arrow.Precision.DOUBLE ? (values as Float64Array) : p === arrow.Precision.SINGLE ? Float64Array.from(values) : viaGet(d);
      return { type, length, values: out, validity, nullCount };
    }
    case T.Date:
      if ((t as arrow.Date_).unit === arrow.DateUnit.DAY) return { type, length, values: values as Int32Array, validity, nullCount };
      return { type, length, values: daysOfMillis(bigInt64ToNumbers(d.values as BigInt64Array)), validity, nullCount };
    case T.Timestamp: {
      const [mul, div] = TIME_SCALE[(t as arrow.Timestamp).unit]!;
      return { type, length, values: bigInt64ToNumbers(d.values as BigInt64Array, false, mul, div), validity, nullCount };
    }
    case T.Utf8:
    case T.LargeUtf8: {
      const { codes, dict } = encodeUtf8(d);
      return { type, length, values: codes, dict, validity, nullCount };
    }
    case T.Utf8View: {
      const { codes, dict } = encodeUtf8View(d);
      return stringVector(length, codes, dict, validity, nullCount);
    }
    case T.Dictionary: {
      const codes = values instanceof Int32Array ? values : toInt32Codes(d.values as ArrayLike<number | bigint>);
      const utf8 = utf8Dictionary(d.dictionary!);
      if (utf8) return stringVector(length, codes, utf8, validity, nullCount);
      const dict = dictionaryStrings(d.dictionary!);
      if (dict.hasNulls) ({ validity, nullCount } = maskNullEntries(codes, dict.nulls, validity, length));
      return { type, length, values: codes, dict: dict.strings, validity, nullCount };
    }
  }
  throw new SluiceError(`column '${column}': Arrow type ${String(t)} is not supported`);
}

/** [multiplier, divisor] from each Arrow time unit to milliseconds. */
const TIME_SCALE: Record<number, [number, number]> = {
  [arrow.TimeUnit.SECOND]: [1000, 1],
  [arrow.TimeUnit.MILLISECOND]: [1, 1],
  [arrow.TimeUnit.MICROSECOND]: [1, 1000],
  [arrow.TimeUnit.NANOSECOND]: [1, 1000000],
};

function daysOfMillis(ms: Float64Array): Int32Array {
  const out = new Int32Array(ms.length);
  for (let i = 0; i < ms.length; i++) out[i] = Math.floor(ms[i]! / DAY_MS);
  return out;
}

function viaGet(d: arrow.Data): Float64Array {
  const v = arrow.makeVector(d);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = (v.get(i) as number | null) ?? 0;
  return out;
}

function toInt32Codes(src: ArrayLike<number | bigint>): Int32Array {
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
  return out;
}

/** Dictionary-encodes plain Utf8 strings (decoding each distinct byte range once per value; Buffer decoding is fast in Node). */
function encodeUtf8(d: arrow.Data): { codes: Int32Array; dict: string[] } {
  const n = d.length;
  const offsets = d.valueOffsets as Int32Array | BigInt64Array;
  const bytes = d.values as Uint8Array;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codes = new Int32Array(n);
  const dict = new DictMerger(COLUMN_MERGE_PROBE);
  const big = offsets instanceof BigInt64Array;
  for (let i = 0; i < n; i++) {
    const a = big ? Number(offsets[i]!) : (offsets[i] as number);
    const b = big ? Number(offsets[i + 1]!) : (offsets[i + 1] as number);
    if (a === b && d.nullCount > 0 && !d.getValid(i)) continue;
    codes[i] = dict.code(buf.toString('utf8', a, b));
  }
  return { codes, dict: dict.result() };
}

/** Per Arrow dictionary vector, its Utf8Dict: batches sharing a dictionary share it (and decode it at most once). */
const utf8Dicts = new WeakMap<arrow.Vector, Utf8Dict>();

/** A plain Utf8 dictionary kept as bytes (the same Utf8Dict as a recent one of equal bytes), or null for other kinds. */
function utf8Dictionary(v: arrow.Vector): Utf8Dict | null {
  let r = utf8Dicts.get(v);
  if (r) return r;
  if (!isPlainUtf8(v)) return null;
  r = recentDictionary(v);
  utf8Dicts.set(v, r);
  return r;
}

interface DictStrings {
  strings: string[];
  hasNulls: boolean;
  nulls: Uint8Array;
}

/** Decoded once per Arrow dictionary vector: batches sharing a dictionary share the string array. */
const dictCache = new WeakMap<arrow.Vector, DictStrings>();

/** Dictionaries with null entries (or chunked, or LargeUtf8) are decoded at once. */
function dictionaryStrings(v: arrow.Vector): DictStrings {
  const hit = dictCache.get(v);
  if (hit) return hit;
  const strings = new Array<string>(v.length);
  const nulls = new Uint8Array(v.length);
  let hasNulls = false;
  let i = 0;
  for (const s of v as Iterable<string | null>) {
    if (s === null) {
      nulls[i] = 1;
      hasNulls = true;
    }
    strings[i++] = s ?? '';
  }
  const r = { strings, hasNulls, nulls };
  dictCache.set(v, r);
  return r;
}

/** Rows whose code points at a null dictionary entry become null. */
function maskNullEntries(codes: Int32Array, nulls: Uint8Array, validity: Uint8Array | null, n: number): { validity: Uint8Array; nullCount: number } {
  const out = validity ? validity.slice() : new Uint8Array(bitmapBytes(n)).fill(0xff);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (nulls[codes[i]!]) out[i >> 3]! &= ~(1 << (i & 7));
    if (((out[i >> 3]! >> (i & 7)) & 1) === 0) nullCount++;
  }
  return { validity: out, nullCount };
}

/** List rows as JS arrays of the values getValue returns (numbers, strings, booleans, Dates, nested arrays). */
function listObjects(d: arrow.Data, type: { list: DataType }): (unknown[] | null)[] {
  const v = arrow.makeVector(d);
  const out = new Array<unknown[] | null>(d.length);
  for (let i = 0; i < d.length; i++) out[i] = toJsList(v.get(i) as arrow.Vector | Uint8Array | null, type.list);
  return out;
}

function toJsList(v: arrow.Vector | Uint8Array | null, elem: DataType): unknown[] | null {
  if (v === null) return null;
  if (v instanceof Uint8Array) return Array.from(v); // a binary value: its bytes (see fromArrowType)
  const out = new Array<unknown>(v.length);
  for (let j = 0; j < v.length; j++) out[j] = toJsValue(v.get(j), elem);
  return out;
}

function toJsValue(x: unknown, t: DataType): unknown {
  if (x === null || x === undefined) return null;
  if (typeof t === 'object') return toJsList(x as arrow.Vector, t.list);
  if (typeof x === 'bigint') return Number(x);
  if (t === 'date' || t === 'timestamp') return new Date(x as number);
  return x;
}
