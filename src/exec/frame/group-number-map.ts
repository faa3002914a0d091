import { hashNumber } from '../../frame/batch/hash.js';

/**
 * An open-addressing hash map from numbers to dense ids 0, 1, 2... in order of
 * first insertion: the core of group id assignment. Keys live in a Float64Array
 * and ids in an Int32Array (no per-entry objects, unlike `Map`). NaN is one key;
 * -0 and 0 are one key. Besides numbers, one extra "null" key can be given an id.
 */
export class NumberIdMap {
  /** Interleaved (key, id + 1) pairs, so a probe touches one cache line; id + 1 = 0 marks an empty slot. */
  private slots: Float64Array;
  private mask: number;
  private nanId = -1;
  private nullKeyId = -1;
  /** Number of ids handed out. */
  size = 0;

  /** `capacity`: the number of keys expected (the table starts at twice that many slots). */
  constructor(capacity = 64) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Float64Array(cap * 2);
    this.mask = cap - 1;
  }

  /** The id of `k`, inserted as a new id when absent. */
  getOrAdd(k: number): number {
    if (k !== k) return this.nanId >= 0 ? this.nanId : (this.nanId = this.size++);
    const slots = this.slots;
    const mask = this.mask;
    let slot = hashNumber(k) & mask;
    for (;;) {
      const id1 = slots[2 * slot + 1]!;
      if (id1 === 0) break;
      if (slots[2 * slot] === k) return id1 - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    slots[2 * slot] = k;
    slots[2 * slot + 1] = id + 1;
    if (this.size * 2 > mask) this.grow();
    return id;
  }

  /** The id of `k`, or -1. */
  get(k: number): number {
    if (k !== k) return this.nanId;
    const slots = this.slots;
    let slot = hashNumber(k) & this.mask;
    for (;;) {
      const id1 = slots[2 * slot + 1]!;
      if (id1 === 0 || slots[2 * slot] === k) return id1 - 1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of the null key, inserted when absent. */
  nullId(): number {
    return this.nullKeyId >= 0 ? this.nullKeyId : (this.nullKeyId = this.size++);
  }

  /** Approximate bytes held. */
  bytes(): number {
    return this.slots.byteLength;
  }

  private grow(): void {
    const old = this.slots;
    const cap = old.length; // twice the old slot count
    const slots = (this.slots = new Float64Array(cap * 2));
    const mask = (this.mask = cap - 1);
    for (let s = 0; s < old.length; s += 2) {
      const id1 = old[s + 1]!;
      if (id1 === 0) continue;
      const k = old[s]!;
      let slot = hashNumber(k) & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = k;
      slots[2 * slot + 1] = id1;
    }
  }
}
