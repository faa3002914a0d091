import * as arrow from 'apache-arrow';
import { SluiceError } from '../../util/errors.js';
import type { ColumnBatch } from './vector.js';
import { fromArrowTable, toArrowTable } from './arrow.js';
import { compactDicts } from './compact-dict.js';

/**
 * One batch as an Arrow IPC stream (schema, dictionaries, one record batch, end
 * marker): the shuffle and spill wire format. int32/float64/date buffers and
 * string codes are written straight from the vectors (one copy, into the output).
 */
export function encodeIpc(batch: ColumnBatch): Uint8Array {
  return arrow.tableToIPC(toArrowTable(batch.schema, [compactDicts(batch)]), 'stream');
}

/**
 * Several batches of one schema as one Arrow IPC stream. String columns whose
 * batches share a dictionary (slices of one table, or a cache partition) write
 * it once, and decodeIpc gives the batches back sharing one dictionary again,
 * so per-dictionary work downstream (group-key translation) happens once.
 */
export function encodeIpcBatches(schema: ColumnBatch['schema'], batches: readonly ColumnBatch[]): Uint8Array {
  return arrow.tableToIPC(toArrowTable(schema, batches), 'stream');
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
