import { SluiceError } from '../util/errors.js';

/**
 * Keys of shuffles, joins and groupings are compared BY VALUE. A `KeyId` is a
 * primitive that stands for a key inside a JS `Map`/`Set`: two keys are equal by
 * value iff their ids are SameValueZero-equal. Strings and numbers are their own
 * ids (the hot path); composites become a canonical string starting with NUL.
 */
export type KeyId = string | number | boolean | bigint | null | undefined;

const NUL = '\u0000';

/**
 * Map-usable identity of a key by value. Numbers (with -0 folded into 0), booleans,
 * null, undefined and bigint are returned as is; strings too unless they start with
 * NUL (then escaped as NUL + 's' + string). Arrays, plain objects (keys sorted),
 * Dates and typed arrays become NUL + a type-tagged, length-prefixed canonical form,
 * which can collide neither with a real string nor with each other.
 * Class instances are keyed like plain objects by their own enumerable properties:
 * that is what they become after crossing a thread anyway.
 * @throws SluiceError for functions and symbols, which have no value identity.
 */
export function keyId(k: unknown): KeyId {
  switch (typeof k) {
    case 'string':
      return k.length > 0 && k.charCodeAt(0) === 0 ? NUL + 's' + k : k;
    case 'number':
      return k === 0 ? 0 : k;
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return k;
    default:
      return k === null ? null : NUL + canonical(k, 0);
  }
}

/** Type-tagged canonical text of any key; strings are length-prefixed so nothing is ambiguous. */
function canonical(v: unknown, depth: number): string {
  if (depth > 100) throw new SluiceError('key is nested too deeply (over 100 levels) or cyclic');
  switch (typeof v) {
    case 'string':
      return 's' + v.length + ':' + v;
    case 'number':
      return 'd' + (v === 0 ? '0' : String(v)) + ';';
    case 'boolean':
      return v ? 't' : 'f';
    case 'bigint':
      return 'b' + v.toString() + ';';
    case 'undefined':
      return 'u';
    case 'function':
    case 'symbol':
      throw new SluiceError(`a ${typeof v} cannot be used as a key (keys are compared by value)`);
  }
  if (v === null) return 'n';
  if (v instanceof Map || v instanceof Set) throw noCollectionKeys();
  if (v instanceof Date) return 'D' + String(v.getTime()) + ';';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const a = v as ArrayLike<unknown>;
    let out = '[';
    for (let i = 0; i < a.length; i++) out += canonical(a[i], depth + 1);
    return out + ']';
  }
  const o = v as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(o).sort()) out += 's' + key.length + ':' + key + canonical(o[key], depth + 1);
  return out + '}';
}

function noCollectionKeys(): SluiceError {
  return new SluiceError('a Map or Set cannot be used as a key: use a sorted array of its entries instead');
}

// ---------------------------------------------------------------- hashing

/** murmur3 finalizer: good avalanche for a 32-bit state. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then the murmur3 finalizer (FNV alone has weak low bits). */
function hashString(s: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h ^ s.length);
}

/**
 * Non-negative 32-bit hash, equal for keys equal by value (see keyId) and stable
 * across threads, processes and runs: no seeds, no object identity.
 */
export function hashKey(k: unknown): number {
  switch (typeof k) {
    case 'string':
      return hashString(k, 0);
    case 'number': {
      if (Number.isSafeInteger(k)) {
        // Mix the high and low 32-bit halves; -0 is a safe integer equal to 0 and hashes like it.
        const lo = k >>> 0 === k ? k : k % 0x100000000 >>> 0;
        const hi = Math.floor(k / 0x100000000) | 0;
        return fmix(lo ^ Math.imul(fmix(hi), 0x9e3779b1));
      }
      return hashString(String(k), 0x5bd1e995);
    }
    case 'boolean':
      return k ? 0x4a7c15 : 0x1b873593;
    case 'undefined':
      return 0x2f1a3b;
    case 'bigint':
      return hashString(k.toString(), 0x27d4eb2f);
    default:
      return k === null ? 0x6e11 : hashString(canonical(k, 0), 0x165667b1);
  }
}

// ---------------------------------------------------------------- ordering

