import type { KeyRows } from './hash-join-keys.js';

/**
 * A hash table over the build side's key rows, in typed arrays: open
 * addressing with linear probing over the distinct keys, each slot holding
 * [first key value, row]. `row` >= 0 is the only build row of that key;
 * -2 - h says several rows have it, listed from row h through `next` (-1 ends);
 * -1 marks an empty slot. Keeping the first key in the slot means a probe of
 * a one-column key usually touches one cache line of the table (a chained
 * table touches its bucket, the row's hash, its key and its link: on a table
 * of millions of rows, four cache misses per probe). Duplicates hang off their
 * key's slot rather than filling the slots after it, so heavily repeated keys
 * do not lengthen every other key's probe sequence. Rows with a null key are
 * left out: they never match. Chains list build rows in arrival order, so
 * output order is stable.
 */
export class JoinHashTable {
  private readonly slots: Float64Array;
  private readonly next: Int32Array;
  private readonly mask: number;

  constructor(readonly keys: KeyRows) {
    const n = keys.length;
    const cap = capacityFor(n);
    this.mask = cap - 1;
    this.slots = new Float64Array(2 * cap);
    for (let s = 1; s < 2 * cap; s += 2) this.slots[s] = EMPTY;
    this.next = new Int32Array(n);
    const { hash, nullKey } = keys;
    const first = keys.values[0];
    const slots = this.slots;
    // Backwards, so that prepending to a chain leaves it in arrival order.
    for (let r = n - 1; r >= 0; r--) {
      if (nullKey !== null && nullKey[r] === 1) continue;
      const s = first === undefined ? 0 : this.find(keys, r, hash[r]!);
      const row = slots[2 * s + 1]!;
      if (row === EMPTY) {
        slots[2 * s] = first === undefined ? 0 : first[r]!;
        slots[2 * s + 1] = r;
        this.next[r] = -1;
      } else {
        this.next[r] = row >= 0 ? row : -2 - row;
        slots[2 * s + 1] = -2 - r;
      }
    }
  }

  /** Bytes a table over `n` rows holds besides its key rows. */
  static bytes(n: number): number {
    return capacityFor(n) * 16 + n * 4;
  }

  /** Whether some build row's keys equal row `p` of `probe` (semi/anti joins without a residual filter). */
  hasMatch(probe: KeyRows, p: number): boolean {
    if (probe.nullKey !== null && probe.nullKey[p] === 1) return false;
    return this.slots[2 * this.find(probe, p, probe.hash[p]!) + 1] !== EMPTY;
  }

  /**
   * Appends to `out` the build rows whose keys equal row `p` of `probe` (none
   * when the probe row has a null key); returns how many.
   */
  matches(probe: KeyRows, p: number, out: IndexBuffer): number {
    if (probe.nullKey !== null && probe.nullKey[p] === 1) return 0;
    const row = this.slots[2 * this.find(probe, p, probe.hash[p]!) + 1]!;
    if (row === EMPTY) return 0;
    if (row >= 0) {
      out.push(row);
      return 1;
    }
    let found = 0;
    for (let r = -2 - row; r >= 0; r = this.next[r]!) {
      out.push(r);
      found++;
    }
    return found;
  }

  /** The slot of row `i` of `rows`'s key: the one holding it, or the empty one where it would go. */
  private find(rows: KeyRows, i: number, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const values = rows.values;
    if (values.length === 0) return 0; // a cross join: every row has the one (empty) key
    const k0 = values[0]![i]!;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const row = slots[2 * s + 1]!;
      if (row === EMPTY) return s;
      const a = slots[2 * s]!;
      // NaN keys equal each other (as in Spark and DuckDB).
      if ((a === k0 || (a !== a && k0 !== k0)) && (values.length === 1 || this.sameRest(rows, i, row >= 0 ? row : -2 - row))) return s;
    }
  }

  /** Whether keys 2.. of row `i` of `rows` equal those of build row `r`. */
  private sameRest(rows: KeyRows, i: number, r: number): boolean {
    const bv = this.keys.values;
    const pv = rows.values;
    for (let k = 1; k < pv.length; k++) {
      const a = bv[k]![r]!;
      const b = pv[k]![i]!;
      if (a !== b && (a === a || b === b)) return false;
    }
    return true;
  }
}

/** A slot's row when it holds no key. */
const EMPTY = -1;

/** Slots for n rows: a power of two of at least 4n/3 (at most 3/4 full, however many keys repeat). */
function capacityFor(n: number): number {
  let cap = 16;
  while (cap * 3 < n * 4) cap *= 2;
  return cap;
}

/** A growable Int32Array (pair indices of a join's output). */
export class IndexBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  /** A copy of the contents; the buffer is emptied. */
  take(): Int32Array {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    return out;
  }
}
