import { MERGE_PROBE } from './dict-merger.js';
import { MAX_ENTRIES } from './recent-dicts.js';
import type { ColumnVector } from './vector.js';
import { Utf8DictBuilder } from './utf8-dict-builder.js';
import { stringVector, Utf8Dict } from './utf8-dict.js';

/**
 * String vectors that each carry a dictionary of their own (a Parquet file's row groups each
 * bring one, so a table read from Parquet has a hundred dictionaries of mostly the same strings),
 * re-coded to share ONE dictionary. Downstream, per-dictionary work then happens once per
 * partition instead of once per row group: a cache writes the dictionary once, and a group-by on
 * the column codes its keys without a string lookup (one distinct dictionary).
 *
 * Entries are merged as UTF-8 bytes (Utf8DictBuilder: no JS strings), one lookup per entry of
 * each distinct input dictionary, not per row. Merging pays while dictionaries repeat each other's
 * entries; once the union holds `probe` entries and a dictionary brings more than half of its
 * entries as new ones (a column of unique ids), the rest are appended as they are: the result then has one handle but may
 * repeat entries, and is not marked distinct. Vectors with a decoded (string[]) dictionary are
 * left as they are.
 *
 * A merged dictionary of at most `sortUpTo` entries is put in byte order: partitions holding
 * the same set of strings (every partition of a table sees all 100,000 values of h2o's `id3`)
 * then carry byte-identical dictionaries, which shuffle readers recognise as one (recent-dicts.ts)
 * and translate once per reduce task instead of once per map output.
 */
export function unifyStringVectors(vectors: readonly ColumnVector[], probe = MERGE_PROBE, sortUpTo = MAX_ENTRIES): ColumnVector[] {
  const handles = new Set<Utf8Dict>();
  for (const v of vectors) if (v.utf8) handles.add(v.utf8);
  if (handles.size <= 1) return vectors.slice();
  const u = new DictUnion(probe);
  const remaps = new Map<Utf8Dict, Int32Array>();
  for (const h of handles) remaps.set(h, u.add(h));
  let dict = u.finish();
  if (dict.distinct && dict.length > 1 && dict.length <= sortUpTo) {
    const order = byteOrder(dict);
    const rank = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) rank[order[k]!] = k;
    for (const remap of remaps.values()) for (let i = 0; i < remap.length; i++) remap[i] = rank[remap[i]!]!;
    dict = dict.pick(order);
  }
  return vectors.map((v) => {
    if (!v.utf8) return v;
    const remap = remaps.get(v.utf8)!;
    const codes = v.values as Int32Array;
    const next = new Int32Array(v.length);
    // Null rows may hold any code (0 in an empty dictionary): they map to 0.
    for (let i = 0; i < v.length; i++) next[i] = remap[codes[i]!] ?? 0;
    return stringVector(v.length, next, dict, v.validity, v.nullCount);
  });
}

/** Dictionaries merged into one (see unifyStringVectors). */
class DictUnion {
  private readonly builder = new Utf8DictBuilder();
  /** Dictionaries appended whole after merging stopped. */
  private readonly appended: Utf8Dict[] = [];
  private size = 0;
  private merging = true;

  constructor(private readonly probe: number) {}

  /** For each entry of `d`, its code in the union. */
  add(d: Utf8Dict): Int32Array {
    const n = d.length;
    const remap = new Int32Array(n);
    if (!this.merging) {
      for (let i = 0; i < n; i++) remap[i] = this.size + i;
      this.appended.push(d);
      this.size += n;
      return remap;
    }
    const data = d.source.data[0]!;
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const b = this.builder;
    const before = b.size;
    for (let i = 0; i < n; i++) remap[i] = b.code(bytes, offsets[i]!, offsets[i + 1]!);
    this.size = b.size;
    if (before >= this.probe && (b.size - before) * 2 > n) this.merging = false;
    return remap;
  }

  /** The union: distinct when every dictionary was merged. */
  finish(): Utf8Dict {
    const merged = this.builder.finish();
    return this.appended.length === 0 ? merged : Utf8Dict.concat([merged, ...this.appended]);
  }
}

/** The entries of `dict` in byte order (unsigned bytes, then length): a permutation of 0..length-1. */
function byteOrder(dict: Utf8Dict): Int32Array {
  const data = dict.source.data[0]!;
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const order = new Int32Array(dict.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((x, y) => {
    const a = offsets[x]!;
    const b = offsets[y]!;
    const la = offsets[x + 1]! - a;
    const lb = offsets[y + 1]! - b;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = bytes[a + i]! - bytes[b + i]!;
      if (d !== 0) return d;
    }
    return la - lb;
  });
}
