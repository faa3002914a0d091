import { Packr, Unpackr, type Options } from 'msgpackr';

/**
 * Binary codec for records crossing threads and processes (msgpack via msgpackr).
 *
 * Options, and why:
 * - `useRecords: true`: objects of one shape are written as a record definition plus
 *   values, so a batch of same-shaped rows does not repeat its keys. No `structures`
 *   are given, so definitions live inside each buffer: any fresh Unpackr in another
 *   thread or process decodes it (no shared state).
 * - `moreTypes: true`: Set, typed arrays, ArrayBuffer, Error, RegExp, and bigints of
 *   any size survive (Date, Map and undefined always do).
 * - `mapsAsObjects: false`: a msgpack map decodes to a `Map`, so Maps with non-string
 *   keys come back intact (plain objects travel as records, so they stay objects).
 * - `copyBuffers: true`: decoded byte arrays do not pin the whole incoming batch.
 *
 * Caveats: -0 decodes as 0; class instances decode as plain objects; a property
 * literally named `__proto__` is renamed by msgpackr (prototype-pollution guard).
 */
const OPTIONS: Options = { useRecords: true, moreTypes: true, mapsAsObjects: false, copyBuffers: true };

// One Packr for the whole thread: it keeps a growing scratch buffer between calls.
const packr = new Packr(OPTIONS);
const unpackr = new Unpackr(OPTIONS);

/**
 * Encodes records as one self-contained binary batch (a msgpack array).
 * The result is an independent copy, safe to keep and to transfer.
 */
export function encodeBatch(records: readonly unknown[]): Uint8Array {
  return encodeValue(records);
}

/** Decodes a batch made by encodeBatch (in any thread or process). */
export function decodeBatch(bytes: Uint8Array): unknown[] {
  const out = unpackr.unpack(bytes) as unknown;
  if (!Array.isArray(out)) throw new TypeError('decodeBatch: the buffer does not hold a batch (an array of records)');
  return out;
}

/**
 * Encodes one value (a broadcast, a task result). The Packr writes into a shared
 * scratch buffer that later calls reuse, so the bytes are copied out into a buffer
 * of their own: callers may keep it or transfer its ArrayBuffer.
 */
export function encodeValue(v: unknown): Uint8Array {
  const view = packr.pack(v);
  const copy = new Uint8Array(view.length);
  copy.set(view);
  return copy;
}

/** Decodes a value made by encodeValue. */
export function decodeValue(b: Uint8Array): unknown {
  return unpackr.unpack(b) as unknown;
}
