import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';
import { keyCoder, type KeyCoder } from './group-key-coders.js';
import { fmix32 } from '../../frame/batch/hash.js';
import { growI32 } from './group-vectors.js';

/**
 * Assigns dense group ids (0, 1, 2... in order of first appearance) to rows by
 * the values of their key columns; nulls form their own group.
 *
 * Each key column is first turned into per-row codes by its KeyCoder (strings:
 * via the batch's dictionary, one lookup per entry; numbers: a NumberIdMap).
 * With one key, the code is the group id. With several, rows are hashed over
 * their codes (column by column, in tight loops) and looked up in one
 * open-addressing table of (row hash, group id) pairs; a hit compares the hash
 * beside the id (in the same cache line), then the stored codes of the group.
 * One probe per row whatever the key width (packing codes into numbers needed
 * a second table past 53 bits, as h2o q10 does).
 */
export class GroupKeys {
  private readonly coders: KeyCoder[];
  private readonly codes: Int32Array[] = [];
  /** Per key column, the code of each group (several keys only). */
  private groupCodes: Int32Array<ArrayBuffer>[];
  /** Several keys: each group's row hash, and the table of [row hash, group id + 1] pairs by hash slot (mask + 1 slots). */
  private groupHash: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private table = new Int32Array(2 * 2048);
  private mask = 2047;
  private rowHash = new Int32Array(0);
  private ids = new Int32Array(0);
  /**
   * Two keys whose codes both stay under DIRECT_SIDE (h2o's id4 × id5, id1 × id2):
   * (group id + 1) indexed by the pair of codes, no hashing or probing. Left for
   * the hash table for good once a code outgrows it. Allocated on first use
   * (undefined until then; null once left or with other than two keys).
   */
  private direct: Int32Array | null | undefined;
  /** Number of groups. */
  size = 0;

  constructor(readonly types: readonly DataType[]) {
    this.coders = types.map(keyCoder);
    this.groupCodes = types.length > 1 ? types.map(() => new Int32Array(1024)) : [];
    this.direct = types.length === 2 ? undefined : null;
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
    if (this.direct !== null) {
      if (this.coders[0]!.size <= DIRECT_SIDE && this.coders[1]!.size <= DIRECT_SIDE) {
        this.assignDirect(n, ids, (this.direct ??= new Int32Array(DIRECT_SIDE * DIRECT_SIDE)));
        return ids;
      }
      this.leaveDirect();
    }
    this.probe(n, ids);
    return ids;
  }

  private assignDirect(n: number, ids: Int32Array, direct: Int32Array): void {
    const a = this.codes[0]!;
    const b = this.codes[1]!;
    let size = this.size;
    for (let i = 0; i < n; i++) {
      const slot = a[i]! * DIRECT_SIDE + b[i]!;
      let g1 = direct[slot]!;
      if (g1 === 0) {
        if (size >= this.groupHash.length) this.growGroups(size + 1);
        this.groupCodes[0]![size] = a[i]!;
        this.groupCodes[1]![size] = b[i]!;
        this.groupHash[size] = rowHashOf(a[i]!, b[i]!);
        direct[slot] = g1 = ++size;
      }
      ids[i] = g1 - 1;
    }
    this.size = size;
  }

  /** Moves the groups found so far into the hash table (a code outgrew the direct table). */
  private leaveDirect(): void {
    this.direct = null;
    this.rehash(Math.max(this.mask + 1, tableSlots(this.size)));
  }

  private probe(n: number, ids: Int32Array): void {
    const k = this.coders.length;
    if (this.rowHash.length < n) this.rowHash = new Int32Array(Math.max(n, 1024));
    const h = this.rowHash;
    h.fill(ROW_SEED, 0, n);
    for (let c = 0; c < k; c++) {
      const col = this.codes[c]!;
      for (let i = 0; i < n; i++) h[i] = mixCode(h[i]!, col[i]!);
    }
    for (let i = 0; i < n; i++) h[i] = fmix32(h[i]!) | 0;
    let size = this.size;
    let table = this.table;
    let mask = this.mask;
    let groupHash = this.groupHash;
    let gc = this.groupCodes;
    const codes = this.codes;
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      let slot = hi & mask;
      for (;;) {
        const g1 = table[2 * slot + 1]!;
        if (g1 === 0) {
          if (size >= groupHash.length) {
            this.growGroups(size + 1);
            groupHash = this.groupHash;
            gc = this.groupCodes;
          }
          for (let c = 0; c < k; c++) gc[c]![size] = codes[c]![i]!;
          groupHash[size] = hi;
          table[2 * slot] = hi;
          table[2 * slot + 1] = size + 1;
          ids[i] = size++;
          if (size * 2 > mask) {
            this.size = size;
            this.growTable();
            table = this.table;
            mask = this.mask;
          }
          break;
        }
        const g = g1 - 1;
        if (table[2 * slot] === hi && this.sameCodes(g, i)) {
          ids[i] = g;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    this.size = size;
  }

  private sameCodes(g: number, i: number): boolean {
    for (let c = 0; c < this.groupCodes.length; c++) if (this.groupCodes[c]![g] !== this.codes[c]![i]) return false;
    return true;
  }

  private growGroups(min: number): void {
    this.groupCodes = this.groupCodes.map((a) => growI32(a, min));
    this.groupHash = growI32(this.groupHash, min);
  }

  private growTable(): void {
    this.rehash((this.mask + 1) * 2);
  }

  /** A table of `cap` slots holding every group so far. */
  private rehash(cap: number): void {
    const table = new Int32Array(2 * cap);
    const mask = cap - 1;
    const groupHash = this.groupHash;
    for (let g = 0; g < this.size; g++) {
      const h = groupHash[g]!;
      let slot = h & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = h;
      table[2 * slot + 1] = g + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  /**
   * Bytes that {@link reserve} would allocate for `groups` groups: 0 unless
   * there are three or more keys (one key uses its coder's codes, two the
   * direct table first) and no group yet.
   */
  reserveBytes(groups: number): number {
    const k = this.coders.length;
    if (k < 3 || this.size > 0) return 0;
    return 8 * tableSlots(groups) + 4 * groups * (k + 1);
  }

  /**
   * Sizes the hash table and the group arrays for `groups` groups up front (a
   * final aggregate that knows how many state rows it will merge), so that no
   * rehash or copy happens while they arrive. See reserveBytes.
   */
  reserve(groups: number): void {
    if (this.reserveBytes(groups) === 0) return;
    const cap = tableSlots(groups);
    this.table = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.groupCodes = this.groupCodes.map(() => new Int32Array(groups));
    this.groupHash = new Int32Array(groups);
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
    b += this.table.byteLength + this.groupHash.byteLength + (this.direct?.byteLength ?? 0);
    for (const g of this.groupCodes) b += g.byteLength;
    return b;
  }
}

/** Slots of a table that holds `groups` groups without growing (it grows past half full). */
function tableSlots(groups: number): number {
  let cap = 2048;
  while (groups * 2 > cap - 1) cap *= 2;
  return cap;
}

/** Codes per key below which two keys index the direct table (DIRECT_SIDE² slots). */
const DIRECT_SIDE = 256;
const ROW_SEED = 0x9747b28c | 0;

/** One step of the row hash over key codes (probe and the direct path must agree: hashes feed the table when leaving it). */
function mixCode(h: number, code: number): number {
  return Math.imul((h << 5) | (h >>> 27), 0x9e3779b1) ^ code;
}

function rowHashOf(a: number, b: number): number {
  return fmix32(mixCode(mixCode(ROW_SEED, a), b)) | 0;
}
