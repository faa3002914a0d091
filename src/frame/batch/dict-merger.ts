import { markDistinct } from './dict-distinct.js';

/**
 * Grows one dictionary from strings or whole dictionaries. Entries are merged
 * through a map of strings while that pays, that is while the dictionary stays
 * well under the entries seen; past `probe` entries that do not shrink by half,
 * the rest are appended as they are. A high-cardinality column (each shuffle
 * chunk brings new strings; a table of ten million distinct ids) would
 * otherwise cost a map insert per row, and a map as large as the column, and
 * save nothing. The result is marked distinct only if every entry was merged.
 */
export class DictMerger {
  private dict: string[] = [];
  private index: Map<string, number> | null = new Map();
  private seen = 0;

  /** `probe`: entries merged before deciding whether merging pays. */
  constructor(private readonly probe = MERGE_PROBE) {}

  /** For each entry of `from`, its code in the merged dictionary. */
  add(from: readonly string[]): Int32Array {
    const remap = new Int32Array(from.length);
    for (let i = 0; i < from.length; i++) remap[i] = this.code(from[i]!);
    return remap;
  }

  /** The code of one string. */
  code(s: string): number {
    const dict = this.dict;
    if (this.index === null) return dict.push(s) - 1;
    let c = this.index.get(s);
    if (c === undefined) {
      c = dict.length;
      dict.push(s);
      this.index.set(s, c);
    }
    if (++this.seen >= this.probe && dict.length * 2 > this.seen) this.index = null;
    return c;
  }

  /** The dictionary so far (later codes append to it: copy() first to keep it unchanged). */
  result(): string[] {
    return this.index !== null ? markDistinct(this.dict) : this.dict;
  }

  /** An independent merger holding the same entries. */
  copy(): DictMerger {
    const c = new DictMerger(this.probe);
    c.dict = this.dict.slice();
    c.index = this.index && new Map(this.index);
    c.seen = this.seen;
    return c;
  }
}

/** Dictionary entries merged before DictMerger decides whether merging pays. */
export const MERGE_PROBE = 1 << 16;

/**
 * The probe for dictionaries built value by value from a whole column (records,
 * plain Utf8 files): large, so that a column with many repeats in a long tail
 * (1e5 ids over 1e7 rows) stays distinct, which group keys rely on.
 */
export const COLUMN_MERGE_PROBE = 1 << 20;
