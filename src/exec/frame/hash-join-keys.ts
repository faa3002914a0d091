import type { ColumnVector } from '../../frame/batch/vector.js';
import { fmix32, hashRows } from '../../frame/batch/hash.js';
import { typeName } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';

/**
 * Join keys of one batch, normalized so that rows of both sides compare by
 * value: every key becomes a Float64Array (numbers as numbers, so int32 3 and
 * float64 3.0 are equal; -0 as 0; bools as 0/1; strings as ids interned by
 * content, shared by both sides through one {@link StringInterner}).
 */
export interface KeyRows {
  readonly length: number;
  /** Per-row hash of the key values by content (independent of dictionaries and interning). */
  readonly hash: Int32Array;
  /** Per key column, the normalized values (-1 for probe strings the build side never saw: equal to no id). NaN equals NaN. */
  readonly values: Float64Array[];
  /** 1 where some key is null (such rows never match), or null when no key is null. */
  readonly nullKey: Uint8Array | null;
}

/** The id of a probe string the build side never saw: equal to no id (ids are >= 0). */
const UNKNOWN = -1;

/** Maps strings to dense ids. The build side inserts; the probe side only looks up. */
export class StringInterner {
  private readonly ids = new Map<string, number>();
  /**
   * Per dictionary, the id of each entry looked up so far (NaN: not yet), kept
   * while the dictionary lives: the batches of one stream or cached partition
   * share theirs, so each entry is looked up once, not once per batch. (The
   * build side finishes inserting before the probe side looks up, so a probe's
   * UNKNOWN stays true.)
   */
  readonly entryIds = new WeakMap<readonly string[], Float64Array>();

  id(s: string, insert: boolean): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (!insert) return UNKNOWN;
      id = this.ids.size;
      this.ids.set(s, id);
    }
    return id;
  }
}

function checkKeyType(v: ColumnVector, column: number): void {
  if (typeof v.type === 'object') throw new SluiceError(`join key #${column + 1} has type ${typeName(v.type)}: list columns cannot be join keys`);
}

/**
 * Hashes rows by the content of their key vectors (hashRows: equal numbers hash
 * alike whatever their type, strings by content), re-mixed with `seed`: one seed
 * for the table, one per grace partitioning level. With no keys every row hashes
 * alike (a cross join). Also flags rows with a null key.
 */
export function keyHashes(keys: readonly ColumnVector[], n: number, seed: number): { hash: Int32Array; nullKey: Uint8Array | null } {
  keys.forEach(checkKeyType);
  const hash = hashRows(keys, n);
  for (let i = 0; i < n; i++) hash[i] = fmix32(hash[i]! ^ seed);
  let nullKey: Uint8Array | null = null;
  for (const v of keys) {
    if (v.type === 'null') {
      (nullKey ??= new Uint8Array(n)).fill(1);
      continue;
    }
    const valid = v.validity;
    if (valid === null || v.nullCount === 0) continue;
    nullKey ??= new Uint8Array(n);
    for (let i = 0; i < n; i++) if (((valid[i >> 3]! >> (i & 7)) & 1) === 0) nullKey[i] = 1;
  }
  return { hash, nullKey };
}

/** The normalized key values of one batch (see {@link KeyRows}); `insert`: add unseen strings to the interner (build side). */
export function keyValues(keys: readonly ColumnVector[], n: number, interner: StringInterner, insert: boolean): Float64Array[] {
  return keys.map((v, k) => {
    checkKeyType(v, k);
    const out = new Float64Array(n);
    if (v.type === 'null') return out;
    if (v.type === 'string') {
      const dict = v.dict!;
      const codes = v.values as Int32Array;
      let cache = interner.entryIds.get(dict);
      if (cache === undefined) interner.entryIds.set(dict, (cache = new Float64Array(dict.length).fill(NaN)));
      for (let i = 0; i < n; i++) {
        const c = codes[i]!;
        if (c < 0 || c >= dict.length) continue; // a null row's arbitrary code
        let id = cache[c]!;
        if (id !== id) id = cache[c] = interner.id(dict[c]!, insert);
        out[i] = id;
      }
      return out;
    }
    const vals = v.values!;
    for (let i = 0; i < n; i++) out[i] = vals[i]! + 0;
    return out;
  });
}

/** Hash and normalized values of one batch's keys. */
export function keyRows(keys: readonly ColumnVector[], n: number, seed: number, interner: StringInterner, insert: boolean): KeyRows {
  const { hash, nullKey } = keyHashes(keys, n, seed);
  return { length: n, hash, nullKey, values: keyValues(keys, n, interner, insert) };
}

/** Concatenates the key rows of several batches (the build side, in arrival order). */
export function concatKeyRows(parts: readonly KeyRows[], numKeys: number): KeyRows {
  let n = 0;
  for (const p of parts) n += p.length;
  const hash = new Int32Array(n);
  const values = Array.from({ length: numKeys }, () => new Float64Array(n));
  let nullKey: Uint8Array | null = null;
  let at = 0;
  for (const p of parts) {
    hash.set(p.hash, at);
    for (let k = 0; k < numKeys; k++) values[k]!.set(p.values[k]!, at);
    if (p.nullKey) (nullKey ??= new Uint8Array(n)).set(p.nullKey, at);
    at += p.length;
  }
  return { length: n, hash, values, nullKey };
}

/** Bytes held by key rows (for budget reservations). */
export function keyRowsBytes(n: number, numKeys: number): number {
  return n * (4 + 1 + 8 * numKeys);
}
