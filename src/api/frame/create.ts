import { sliceBatch } from '../../frame/batch/batch.js';
import { encodeIpcBatches } from '../../frame/batch/ipc.js';
import { compactSharedDicts } from '../../frame/batch/compact-dict.js';
import { batchFromColumns, batchFromRecords } from '../../frame/batch/records.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { LogicalPlan } from '../../frame/logical/plan.js';
import type { DataType, Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';

/** Rows for createDataFrame: objects, or columns by name (arrays or typed arrays). */
export type FrameData = readonly object[] | Readonly<Record<string, ArrayLike<unknown>>>;

export function toSchema(s: Record<string, DataType> | undefined): Schema | undefined {
  return s && { fields: Object.entries(s).map(([name, type]) => ({ name, type, nullable: true })) };
}

/** One batch from records or columns (schema inferred unless given). */
export function batchOf(data: FrameData, schema?: Schema): ColumnBatch {
  if (Array.isArray(data)) return batchFromRecords(data as object[], schema);
  const cols: Record<string, readonly unknown[]> = {};
  for (const [k, v] of Object.entries(data as Record<string, ArrayLike<unknown>>)) cols[k] = Array.isArray(v) ? v : Array.from(v);
  return batchFromColumns(cols, schema);
}

/**
 * An in-memory table split into partitions, each encoded once as one Arrow IPC
 * stream (dictionaries written once) in shared memory: tasks on any thread
 * read it without copying.
 */
export function memorySource(batch: ColumnBatch, numPartitions: number, name: string): LogicalPlan {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) throw new SluiceError(`numPartitions must be a positive integer, got ${numPartitions}`);
  const parts: Uint8Array[][] = [];
  const n = batch.numRows;
  const per = 1 << 16;
  for (let p = 0; p < numPartitions; p++) {
    const start = Math.floor((p * n) / numPartitions);
    const end = Math.floor(((p + 1) * n) / numPartitions);
    const slices = [];
    for (let s = start; s < end; s += per) slices.push(sliceBatch(batch, s, Math.min(end, s + per)));
    parts.push(slices.length ? [shared(encodeIpcBatches(batch.schema, compactSharedDicts(slices)))] : []);
  }
  return { kind: 'scan', source: { kind: 'memory', partitions: parts, name, rows: n }, schema: batch.schema, filters: [] };
}

function shared(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}
