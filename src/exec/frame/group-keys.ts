import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';
import { keyCoder, type KeyCoder } from './group-key-coders.js';
import { NumberIdMap, fmix32 } from './group-number-map.js';
import { growI32 } from './group-vectors.js';
import { SluiceError } from '../../util/errors.js';

/** Composite keys are packed into float64s, exact up to 2^53. */
const MAX_BITS = 53;
/** Bits given to a column or a stage before its cardinality asks for more. */
const MIN_BITS = 8;

interface Stage {
  cols: number[];
  /** Bits of each column of `cols` (a column's codes are < 2^bits). */
  bits: number[];
  /** Bits of the previous stage's ids (0 for the first stage). */
  prefixBits: number;
  map: NumberIdMap;
}

/**
 * Assigns dense group ids (0, 1, 2... in order of first appearance) to rows by
 * the values of their key columns; nulls form their own group.
 *
 * Each key column is first turned into per-row codes by its KeyCoder (strings:
 * via the batch's dictionary, one lookup per entry; numbers: a NumberIdMap).
 * With one key, the code is the group id. With several, codes are packed into
 * one float64 per row (bits per column from its cardinality) and looked up in a
 * NumberIdMap; if they need more than 53 bits, columns are packed in stages:
 * each stage maps (previous stage's id, its columns) to a new id. When a
 * cardinality outgrows its bits the stages are rebuilt from the stored codes of
 * every group (rare: bit widths double).
 */
export class GroupKeys {
  private readonly coders: KeyCoder[];
  private readonly codes: Int32Array[] = [];
  /** Per key column, the code of each group (several keys only). */
  private groupCodes: Int32Array<ArrayBuffer>[];
  private stages: Stage[] = [];
  private colBits: number[];
  private ids = new Int32Array(0);
  private acc = new Float64Array(0);
  /** Number of groups. */
  size = 0;

  constructor(readonly types: readonly DataType[]) {
    this.coders = types.map(keyCoder);
    this.groupCodes = types.length > 1 ? types.map(() => new Int32Array(1024)) : [];
    this.colBits = types.map(() => MIN_BITS);
    if (types.length > 1) this.plan();
  }

  /**
   * The group id of each row 0..n-1 of the key vectors, adding new groups as
   * needed. The returned array is reused by the next call.
   */
  assign(keys: readonly ColumnVector[], n: number): Int32Array {
    if (this.ids.length < n) this.ids = new Int32Array(Math.max(n, 1024));
    const ids = this.ids;
    const k = this.coders.length;
    if (k === 0) {
      ids.fill(0, 0, n);
      if (n > 0) this.size = Math.max(this.size, 1);
      return ids;
    }
    if (k === 1) {
      this.coders[0]!.encode(keys[0]!, n, ids);
      this.size = this.coders[0]!.size;
      return ids;
    }
    for (let c = 0; c < k; c++) {
      if ((this.codes[c]?.length ?? 0) < n) this.codes[c] = new Int32Array(Math.max(n, 1024));
      this.coders[c]!.encode(keys[c]!, n, this.codes[c]!);
    }
    if (this.needsReplan(n)) this.rebuild();
    this.lookup(this.codes, n, ids, true);
    return ids;
  }

  /** Makes sure group 0 exists (a global aggregate outputs one row even for empty input). */
  ensureOneGroup(): void {
    if (this.coders.length === 0) this.size = Math.max(this.size, 1);
  }

  /** The key columns of groups 0..size-1. */
  vectors(): ColumnVector[] {
    const n = this.size;
    if (this.coders.length === 1) {
      const identity = new Int32Array(n);
      for (let g = 0; g < n; g++) identity[g] = g;
      return [this.coders[0]!.vector(identity, n)];
    }
    return this.coders.map((c, i) => c.vector(this.groupCodes[i]!, n));
  }

  /** A hash of each group's key values (stable across GroupKeys instances), for spill partitioning. */
  hashes(): Uint32Array {
    const n = this.size;
    const out = new Uint32Array(n);
    const k = this.coders.length;
    for (let g = 0; g < n; g++) {
      let h = 0x9747b28c;
      for (let c = 0; c < k; c++) h = fmix32(h ^ this.coders[c]!.hash(k === 1 ? g : this.groupCodes[c]![g]!)) + c;
      out[g] = fmix32(h);
    }
    return out;
  }

