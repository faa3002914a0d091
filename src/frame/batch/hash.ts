import type { ColumnVector } from './vector.js';

/**
 * Value-based 32-bit row hashes for shuffle partitioning (partitionOfHash) and
 * hash tables. Deterministic across threads and processes (no random seed, no
 * identity hashes). Equal numbers hash equal whatever the vector type (int32 5,
 * int64 5 and float64 5.0; -0 and 0; every NaN); strings hash by content.
 */

/**
 * The partition (0..n-1) of a row hash: its high bits scaled to n (Lemire's
 * fast range), exact for n up to 2^21. An unsigned `%` runs as a float
 * modulo in V8, several times slower per row.
 */
export function partitionOfHash(h: number, n: number): number {
  return Math.floor(((h >>> 0) * n) / 4294967296);
}

/** The hash of a null value (any type). */
export const NULL_HASH = 0x3c6ef372 | 0;
const NAN_HASH = 0x7ff80000 | 0;
const SEED = 0x2a;

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** Murmur3's finalizer: spreads every input bit over the output (low bits included, for `% n`). */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of a number: integers in int32 range hash as that integer, others by their float64 bits. */
export function hashNumber(x: number): number {
  if ((x | 0) === x) return fmix32(x | 0);
  if (x !== x) return NAN_HASH;
  F64[0] = x;
  return fmix32(I32[LO]! ^ fmix32(I32[1 - LO]!));
}

/** Hash of a string's UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h ^ s.length);
}

/** Hash of a JS value as getValue returns it (lists hash element by element). */
export function hashValue(x: unknown): number {
  if (x === null || x === undefined) return NULL_HASH;
  if (typeof x === 'number') return hashNumber(x);
  if (typeof x === 'string') return hashString(x);
  if (typeof x === 'boolean') return hashNumber(x ? 1 : 0);
  if (typeof x === 'bigint') return hashNumber(Number(x));
  if (x instanceof Date) return hashNumber(x.getTime());
  if (Array.isArray(x)) {
    let h = hashNumber(x.length);
    for (const e of x) h = combineHash(h, hashValue(e));
    return h;
  }
  return hashString(String(x));
}

/** Folds one more key hash into a row hash (order-sensitive). */
export function combineHash(h: number, k: number): number {
  return fmix32((Math.imul(h, 31) + k) | 0);
}

const dictHashCache = new WeakMap<readonly string[], Int32Array>();

/** The hash of every entry of a dictionary, computed once per dictionary array. */
export function dictHashes(dict: readonly string[]): Int32Array {
  let h = dictHashCache.get(dict);
  if (h === undefined || h.length !== dict.length) {
    h = new Int32Array(dict.length);
    for (let i = 0; i < dict.length; i++) h[i] = hashString(dict[i]!);
    dictHashCache.set(dict, h);
  }
  return h;
}

/** One hash per row of the key columns `vectors` (each at least numRows long), combined in column order. */
export function hashRows(vectors: readonly ColumnVector[], numRows: number): Int32Array {
  const out = new Int32Array(numRows).fill(SEED);
  for (const v of vectors) hashInto(out, v, numRows);
  return out;
}

function hashInto(out: Int32Array, v: ColumnVector, n: number): void {
  const t = v.type;
  const valid = v.validity;
  if (t === 'null') {
    for (let i = 0; i < n; i++) out[i] = combineHash(out[i]!, NULL_HASH);
    return;
  }
  if (typeof t === 'object') {
    const objs = v.objects!;
    for (let i = 0; i < n; i++) out[i] = combineHash(out[i]!, isNull(valid, i) ? NULL_HASH : hashValue(objs[i]));
    return;
  }
  const vals = v.values!;
  if (t === 'string') {
    const dh = dictHashes(v.dict!);
    for (let i = 0; i < n; i++) out[i] = combineHash(out[i]!, isNull(valid, i) ? NULL_HASH : dh[vals[i]!]!);
  } else if (t === 'int32' || t === 'date' || t === 'bool') {
    for (let i = 0; i < n; i++) out[i] = combineHash(out[i]!, isNull(valid, i) ? NULL_HASH : fmix32(vals[i]!));
  } else {
    for (let i = 0; i < n; i++) out[i] = combineHash(out[i]!, isNull(valid, i) ? NULL_HASH : hashNumber(vals[i]!));
  }
}

function isNull(validity: Uint8Array | null, i: number): boolean {
  return validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0;
}
