import { decodeBatch, encodeBatch } from '../../serde/record-codec.js';
import { frameSize, parseFrames, payloadBytes, writeFrameInto, type Payload } from '../spill-file.js';

/**
 * How one engine's batches become the exchange core's chunks and back: the record codec for
 * Datasets (here), Arrow IPC for DataFrames (frame/ipc-format.ts). Everything else (blocks,
 * partitions, spilling, fetching, failures) is the core's and is the same for both.
 */
export interface ChunkFormat<B> {
  /**
   * An encoder writing chunks to `out` (with the rows each holds): it may gather several batches
   * into one chunk (IPC streams share dictionaries), so `flush()` writes what it still holds.
   */
  encoder(out: (chunk: Payload, rows: number) => void): { add(batch: B): void; flush(): void };
  /** The batches of one chunk. */
  decode(chunk: Uint8Array): Iterable<B>;
}

/** A codec of record batches as a format: one chunk per batch. */
export function codecFormat(codec: { encode(records: unknown[]): Uint8Array; decode(bytes: Uint8Array): unknown[] }): ChunkFormat<unknown[]> {
  return {
    encoder: (out) => ({ add: (b) => out(codec.encode(b), b.length), flush: () => {} }),
    decode: (chunk) => [codec.decode(chunk)],
  };
}

/** Dataset batches (arrays of records), one msgpack chunk per batch. */
export const recordFormat = codecFormat({ encode: encodeBatch, decode: decodeBatch });

/**
 * Batches encoded as frames of one buffer: what a collect-like action sends back with its
 * task's result (one plain buffer, moved between threads and processes rather than copied).
 */
export function packChunks<B>(format: ChunkFormat<B>, batches: Iterable<B>): Uint8Array {
  const chunks: Payload[] = [];
  let bytes = 0;
  const encoder = format.encoder((chunk) => {
    chunks.push(chunk);
    bytes += frameSize(payloadBytes(chunk));
  });
  for (const b of batches) encoder.add(b);
  encoder.flush();
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const c of chunks) at = writeFrameInto(out, at, c);
  return out;
}

/** The batches of a buffer written by {@link packChunks}. */
export function unpackChunks<B>(format: ChunkFormat<B>, packed: Uint8Array): Generator<B> {
  return decodeChunks(format, parseFrames(packed, 'task result', 0, false));
}

/** The batches of a stream of chunks. */
export function* decodeChunks<B>(format: ChunkFormat<B>, chunks: Iterable<Uint8Array>): Generator<B> {
  for (const c of chunks) yield* format.decode(c);
}
