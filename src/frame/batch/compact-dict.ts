import { isValid, type ColumnBatch, type ColumnVector } from './vector.js';
import { isDistinct, markDistinct } from './dict-distinct.js';
import { MAX_ENTRIES } from './recent-dicts.js';
import { dictHandle, dictSize, stringVector, Utf8Dict, type DictHandle } from './utf8-dict.js';

/**
 * The string column with a dictionary of only the entries its rows use. Slices
 * and filtered batches keep their parent's whole dictionary; written as is,
 * every shuffle chunk would carry (and every reader decode) all of it.
 */
export function compactDict(v: ColumnVector): ColumnVector {
  if (v.type !== 'string' || dictSize(v) <= 64) return v;
  return cutDict(dictHandle(v), [v])?.[0] ?? v;
}

/**
 * Vectors that all use `dict`, re-coded to share a dictionary of only the
 * entries they use (in the order of `dict`); null when that would not shrink
 * it by a tenth. The work is per row, not per dictionary entry: a scratch code
 * map is reset after use (a shuffle chunk of 8k rows may index a dictionary of
 * millions). A dictionary still in UTF-8 is cut as bytes, without decoding.
 */
function cutDict(dict: DictHandle, vectors: readonly ColumnVector[]): ColumnVector[] | null {
  if (scratch.length < dict.length) scratch = new Int32Array(Math.max(dict.length, scratch.length * 2)).fill(-1);
  const remap = scratch;
  let rows = 0;
  for (const v of vectors) rows += v.length;
  const touched = new Int32Array(Math.min(rows, dict.length));
  let used = 0;
  for (const v of vectors) {
    const codes = v.values as Int32Array;
    for (let i = 0; i < v.length; i++) {
      if (v.nullCount > 0 && !isValid(v, i)) continue;
      const c = codes[i]!;
      if (remap[c] === -1) {
        remap[c] = used;
        touched[used++] = c;
      }
    }
  }
  let out: ColumnVector[] | null = null;
  if (used <= dict.length * 0.9) {
    // Entries in dictionary order: the gather then reads the source front to back instead of at
    // random (two cache and TLB misses per entry of a dictionary of millions).
    const picks = touched.subarray(0, used).sort();
    for (let k = 0; k < used; k++) remap[picks[k]!] = k;
    const small = dict instanceof Utf8Dict ? dict.pick(picks) : pickStrings(dict, picks);
    out = vectors.map((v) => {
      const codes = v.values as Int32Array;
      const next = new Int32Array(v.length);
      for (let i = 0; i < v.length; i++) next[i] = Math.max(0, remap[codes[i]!]!);
      return stringVector(v.length, next, small, v.validity, v.nullCount);
    });
  }
  for (let k = 0; k < used; k++) remap[touched[k]!] = -1;
  return out;
}

function pickStrings(dict: readonly string[], picks: Int32Array): string[] {
  const small = new Array<string>(picks.length);
  for (let k = 0; k < picks.length; k++) small[k] = dict[picks[k]!]!;
  if (isDistinct(dict)) markDistinct(small);
  return small;
}

/** Code map scratch of cutDict: -1 everywhere between calls. */
let scratch = new Int32Array(0);

export function compactDicts(batch: ColumnBatch): ColumnBatch {
  if (!batch.columns.some((c) => c.type === 'string')) return batch;
  return { ...batch, columns: batch.columns.map(compactDict) };
}

/**
 * Batches that share string dictionaries (slices of one table, one cache
 * stream), each shared dictionary cut down to the entries some batch uses; the
 * batches still share the smaller dictionary. Batches with their own
 * dictionaries are compacted one by one. With `keepRepeatable`, a shared
 * dictionary is kept whole when it has at most twice as many entries as the
 * batches have rows, or at most eight times as many and few enough for readers
 * to remember (recent-dicts.ts): the next group of batches then writes the same
 * bytes, which readers decode once and translate once. (h2o q10's 100k-entry
 * `id3`, cut to each 64k-row shuffle chunk, was translated chunk by chunk:
 * a string lookup per entry per chunk.)
 */
export function compactSharedDicts(batches: readonly ColumnBatch[], keepRepeatable = false): ColumnBatch[] {
  const first = batches[0];
  if (!first) return [];
  let rows = 0;
  for (const b of batches) rows += b.numRows;
  const columns: ColumnVector[][] = batches.map((b) => [...b.columns]);
  first.columns.forEach((v, c) => {
    if (v.type !== 'string' || dictSize(v) <= 64) return;
    const dict = dictHandle(v);
    if (!batches.every((b) => dictHandle(b.columns[c]!) === dict)) {
      batches.forEach((b, i) => (columns[i]![c] = compactDict(b.columns[c]!)));
      return;
    }
    if (keepRepeatable && dict.length <= Math.max(2 * rows, Math.min(MAX_ENTRIES, 8 * rows))) return;
    const cut = cutDict(dict, batches.map((b) => b.columns[c]!));
    if (cut) cut.forEach((col, i) => (columns[i]![c] = col));
  });
  return batches.map((b, i) => ({ ...b, columns: columns[i]! }));
}
