import { crc32 } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { rememberUtf8 } from './utf8.js';

/**
 * Dictionaries decoded lately on this thread, by content. The streams one
 * shuffle map task writes for a reduce partition repeat its dictionary; giving
 * them all the same string array means decoding it once, and lets per-dictionary
 * work downstream (group-key translation, dictionary merges) run once too.
 * Entries are found by length and CRC and confirmed by comparing the bytes.
 */
interface Entry {
  bytes: Uint8Array;
  offsets: Int32Array;
  strings: string[];
}

const recent = new Map<string, Entry>();
/** Dictionaries remembered (least recently used dropped first). */
const CAPACITY = 32;
/** Smaller dictionaries are cheap to decode again and not remembered. */
const MIN_ENTRIES = 256;

function keyOf(bytes: Uint8Array, offsets: Int32Array, n: number): string | null {
  if (n < MIN_ENTRIES || offsets[0] !== 0) return null;
  return `${n}:${offsets[n]}:${crc32(bytes.subarray(0, offsets[n]!))}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * The strings of a Utf8 dictionary (`n` entries; `bytes`, `offsets` as in
 * Arrow), from a recent decode of the same content or else from `decode`.
 */
export function recentDictionary(bytes: Uint8Array, offsets: Int32Array, n: number, decode: () => string[] | null): string[] | null {
  const key = keyOf(bytes, offsets, n);
  if (key === null) return decode();
  const used = bytes.subarray(0, offsets[n]!);
  const offs = offsets.subarray(0, n + 1);
  const hit = recent.get(key);
  if (hit && sameBytes(hit.bytes, used) && sameBytes(new Uint8Array(hit.offsets.buffer, hit.offsets.byteOffset, hit.offsets.byteLength), new Uint8Array(offs.buffer, offs.byteOffset, offs.byteLength))) {
    recent.delete(key);
    recent.set(key, hit);
    return hit.strings;
  }
  const strings = decode();
  if (strings === null) return null;
  // Copies: a view would keep the whole shuffle block or cache buffer alive after it is freed.
  const entry = { bytes: used.slice(), offsets: offs.slice(), strings };
  rememberUtf8(strings, arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: entry.offsets, data: entry.bytes })));
  recent.set(key, entry);
  if (recent.size > CAPACITY) recent.delete(recent.keys().next().value!);
  return strings;
}
