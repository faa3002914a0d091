import { markDistinct } from './dict-distinct.js';

/** The code of `s` in `dict`, appended (and entered in `index`) when it is not there yet. */
export function codeOf(dict: string[], index: Map<string, number>, s: string): number {
  let c = index.get(s);
  if (c === undefined) {
    c = dict.length;
    dict.push(s);
    index.set(s, c);
  }
  return c;
}

/**
 * Appends dictionaries into one. Entries are merged through a map of strings
 * while that pays, that is while the merged dictionary stays well under the
 * entries seen; past MERGE_PROBE entries that do not shrink by half, the rest
 * are appended as they are. A high-cardinality column (each shuffle chunk
 * brings new strings) would otherwise cost a map insert per row and save
 * nothing. The result is marked distinct only if every entry was merged.
 */
export class DictMerger {
  private readonly dict: string[] = [];
  private index: Map<string, number> | null = new Map();
  private seen = 0;

  /** For each entry of `from`, its code in the merged dictionary. */
  add(from: readonly string[]): Int32Array {
    const remap = new Int32Array(from.length);
    const dict = this.dict;
    const index = this.index;
    if (index === null) {
      for (let i = 0; i < from.length; i++) {
        remap[i] = dict.length;
        dict.push(from[i]!);
      }
      return remap;
    }
    for (let i = 0; i < from.length; i++) remap[i] = codeOf(dict, index, from[i]!);
    this.seen += from.length;
    if (this.seen >= MERGE_PROBE && dict.length * 2 > this.seen) this.index = null;
    return remap;
  }

  result(): string[] {
    return this.index !== null ? markDistinct(this.dict) : this.dict;
  }
}

/** Dictionary entries merged before DictMerger decides whether merging pays. */
const MERGE_PROBE = 1 << 16;
