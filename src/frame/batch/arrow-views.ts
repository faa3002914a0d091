import type * as arrow from 'apache-arrow';
import { Utf8DictBuilder } from './utf8-dict-builder.js';
import type { Utf8Dict } from './utf8-dict.js';

/** Bytes per view in a Utf8View/BinaryView column, and the longest string stored inline in one. */
const VIEW_BYTES = 16;
const INLINE_MAX = 12;

/**
 * Dictionary-encodes an Arrow Utf8View column (what Polars and other Arrow 15+ writers produce).
 * Each row is a 16-byte view: a little-endian int32 length, then either the bytes themselves
 * (length <= 12) or a 4-byte prefix, the index of a variadic data buffer and an offset into it.
 * apache-arrow decodes these per value through its visitor; reading the views directly into a byte
 * dictionary keeps the column in one pass without a JS string per row.
 */
export function encodeUtf8View(d: arrow.Data): { codes: Int32Array; dict: Utf8Dict } {
  const n = d.length;
  const raw = d.values as Uint8Array;
  const views = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const buffers = d.variadicBuffers;
  const codes = new Int32Array(n);
  const dict = new Utf8DictBuilder();
  const checkNulls = d.nullCount > 0;
  for (let i = 0; i < n; i++) {
    if (checkNulls && !d.getValid(i)) continue;
    const at = i * VIEW_BYTES; // apache-arrow slices the views buffer with the Data (as it does values)
    const len = views.readInt32LE(at);
    if (len <= INLINE_MAX) codes[i] = dict.code(views, at + 4, at + 4 + len);
    else {
      const buf = buffers[views.readInt32LE(at + 8)];
      const off = views.readInt32LE(at + 12);
      if (!buf || off < 0 || off + len > buf.length) throw new RangeError(`Utf8View row ${i} points outside its data buffers`);
      codes[i] = dict.code(buf, off, off + len);
    }
  }
  return { codes, dict: dict.finish() };
}
