import * as arrow from 'apache-arrow';
import { Utf8Dict } from './utf8-dict.js';

/**
 * Builds a string dictionary straight from UTF-8 byte ranges (a reader's input buffer): each distinct
 * byte string is stored once and gets the next code, found again through an open-addressing hash
 * table over the stored bytes. No JS string is made per value (or at all): the result is a Utf8Dict,
 * decoded only if something asks for its strings. Entries are distinct by construction.
 */
export class Utf8DictBuilder {
  private bytes = new Uint8Array(1 << 12);
  private used = 0;
  private offsets = new Int32Array(257);
  private hashes = new Int32Array(256);
  private n = 0;
  /** Slot → code + 1 (0 = empty); its size is a power of two at least twice the entries. */
  private slots = new Int32Array(512);

  get size(): number {
    return this.n;
  }

  /** Bytes held by the builder's arrays. */
  byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.hashes.byteLength + this.slots.byteLength;
  }

  /** The code of the bytes `src[a, b)`, adding them when new. */
  code(src: Uint8Array, a: number, b: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = a; i < b; i++) h = Math.imul(h ^ src[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    const len = b - a;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const c = this.slots[s]! - 1;
      if (c < 0) {
        this.slots[s] = this.add(src, a, b, h) + 1;
        if (this.n * 2 > this.slots.length) this.rehash();
        return this.n - 1;
      }
      if (this.hashes[c] !== h) continue;
      const o = this.offsets[c]!;
      if (this.offsets[c + 1]! - o !== len) continue;
      let eq = true;
      for (let i = 0; i < len; i++) {
        if (this.bytes[o + i] !== src[a + i]) {
          eq = false;
          break;
        }
      }
      if (eq) return c;
    }
  }

  /** The dictionary so far (the builder should not be used afterwards). */
  finish(): Utf8Dict {
    const data = arrow.makeData({ type: new arrow.Utf8(), length: this.n, nullCount: 0, valueOffsets: this.offsets.slice(0, this.n + 1), data: this.bytes.slice(0, this.used) });
    return new Utf8Dict(arrow.makeVector(data), true);
  }

  private add(src: Uint8Array, a: number, b: number, h: number): number {
    const len = b - a;
    if (this.used + len > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + len));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    if (len <= 16) for (let i = 0; i < len; i++) this.bytes[this.used + i] = src[a + i]!;
    else this.bytes.set(src.subarray(a, b), this.used);
    this.used += len;
    const c = this.n++;
    if (this.n >= this.hashes.length) {
      const hs = new Int32Array(this.hashes.length * 2);
      hs.set(this.hashes);
      this.hashes = hs;
      const os = new Int32Array(this.hashes.length + 1);
      os.set(this.offsets);
      this.offsets = os;
    }
    this.hashes[c] = h;
    this.offsets[c + 1] = this.used;
    return c;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let c = 0; c < this.n; c++) {
      let s = this.hashes[c]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = c + 1;
    }
    this.slots = slots;
  }
}
