import { markDistinct } from '../../frame/batch/dict-distinct.js';
import { hashString } from '../../frame/batch/hash.js';
import { Utf8DictBuilder } from '../../frame/batch/utf8-dict-builder.js';
import { dictHandle, dictSize, hasDistinctDict, stringVector, Utf8Dict, type DictHandle } from '../../frame/batch/utf8-dict.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { KeyCoder } from './group-key-coders.js';
import { NULL_HASH, nullBitmap, validAt } from './group-vectors.js';

/** Translation tables a StringCoder keeps (the streams of one map output repeat a dictionary; see recent-dicts.ts). */
const RECENT_TRANSLATIONS = 4;

/**
 * string: per-batch dictionary codes are translated once per dictionary entry (not once per row).
 * Entries of dictionaries still in UTF-8 (read from a cache, a shuffle or a Parquet file) are
 * looked up by their bytes: a reduce task that meets the same 100,000 strings in the dictionary of
 * every map output decodes and hashes each as a JS string once, not once per map output.
 */
export class StringCoder implements KeyCoder {
  private readonly map = new Map<string, number>();
  private readonly strings: string[] = [];
  private nullCode = -1;
  /** For the last few dictionaries seen, their codes' group-key codes (-1: not looked up yet); most recent first. */
  private transDicts: DictHandle[] = [];
  private trans: Int32Array[] = [];
  /** Large dictionaries seen once (translated row by row, see encode). */
  private seenOnce = new WeakSet<DictHandle>();
  private chars = 0;
  /**
   * While every batch so far used one dictionary (slices of one table, a cached
   * partition) that is known to be distinct, codes need no string lookups.
   * The map of strings is built when a second dictionary shows up.
   */
  private singleDict: DictHandle | null = null;
  private mapBuilt = true;
  /** UTF-8 entries seen so far, by bytes, and the code of each (-1: not looked up yet). */
  private byteIndex: Utf8DictBuilder | null = null;
  private byteCodes = new Int32Array(0);

  get size(): number {
    return this.strings.length;
  }

  encode(v: ColumnVector, n: number, out: Int32Array): void {
    const dict = dictHandle(v);
    const size = dictSize(v);
    const codes = v.values as Int32Array;
    const validity = v.validity;
    if (this.strings.length === 0 && this.singleDict === null && this.mapBuilt && hasDistinctDict(v)) {
      this.singleDict = dict;
      this.mapBuilt = false;
    } else if (!this.mapBuilt && dict !== this.singleDict) {
      this.strings.forEach((x, i) => i !== this.nullCode && this.map.set(x, i));
      this.mapBuilt = true;
    }
    let trans = this.translation(dict);
    if (trans === undefined || trans.length < size) {
      // A dictionary far larger than the batch is translated row by row the first time it is
      // seen; one that comes back (batches of one stream, repeated stream dictionaries) gets a
      // translation table, filled as codes show up.
      if (trans === undefined && this.mapBuilt && size > 4 * n + 1024 && !this.seenOnce.has(dict)) {
        this.seenOnce.add(dict);
        for (let i = 0; i < n; i++) out[i] = validAt(validity, i) ? this.entryCode(dict, codes[i]!) : this.nullId();
        return;
      }
      const fresh = new Int32Array(size).fill(-1);
      if (trans) fresh.set(trans);
      this.remember(dict, (trans = fresh));
    }
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) {
        out[i] = this.nullId();
        continue;
      }
      const c = codes[i]!;
      let t = trans[c]!;
      if (t < 0) t = trans[c] = this.entryCode(dict, c);
      out[i] = t;
    }
  }

  vector(codes: Int32Array, n: number): ColumnVector {
    const values = new Int32Array(n);
    const { validity, nullCount } = nullBitmap(codes, n, this.nullCode);
    const single = this.mapBuilt ? undefined : this.translation(this.singleDict!);
    if (single !== undefined) {
      // Every key came from one dictionary: code the output into it, so that it travels on
      // as the input's dictionary (one dictionary for all of a cached table's partial
      // aggregates, which readers then decode and translate once).
      const entry = new Int32Array(this.strings.length);
      for (let c = 0; c < single.length; c++) if (single[c]! >= 0) entry[single[c]!] = c;
      for (let i = 0; i < n; i++) if (codes[i] !== this.nullCode) values[i] = entry[codes[i]!]!;
      return stringVector(n, values, this.singleDict!, validity, nullCount);
    }
    for (let i = 0; i < n; i++) if (codes[i] !== this.nullCode) values[i] = codes[i]!;
    return { type: 'string', length: n, values, dict: markDistinct(this.strings), validity, nullCount };
  }

  hash(code: number): number {
    return code === this.nullCode ? NULL_HASH : hashString(this.strings[code]!);
  }

  bytes(): number {
    // Map entry + array slot + string header, plus two bytes per character.
    let trans = 0;
    for (const t of this.trans) trans += t.byteLength;
    return this.strings.length * 80 + this.chars * 2 + trans + (this.byteIndex?.byteLength() ?? 0) + this.byteCodes.byteLength;
  }

  /** The code of entry `c` of `dict`. */
  private entryCode(dict: DictHandle, c: number): number {
    if (dict instanceof Utf8Dict) return this.mapBuilt ? this.bytesCode(dict, c) : this.code(dict.strings()[c]!);
    return this.code(dict[c]!);
  }

  /** The code of a UTF-8 entry, found by its bytes; its string is looked up only the first time these bytes come. */
  private bytesCode(dict: Utf8Dict, c: number): number {
    const data = dict.source.data[0]!;
    const offsets = data.valueOffsets as Int32Array;
    const index = (this.byteIndex ??= new Utf8DictBuilder());
    const b = index.code(data.values as Uint8Array, offsets[c]!, offsets[c + 1]!);
    if (b >= this.byteCodes.length) {
      const grown = new Int32Array(Math.max(1024, this.byteCodes.length * 2)).fill(-1);
      grown.set(this.byteCodes);
      this.byteCodes = grown;
    }
    let code = this.byteCodes[b]!;
    if (code < 0) code = this.byteCodes[b] = this.code(dict.entry(c));
    return code;
  }

  /** The translation table of `dict` if it is one of the last few seen (moved to the front). */
  private translation(dict: DictHandle): Int32Array | undefined {
    const i = this.transDicts.indexOf(dict);
    if (i < 0) return undefined;
    const t = this.trans[i]!;
    if (i > 0) {
      this.transDicts.splice(i, 1);
      this.trans.splice(i, 1);
      this.transDicts.unshift(dict);
      this.trans.unshift(t);
    }
    return t;
  }

  private remember(dict: DictHandle, t: Int32Array): void {
    const i = this.transDicts.indexOf(dict);
    if (i >= 0) {
      this.transDicts.splice(i, 1);
      this.trans.splice(i, 1);
    }
    this.transDicts.unshift(dict);
    this.trans.unshift(t);
    if (this.transDicts.length > RECENT_TRANSLATIONS) {
      this.transDicts.pop();
      this.trans.pop();
    }
  }

  private code(s: string): number {
    let c = this.mapBuilt ? this.map.get(s) : undefined;
    if (c === undefined) {
      c = this.strings.length;
      this.strings.push(s);
      if (this.mapBuilt) this.map.set(s, c);
      this.chars += s.length;
    }
    return c;
  }

  private nullId(): number {
    if (this.nullCode < 0) {
      this.nullCode = this.strings.length;
      this.strings.push('');
    }
    return this.nullCode;
  }
}