/** Rank of each kind of key in the total order. */
function rank(v: unknown): number {
  switch (typeof v) {
    case 'undefined': return 0;
    case 'boolean': return 2;
    case 'number': return 3;
    case 'bigint': return 4;
    case 'string': return 5;
    case 'object':
      if (v === null) return 1;
      if (v instanceof Date) return 6;
      if (v instanceof Map || v instanceof Set) throw noCollectionKeys();
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return 7;
      return 8;
    default:
      throw new SluiceError(`a ${typeof v} cannot be used as a key (keys are compared by value)`);
  }
}

function cmpNum(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0; // also -0 vs 0
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1; // NaN last among numbers, equal to itself
}

/**
 * Total order by value, consistent with keyId: `compareKeys(a, b) === 0` iff
 * `keyId(a) === keyId(b)`. Order of kinds: undefined < null < booleans < numbers
 * (NaN last) < bigints < strings (UTF-16 code units) < Dates < arrays
 * (lexicographic, shorter first) < plain objects (by sorted entries).
 */
export function compareKeys(a: unknown, b: unknown): number {
  const ta = typeof a;
  if (ta === typeof b) {
    // Fast paths for the common cases.
    if (ta === 'string') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    if (ta === 'number') return cmpNum(a as number, b as number);
  }
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0: case 1: return 0;
    case 2: return a === b ? 0 : a ? 1 : -1;
    case 4: return (a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0;
    case 6: return cmpNum((a as Date).getTime(), (b as Date).getTime());
    case 7: {
      const x = a as ArrayLike<unknown>;
      const y = b as ArrayLike<unknown>;
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareKeys(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
    }
    default: {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      const kx = Object.keys(x).sort();
      const ky = Object.keys(y).sort();
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        if (kx[i] !== ky[i]) return kx[i]! < ky[i]! ? -1 : 1;
        const c = compareKeys(x[kx[i]!], y[ky[i]!]);
        if (c !== 0) return c;
      }
      return kx.length < ky.length ? -1 : kx.length > ky.length ? 1 : 0;
    }
  }
}

// ---------------------------------------------------------------- sizes

const SAMPLE = 32;

/**
 * Rough bytes a value occupies on the V8 heap, for memory budgets. Cheap: large
 * arrays/maps are sampled and extrapolated, and recursion stops at depth 8.
 */
export function estimateSize(v: unknown, depth = 0): number {
  switch (typeof v) {
    case 'number': return 8;
    case 'string': return 16 + 2 * v.length;
    case 'boolean': case 'undefined': return 4;
    case 'bigint': return 16 + 8 * Math.ceil(v.toString(16).length / 16);
    case 'function': case 'symbol': return 32;
  }
  if (v === null) return 4;
  if (depth >= 8) return 64;
  if (Array.isArray(v)) return 16 + 8 * v.length + sampled(v, v.length, depth);
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (v instanceof ArrayBuffer) return 32 + v.byteLength;
  if (v instanceof Date) return 32;
  if (v instanceof Map) {
    const entries: unknown[] = [];
    for (const [k, x] of v) { entries.push(k, x); if (entries.length >= 2 * SAMPLE) break; }
    return 64 + 40 * v.size + (entries.length ? (sampled(entries, entries.length, depth) * v.size * 2) / entries.length : 0);
  }
  if (v instanceof Set) {
    const items: unknown[] = [];
    for (const x of v) { items.push(x); if (items.length >= SAMPLE) break; }
    return 64 + 24 * v.size + (items.length ? (sampled(items, items.length, depth) * v.size) / items.length : 0);
  }
  let size = 32;
  let n = 0;
  for (const key in v as object) {
    // Keys are usually interned and shared between objects of one shape: count a slot only.
    size += 8 + estimateSize((v as Record<string, unknown>)[key], depth + 1);
    if (++n >= 256) break;
  }
  return size;
}

/** Sum of element sizes, sampling at most SAMPLE elements and scaling to `length`. */
function sampled(a: ArrayLike<unknown>, length: number, depth: number): number {
  if (length <= SAMPLE) {
    let s = 0;
    for (let i = 0; i < length; i++) s += estimateSize(a[i], depth + 1);
    return s;
  }
  let s = 0;
  const step = length / SAMPLE;
  for (let i = 0; i < SAMPLE; i++) s += estimateSize(a[Math.floor(i * step)], depth + 1);
  return Math.round((s * length) / SAMPLE);
}
