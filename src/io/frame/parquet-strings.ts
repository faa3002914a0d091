import * as arrow from 'apache-arrow';
import { Utf8DictBuilder } from '../../frame/batch/utf8-dict-builder.js';
import { stringVector, Utf8Dict } from '../../frame/batch/utf8-dict.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';

/** Where a string column chunk that is not wholly dictionary-encoded codes its values. */
export interface StringCoding {
  builder: Utf8DictBuilder;
  /** The dictionary the returned vector names: final, or a placeholder that PartitionStrings.seal replaces. */
  dict: Utf8Dict | null;
}

/**
 * One byte dictionary per string column across the row groups of a partition. Writers store a
 * high-cardinality column (ids) PLAIN once its dictionary stops paying, so every row group would
 * otherwise build a dictionary of its own, and the partition would then merge them all again
 * (dict-unify.ts), one hash lookup per entry of each. Coded into one builder, each value costs one
 * lookup, and the partition's batches share one dictionary.
 *
 * The vectors made before the dictionary is final name a placeholder: `seal` must run on every
 * batch read with this object before any of them leaves the scan.
 */
export class PartitionStrings {
  private readonly columns = new Map<string, { builder: Utf8DictBuilder; dict: Utf8Dict }>();

  /** The coding of column `name` (one per column until the next seal). */
  coding(name: string): StringCoding {
    let c = this.columns.get(name);
    if (!c) this.columns.set(name, (c = { builder: new Utf8DictBuilder(), dict: placeholder() }));
    return c;
  }

  /** `batches` with each placeholder replaced by its finished dictionary; the next batches start new ones. */
  seal(batches: ColumnBatch[]): ColumnBatch[] {
    if (this.columns.size === 0) return batches;
    const final = new Map<Utf8Dict, Utf8Dict>();
    for (const c of this.columns.values()) final.set(c.dict, c.builder.finish());
    this.columns.clear();
    return batches.map((b) => {
      if (!b.columns.some((v) => v.utf8 && final.has(v.utf8))) return b;
      const columns = b.columns.map((v): ColumnVector => {
        const d = v.utf8 && final.get(v.utf8);
        return d ? stringVector(v.length, v.values as Int32Array, d, v.validity, v.nullCount) : v;
      });
      return { ...b, columns };
    });
  }
}

/** An empty dictionary object, told apart by identity. */
function placeholder(): Utf8Dict {
  const data = arrow.makeData({ type: new arrow.Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) });
  return new Utf8Dict(arrow.makeVector(data), true);
}
