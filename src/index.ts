/**
 * sluice: parallel and distributed data processing for TypeScript.
 *
 * ```ts
 * import { Session } from 'sluice';
 * const s = await Session.local();
 * const top = await s.textFile('logs/*.txt').map((l) => [l.split(' ')[0], 1] as const).reduceByKey((a, b) => a + b).top(5, (a, b) => a[1] - b[1]);
 * await s.stop();
 * ```
 */
export { Session, type SessionOptions, type ClusterSessionOptions } from './api/session.js';
export type { SpeculationConfig } from './scheduler/events.js';
export { Dataset } from './api/dataset.js';
export { Broadcast } from './driver/broadcast.js';
export { Accumulator } from './driver/accumulator.js';
export type { AsyncOptions, Env, ManyOrAsync, Pair, Widen } from './api/types.js';
export { HashPartitioner, RangePartitioner, type Partitioner } from './plan/partitioner.js';
export { importModule } from './api/import-module.js';
export { compareKeys } from './serde/keys.js';
export type { SluiceEvent, Listener, Metrics, WorkerView } from './scheduler/bus.js';
export { SluiceError, TaskFailedError, JobCancelledError, FreeVariableError, InputError, QueryError, type TaskErrorInfo, type CallSite } from './util/errors.js';
export { parseBytes, formatBytes } from './util/bytes.js';
export { registerBackend, backendSchemes, memoryPerWorker, type BackendFactory, type BackendOptions, type CreatedBackend, type ClusterSchemeOptions } from './backend/registry.js';
export type { Backend, BackendEvent } from './backend/backend.js';
export { DataFrame, GroupedData, DataFrameWriter, type Row } from './api/dataframe.js';
export { DataFrameReader, type ReadOptions, type CsvReadOptions } from './api/frame/reader.js';
export { SqlFileAccessError, type SqlFileAccess } from './api/frame/sql-file-access.js';
export { expr } from './api/frame/expr.js';
export { sqlParserReady } from './sql/parse.js';
export { Expr, type SortExpr } from './frame/expr/expr-builder.js';
export * from './frame/expr/functions.js';
export type { DataType, Field, Schema } from './frame/types.js';
