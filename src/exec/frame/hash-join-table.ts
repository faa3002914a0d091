import type { KeyRows } from './hash-join-keys.js';

/**
 * A chained hash table over the build side's key rows, all in typed arrays:
 * `heads[bucket]` is the first build row of a chain, `next[row]` the following
 * one (-1 ends a chain). Rows with a null key are left out: they never match.
 * Rows are pushed at the head of their chain in reverse order, so a chain lists
 * build rows in arrival order (output order is then stable).
 */
export class JoinHashTable {
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;

  constructor(readonly keys: KeyRows) {
    const n = keys.length;
    const cap = capacityFor(n);
    this.mask = cap - 1;
    this.heads = new Int32Array(cap).fill(-1);
    this.next = new Int32Array(n).fill(-1);
    const { hash, nullKey } = keys;
    for (let r = n - 1; r >= 0; r--) {
      if (nullKey !== null && nullKey[r] === 1) continue;
      const b = hash[r]! & this.mask;
      this.next[r] = this.heads[b]!;
      this.heads[b] = r;
    }
  }

  /** Bytes a table over `n` rows holds besides its key rows. */
  static bytes(n: number): number {
    return capacityFor(n) * 4 + n * 4;
  }

  /** Whether some build row's keys equal row `p` of `probe` (semi/anti joins without a residual filter). */
  hasMatch(probe: KeyRows, p: number): boolean {
    if (probe.nullKey !== null && probe.nullKey[p] === 1) return false;
    const h = probe.hash[p]!;
    for (let r = this.heads[h & this.mask]!; r >= 0; r = this.next[r]!) {
      if (this.keys.hash[r] === h && this.sameKeys(probe, p, r)) return true;
    }
    return false;
  }

  private sameKeys(probe: KeyRows, p: number, r: number): boolean {
    const bv = this.keys.values;
    const pv = probe.values;
    for (let k = 0; k < pv.length; k++) {
      const a = bv[k]![r]!;
      const b = pv[k]![p]!;
      if (a !== b && (a === a || b === b)) return false; // NaN keys equal each other (as in Spark and DuckDB)
    }
    return true;
  }

  /**
   * Appends to `out` the build rows whose keys equal row `p` of `probe` (none
   * when the probe row has a null key); returns how many.
   */
  matches(probe: KeyRows, p: number, out: IndexBuffer): number {
    if (probe.nullKey !== null && probe.nullKey[p] === 1) return 0;
    const h = probe.hash[p]!;
    const bh = this.keys.hash;
    let found = 0;
    for (let r = this.heads[h & this.mask]!; r >= 0; r = this.next[r]!) {
      if (bh[r] === h && this.sameKeys(probe, p, r)) {
        out.push(r);
        found++;
      }
    }
    return found;
  }
}

/** Buckets for n rows: a power of two >= n (chains average at most one row). */
function capacityFor(n: number): number {
  let cap = 16;
  while (cap < n) cap *= 2;
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
