import * as arrow from 'apache-arrow';
import { SluiceError } from '../../util/errors.js';
import type { ColumnBatch } from './vector.js';
import { fromArrowTable, toArrowTable } from './arrow.js';
import { compactDicts } from './compact-dict.js';

/**
 * One batch as an Arrow IPC stream (schema, dictionaries, one record batch, end
 * marker) in one array, its dictionaries cut to the entries it uses (results
 * sent to the driver). int32/float64/date buffers and string codes are written
 * straight from the vectors (one copy, into the output).
 */
export function encodeIpc(batch: ColumnBatch): Uint8Array {
  return encodeIpcBatches(batch.schema, [compactDicts(batch)]);
}

/**
 * Several batches of one schema as one Arrow IPC stream. String columns whose
 * batches share a dictionary (slices of one table, or a cache partition) write
 * it once, and decodeIpc gives the batches back sharing one dictionary again,
 * so per-dictionary work downstream (group-key translation) happens once.
 */
export function encodeIpcBatches(schema: ColumnBatch['schema'], batches: readonly ColumnBatch[]): Uint8Array {
  return joinPieces(encodeIpcPieces(schema, batches));
}

/**
 * encodeIpcBatches without joining: the stream as the Arrow writer emits it,
 * message headers and padding around views of the batches' own buffers. For
 * writers that copy the stream once anyway (into a block or a file), this
 * spares a copy into fresh memory; the pieces share the batches' buffers,
 * which must not change until the pieces are written.
 */
export function encodeIpcPieces(schema: ColumnBatch['schema'], batches: readonly ColumnBatch[]): Uint8Array[] {
  const sink = new PieceSink();
  const writer = new arrow.RecordBatchStreamWriter();
  writer.reset(sink);
  writer.write(toArrowTable(schema, batches));
  writer.finish();
  return sink.pieces;
}

/** The pieces in one new array; in shared memory with `shared` (a table every thread reads). */
export function joinPieces(pieces: readonly Uint8Array[], shared = false): Uint8Array {
  let n = 0;
  for (const p of pieces) n += p.byteLength;
  const out = new Uint8Array(shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Keeps what the Arrow writer emits as it is (its own sink queues the pieces for a join). */
class PieceSink extends arrow.AsyncByteQueue {
  readonly pieces: Uint8Array[] = [];
  override write(value: Parameters<arrow.AsyncByteQueue['write']>[0]): void {
    const piece = value as Uint8Array; // RecordBatchWriter._write passes Uint8Arrays
    if (piece.byteLength > 0) this.pieces.push(piece);
  }
}

/**
 * The batches of an Arrow IPC stream (or file). Fixed-width columns (int32,
 * float64, date, string codes) are views into `bytes` when their offset in it
 * is aligned, so `bytes` must not be modified while the batches are in use.
 */
export function decodeIpc(bytes: Uint8Array): ColumnBatch[] {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (e) {
    throw new SluiceError(`cannot decode Arrow IPC bytes (${bytes.byteLength} bytes): ${e instanceof Error ? e.message : String(e)}`);
  }
  return fromArrowTable(table).batches;
}
