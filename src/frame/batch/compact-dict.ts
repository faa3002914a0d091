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
  const remap = new Int32Array(dict.length).fill(-1);
  let used = 0;
  for (let i = 0; i < v.length; i++) {
    if (v.nullCount > 0 && !isValid(v, i)) continue;
    const c = codes[i]!;
    if (remap[c] === -1) remap[c] = used++;
  }
  if (used > dict.length * 0.9) return v;
  const out = new Array<string>(used);
  for (let c = 0; c < dict.length; c++) if (remap[c]! >= 0) out[remap[c]!] = dict[c]!;
  const next = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) next[i] = Math.max(0, remap[codes[i]!]!);
  return { ...v, values: next, dict: out };
}

export function compactDicts(batch: ColumnBatch): ColumnBatch {
  if (!batch.columns.some((c) => c.type === 'string')) return batch;
  return { ...batch, columns: batch.columns.map(compactDict) };
}
