import type { DataType, Field, Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';

/** What a reader does with a malformed line or record. */
export type ReadMode = 'failfast' | 'dropMalformed';

/** CSV reader options (see {@link csvOptions}). */
export interface CsvOptions {
  header: boolean;
  delimiter: string;
  quote: string;
  escape: string | undefined;
  nullValue: string;
  inferSchema: boolean;
  mode: ReadMode;
  /**
   * Records may span lines: a quoted field may hold line breaks (RFC 4180; Spark's option of the
   * same name). Splits of a file are then moved to record boundaries by the planner, which scans the
   * file's quotes once (see csv-record-splits.ts). Needs a one-byte delimiter, quote and escape.
   */
  multiLine: boolean;
}

export const DEFAULT_SPLIT_BYTES = 32 * 1024 * 1024;
/**
 * What opening a file costs, in bytes (Spark's `spark.sql.files.openCostInBytes`, whose default is
 * 4 MiB, made for remote file systems). Measured on local[2] over 100,000 one-row CSV files, a task
 * costs more than the files it opens: 4 MiB (8 files per task) took 9.5 s of CPU, 256 KiB (128 per
 * task) 4.6 s, one task for all files 4.4 s but on one core.
 */
export const DEFAULT_OPEN_COST_BYTES = 256 * 1024;
/** Rows sampled (from the first files) to infer a schema. */
export const SAMPLE_ROWS = 1000;

function optString(options: Record<string, unknown>, key: string, dflt: string): string {
  const v = options[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw new SluiceError(`option ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function optBool(options: Record<string, unknown>, key: string, dflt: boolean): boolean {
  const v = options[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new SluiceError(`option ${key} must be a boolean, got ${JSON.stringify(v)}`);
}

/** The `mode` option: 'failfast' (default) or 'dropMalformed' (case-insensitive, Spark spelling). */
export function readMode(options: Record<string, unknown>): ReadMode {
  const m = optString(options, 'mode', 'failfast').toLowerCase();
  if (m === 'failfast') return 'failfast';
  if (m === 'dropmalformed') return 'dropMalformed';
  throw new SluiceError(`option mode must be 'failfast' or 'dropMalformed', got '${m}'`);
}

export function csvOptions(options: Record<string, unknown>): CsvOptions {
  const delimiter = optString(options, 'delimiter', optString(options, 'sep', ','));
  if (delimiter.length === 0) throw new SluiceError('option delimiter must not be empty');
  const escape = options['escape'] === undefined ? undefined : optString(options, 'escape', '"');
  return {
    header: optBool(options, 'header', true),
    delimiter,
    quote: optString(options, 'quote', '"'),
    escape,
    nullValue: optString(options, 'nullValue', ''),
    inferSchema: optBool(options, 'inferSchema', true),
    mode: readMode(options),
    multiLine: optBool(options, 'multiLine', false),
  };
}

/** The `splitBytes` option: most bytes per partition (default 32 MiB; Spark's `maxPartitionBytes`). */
export function splitBytes(options: Record<string, unknown>): number {
  return byteOption(options, 'splitBytes', DEFAULT_SPLIT_BYTES, 1);
}

/** The `openCostBytes` option: what opening a file costs when files are packed into partitions (default 256 KiB). */
export function openCostBytes(options: Record<string, unknown>): number {
  return byteOption(options, 'openCostBytes', DEFAULT_OPEN_COST_BYTES, 0);
}

function byteOption(options: Record<string, unknown>, key: string, dflt: number, min: number): number {
  const v = options[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !(v >= min) || !Number.isFinite(v)) throw new SluiceError(`option ${key} must be a number of bytes ≥ ${min}, got ${JSON.stringify(v)}`);
  return Math.floor(v);
}

const SCALARS = new Set(['bool', 'int32', 'int64', 'float64', 'string', 'date', 'timestamp', 'null']);

function checkType(t: unknown, column: string): DataType {
  if (typeof t === 'string' && SCALARS.has(t)) return t as DataType;
  if (typeof t === 'object' && t !== null && 'list' in t) return { list: checkType((t as { list: unknown }).list, column) };
  throw new SluiceError(`option schema: column ${column} has unknown type ${JSON.stringify(t)}`);
}

/** The `schema` option (a Schema, or `{ column: type }`), or null when absent. */
export function userSchema(options: Record<string, unknown>): Schema | null {
  const s = options['schema'];
  if (s === undefined || s === null) return null;
  if (typeof s !== 'object') throw new SluiceError('option schema must be a Schema or an object of column types');
  if (Array.isArray((s as Schema).fields)) {
    const fields = (s as Schema).fields.map((f): Field => ({ name: f.name, type: checkType(f.type, f.name), nullable: f.nullable ?? true }));
    return { fields };
  }
  return { fields: Object.entries(s as Record<string, unknown>).map(([name, t]) => ({ name, type: checkType(t, name), nullable: true })) };
}
