import { makeBatch, sliceBatch } from '../../frame/batch/batch.js';
import { encodeIpcPieces, joinPieces } from '../../frame/batch/ipc.js';
import { compactSharedDicts } from '../../frame/batch/compact-dict.js';
import { batchFromColumns, batchFromRecords } from '../../frame/batch/records.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { LogicalPlan } from '../../frame/logical/plan.js';
import type { DataType, Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';

/** Rows for createDataFrame: objects, or columns by name (arrays or typed arrays). */
export type FrameData = readonly object[] | Readonly<Record<string, ArrayLike<unknown>>>;

export function toSchema(s: Record<string, DataType> | undefined): Schema | undefined {
  return s && { fields: Object.entries(s).map(([name, type]) => ({ name, type, nullable: true })) };
}

/**
 * One batch from records or columns (schema inferred unless given). Empty data
 * without a schema is an error, as in Spark: there is nothing to infer types from.
 */
export function batchOf(data: FrameData, schema?: Schema): ColumnBatch {
  if (data === null || typeof data !== 'object') throw new SluiceError(`createDataFrame: data must be an array of records or an object of columns, got ${data === null ? 'null' : typeof data}`);
  if (!schema && isEmptyData(data)) {
    throw new SluiceError("createDataFrame: cannot infer a schema from empty data; give one: createDataFrame([], { schema: { name: 'string', age: 'int32' } })");
  }
  if (Array.isArray(data)) return batchFromRecords(data as object[], schema);
  const given = Object.entries(data as Record<string, ArrayLike<unknown>>);
  const cols: Record<string, readonly unknown[]> = {};
  const direct = new Map<string, ColumnVector>();
  for (const [k, v] of given) {
    const type = schema?.fields.find((f) => f.name === k)?.type;
    const vec = type ? typedColumn(v, type) : undefined;
    if (vec) direct.set(k, vec);
    else cols[k] = Array.isArray(v) ? v : Array.from(v);
  }
  if (!direct.size) return batchFromColumns(cols, schema);
  // Typed arrays of the column's own layout are copied whole; the rest are converted value by value.
  const rest = batchFromColumns(cols, schema && { fields: schema.fields.filter((f) => !direct.has(f.name)) });
  const fields = schema!.fields;
  const columns = fields.map((f) => direct.get(f.name) ?? rest.columns[rest.schema.fields.findIndex((r) => r.name === f.name)]!);
  return makeBatch({ fields }, columns, given[0]![1].length);
}

/** No records, or no column holding a value. */
function isEmptyData(data: FrameData): boolean {
  if (Array.isArray(data)) return data.length === 0;
  return Object.values(data as Record<string, ArrayLike<unknown>>).every((c) => c.length === 0);
}

/** A vector straight from a typed array whose layout is the type's (Int32Array for int32 and date, Float64Array for float64, int64, timestamp). */
function typedColumn(v: ArrayLike<unknown>, type: DataType): ColumnVector | undefined {
  const ok = (type === 'int32' || type === 'date') ? v instanceof Int32Array : (type === 'float64' || type === 'int64' || type === 'timestamp') ? v instanceof Float64Array : false;
  if (!ok) return undefined;
  const values = (v as Int32Array | Float64Array).slice();
  if (type === 'int64' && !(values as Float64Array).every((x) => Number.isSafeInteger(x))) return undefined;
  return { type, length: values.length, values, validity: null, nullCount: 0 };
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
    parts.push(slices.length ? [joinPieces(encodeIpcPieces(batch.schema, compactSharedDicts(slices)), true)] : []);
  }
  return { kind: 'scan', source: { kind: 'memory', partitions: parts, name, rows: n }, schema: batch.schema, filters: [] };
}

