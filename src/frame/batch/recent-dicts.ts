import { crc32 } from 'node:zlib';
import * as arrow from 'apache-arrow';
import { Utf8Dict } from './utf8-dict.js';

/**
 * Dictionaries read lately on this thread, by content. The streams one
 * shuffle map task writes for a reduce partition repeat its dictionary; giving
 * them all the same Utf8Dict means decoding it at most once, and lets
 * per-dictionary work downstream (group-key translation, dictionary merges,
 * concatenation without a merge) run once too.
 * Entries are found by length and CRC and confirmed by comparing the bytes.
 */
const recent = new Map<string, Utf8Dict>();
let heldBytes = 0;
/** UTF-8 bytes of the dictionaries remembered (least recently used dropped first): their strings take a few times more. */
const CAPACITY_BYTES = 8 << 20;
/**
 * Smaller dictionaries are cheap to tell apart anyway; larger ones (a
 * high-cardinality column's) are rarely repeated whole, and would be copied.
 */
const MIN_ENTRIES = 256;
export const MAX_ENTRIES = 1 << 17;

function keyOf(bytes: Uint8Array, offsets: Int32Array, n: number): string | null {
  if (n < MIN_ENTRIES || n > MAX_ENTRIES || offsets[0] !== 0) return null;
  return `${n}:${offsets[n]}:${crc32(bytes.subarray(0, offsets[n]!))}`;
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The bytes and offsets (from 0) of a remembered dictionary's single chunk. */
function parts(d: Utf8Dict): { bytes: Uint8Array; offsets: Int32Array } {
  const data = d.source.data[0]!;
  return { bytes: data.values, offsets: data.valueOffsets as Int32Array };
}

/** Bytes a remembered dictionary holds. */
function held(d: Utf8Dict): number {
  const { bytes, offsets } = parts(d);
  return bytes.byteLength + offsets.byteLength;
}

/**
 * The Utf8Dict of an Arrow dictionary's values: a recent one of the same
 * content (over a copy of the bytes), or one over `source` itself.
 */
export function recentDictionary(source: arrow.Vector<arrow.Utf8>): Utf8Dict {
  const d = source.data[0]!;
  const bytes = d.values;
  const offsets = d.valueOffsets as Int32Array;
  const n = d.length;
  const key = keyOf(bytes, offsets, n);
  if (key === null) return new Utf8Dict(source, false);
  const used = bytes.subarray(0, offsets[n]!);
  const offs = offsets.subarray(0, n + 1);
  const hit = recent.get(key);
  if (hit && sameBytes(parts(hit).bytes, used) && sameBytes(parts(hit).offsets, offs)) {
    recent.delete(key);
    recent.set(key, hit);
    return hit;
  }
  // Copies: a view would keep the whole shuffle block or cache buffer alive after it is freed.
  const dict = new Utf8Dict(arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offs.slice(), data: used.slice() })), false);
  if (hit) heldBytes -= held(hit); // same key, other bytes
  recent.delete(key);
  recent.set(key, dict);
  heldBytes += held(dict);
  while (heldBytes > CAPACITY_BYTES && recent.size > 1) {
    const [oldest, d] = recent.entries().next().value!;
    recent.delete(oldest);
    heldBytes -= held(d);
  }
  return dict;
}
