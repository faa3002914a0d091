import { isValid, type ColumnBatch, type ColumnVector } from './vector.js';

/**
 * The string column with a dictionary of only the entries its rows use. Slices
 * and filtered batches keep their parent's whole dictionary; written as is,
 * every shuffle chunk would carry (and every reader decode) all of it.
 */
export function compactDict(v: ColumnVector): ColumnVector {
  const dict = v.dict;
  if (v.type !== 'string' || !dict || dict.length <= 64) return v;
  const codes = v.values as Int32Array;
  // A scratch code map reset after use: the work is per row, not per dictionary entry
  // (a shuffle chunk of 8k rows may index a dictionary of millions).
  if (scratch.length < dict.length) scratch = new Int32Array(Math.max(dict.length, scratch.length * 2)).fill(-1);
  const remap = scratch;
  const touched = new Int32Array(Math.min(v.length, dict.length));
  let used = 0;
  for (let i = 0; i < v.length; i++) {
    if (v.nullCount > 0 && !isValid(v, i)) continue;
    const c = codes[i]!;
    if (remap[c] === -1) {
      remap[c] = used;
      touched[used++] = c;
    }
  }
  let out: ColumnVector = v;
  if (used <= dict.length * 0.9) {
    const small = new Array<string>(used);
    for (let k = 0; k < used; k++) small[k] = dict[touched[k]!]!;
    const next = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) next[i] = Math.max(0, remap[codes[i]!]!);
    out = { ...v, values: next, dict: small };
  }
  for (let k = 0; k < used; k++) remap[touched[k]!] = -1;
  return out;
}

/** Code map scratch of compactDict: -1 everywhere between calls. */
let scratch = new Int32Array(0);

export function compactDicts(batch: ColumnBatch): ColumnBatch {
  if (!batch.columns.some((c) => c.type === 'string')) return batch;
  return { ...batch, columns: batch.columns.map(compactDict) };
}

/**
 * Batches that share string dictionaries (slices of one table, one cache
 * stream), each shared dictionary cut down to the entries some batch uses; the
 * batches still share the smaller dictionary. Batches with their own
 * dictionaries are compacted one by one.
 */
export function compactSharedDicts(batches: readonly ColumnBatch[]): ColumnBatch[] {
  if (batches.length <= 1) return batches.map(compactDicts);
  const first = batches[0]!;
  const columns: ColumnVector[][] = batches.map((b) => [...b.columns]);
  first.columns.forEach((v, c) => {
    if (v.type !== 'string' || !v.dict || v.dict.length <= 64) return;
    const dict = v.dict;
    if (!batches.every((b) => b.columns[c]!.dict === dict)) {
      batches.forEach((b, i) => (columns[i]![c] = compactDict(b.columns[c]!)));
      return;
    }
    const remap = new Int32Array(dict.length).fill(-1);
    let used = 0;
    for (const b of batches) {
      const col = b.columns[c]!;
      const codes = col.values as Int32Array;
      for (let i = 0; i < col.length; i++) {
        if (col.nullCount > 0 && !isValid(col, i)) continue;
        if (remap[codes[i]!] === -1) remap[codes[i]!] = used++;
      }
    }
    if (used > dict.length * 0.9) return;
    const out = new Array<string>(used);
    for (let k = 0; k < dict.length; k++) if (remap[k]! >= 0) out[remap[k]!] = dict[k]!;
    batches.forEach((b, i) => {
      const col = b.columns[c]!;
      const codes = col.values as Int32Array;
      const next = new Int32Array(col.length);
      for (let r = 0; r < col.length; r++) next[r] = Math.max(0, remap[codes[r]!]!);
      columns[i]![c] = { ...col, values: next, dict: out };
    });
  });
  return batches.map((b, i) => ({ ...b, columns: columns[i]! }));
}