  /** Approximate bytes held. */
  bytes(): number {
    let b = 0;
    for (const c of this.coders) b += c.bytes();
    for (const s of this.stages) b += s.map.bytes();
    for (const g of this.groupCodes) b += g.byteLength;
    return b;
  }

  /** Runs rows through the stages; with `record`, new final-stage ids become groups (their codes stored). */
  private lookup(codes: readonly Int32Array[], n: number, ids: Int32Array, record: boolean): void {
    if (this.acc.length < n) this.acc = new Float64Array(Math.max(n, 1024));
    const acc = this.acc;
    const last = this.stages.length - 1;
    for (let s = 0; s <= last; s++) {
      const st = this.stages[s]!;
      if (s === 0) acc.fill(0, 0, n);
      else for (let i = 0; i < n; i++) acc[i] = ids[i]!;
      for (let j = 0; j < st.cols.length; j++) {
        const col = codes[st.cols[j]!]!;
        const mult = 2 ** st.bits[j]!;
        for (let i = 0; i < n; i++) acc[i] = acc[i]! * mult + col[i]!;
      }
      const map = st.map;
      if (s < last || !record) {
        for (let i = 0; i < n; i++) ids[i] = map.getOrAdd(acc[i]!);
        continue;
      }
      let size = this.size;
      for (let i = 0; i < n; i++) {
        const g = map.getOrAdd(acc[i]!);
        if (g === size) {
          if (size >= this.groupCodes[0]!.length) this.groupCodes = this.groupCodes.map((a) => growI32(a, size + 1));
          for (let c = 0; c < codes.length; c++) this.groupCodes[c]![size] = codes[c]![i]!;
          size++;
        }
        ids[i] = g;
      }
      this.size = size;
    }
  }

  /** Whether a column's cardinality or a stage's id count (after up to n more) outgrows its bits. */
  private needsReplan(n: number): boolean {
    for (let c = 0; c < this.coders.length; c++) if (this.coders[c]!.size > 2 ** this.colBits[c]!) return true;
    for (let s = 1; s < this.stages.length; s++) if (this.stages[s - 1]!.map.size + n > 2 ** this.stages[s]!.prefixBits) return true;
    return false;
  }

  /** Recomputes bit widths and stages, then re-inserts every group in order (so group ids stay the same). */
  private rebuild(): void {
    this.colBits = this.coders.map((c, i) => Math.max(this.colBits[i]!, bitsFor(c.size)));
    const n = this.size;
    // Room for 4x the groups (plus a batch) before the prefix ids outgrow their bits again.
    this.plan(4 * n + (this.ids.length || 1024), 2 * n);
    if (n === 0) return;
    const ids = new Int32Array(n);
    const codes = this.groupCodes.map((a) => a.subarray(0, n));
    this.lookup(codes, n, ids, false);
  }

  /** Packs columns into stages of at most 53 bits; later stages start from the previous stage's id (`idRoom` ids). Maps are sized for `expected` keys. */
  private plan(idRoom = 1 << 16, expected = 1024): void {
    const prefixBits = Math.max(MIN_BITS, bitsFor(idRoom));
    const stages: Stage[] = [];
    let cur: Stage = { cols: [], bits: [], prefixBits: 0, map: new NumberIdMap(expected) };
    let used = 0;
    for (let c = 0; c < this.coders.length; c++) {
      const b = this.colBits[c]!;
      if (used + b > MAX_BITS && cur.cols.length > 0) {
        stages.push(cur);
        cur = { cols: [], bits: [], prefixBits, map: new NumberIdMap(expected) };
        used = prefixBits;
      }
      cur.cols.push(c);
      cur.bits.push(b);
      used += b;
      if (used > MAX_BITS) throw new SluiceError(`group by: too many distinct key combinations to pack (key column ${c} needs ${b} bits after ${used - b})`);
    }
    stages.push(cur);
    this.stages = stages;
  }
}

/** Bits needed for codes 0..n-1 (at least 1). */
function bitsFor(n: number): number {
  let b = 1;
  while (2 ** b < n) b++;
  return b;
}
