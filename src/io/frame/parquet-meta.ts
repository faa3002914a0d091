import * as fs from 'node:fs';
import { parquetMetadata, type FileMetaData, type SchemaElement } from 'hyparquet';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import type { DataType, Field } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { openInput, type Confinement } from '../input-file.js';
import type { ColumnStats } from './scan-units.js';

const utf8 = new TextDecoder();

/**
 * hyparquet value parsers producing our in-memory units directly: dates as days, timestamps as ms
 * (numbers, not Date objects), JSON columns as their text.
 */
export const PARQUET_PARSERS = {
  ...DEFAULT_PARSERS,
  timestampFromMilliseconds: (ms: bigint) => Number(ms),
  timestampFromMicroseconds: (us: bigint) => Number(us / 1000n),
  timestampFromNanoseconds: (ns: bigint) => Number(ns / 1000000n),
  dateFromDays: (days: number) => days,
  jsonFromBytes: (bytes: Uint8Array) => bytes && utf8.decode(bytes),
};

/** Reads and parses the footer of a Parquet file (synchronously: only the footer bytes are read). */
export function readParquetFooter(path: string, confine?: Confinement): FileMetaData {
  const fd = openInput(path, confine);
  try {
    const size = fs.fstatSync(fd).size;
    if (size < 12) throw new InputError(`${path}: not a Parquet file (too short)`, path);
    const tail = Buffer.alloc(8);
    fs.readSync(fd, tail, 0, 8, size - 8);
    if (tail.toString('latin1', 4) !== 'PAR1') throw new InputError(`${path}: not a Parquet file (no PAR1 footer)`, path);
    const len = tail.readUInt32LE(0);
    if (len + 8 > size) throw new InputError(`${path}: corrupt Parquet footer (metadata length ${len})`, path);
    const buf = new Uint8Array(len + 8);
    fs.readSync(fd, buf, 0, len + 8, size - 8 - len);
    try {
      return parquetMetadata(buf, { parsers: PARQUET_PARSERS });
    } catch (e) {
      throw new InputError(`${path}: corrupt Parquet metadata: ${(e as Error).message}`, path);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Our type for a flat Parquet column, or null when it is not supported (nested groups, raw fixed bytes). */
export function parquetColumnType(el: SchemaElement): DataType | null {
  const ct = el.converted_type;
  const lt = el.logical_type?.type;
  switch (el.type) {
    case 'BOOLEAN':
      return 'bool';
    case 'INT32':
      if (ct === 'DATE' || lt === 'DATE') return 'date';
      if (ct === 'DECIMAL' || lt === 'DECIMAL') return 'float64';
      return ct === 'UINT_32' ? 'int64' : 'int32';
    case 'INT64':
      if (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || lt === 'TIMESTAMP') return 'timestamp';
      return ct === 'DECIMAL' || lt === 'DECIMAL' || ct === 'UINT_64' ? 'float64' : 'int64';
    case 'INT96':
      return 'timestamp';
    case 'FLOAT':
    case 'DOUBLE':
      return 'float64';
    case 'BYTE_ARRAY':
      return 'string';
    case 'FIXED_LEN_BYTE_ARRAY':
      return ct === 'DECIMAL' || lt === 'DECIMAL' ? 'float64' : lt === 'UUID' ? 'string' : null;
    default:
      return null;
  }
}

/**
 * The top-level flat columns of a Parquet file as fields, each with its leaf schema element.
 * Nested columns (structs, lists, maps) and unsupported types are left out of the schema.
 */
export function parquetFields(md: FileMetaData): { field: Field; element: SchemaElement }[] {
  const out: { field: Field; element: SchemaElement }[] = [];
  const schema = md.schema;
  // schema[0] is the root; walk its children, skipping the subtrees of groups.
  let i = 1;
  while (i < schema.length) {
    const el = schema[i]!;
    const children = el.num_children ?? 0;
    const type = children === 0 && el.repetition_type !== 'REPEATED' ? parquetColumnType(el) : null;
    if (type !== null) out.push({ field: { name: el.name, type, nullable: el.repetition_type !== 'REQUIRED' }, element: el });
    i += subtreeSize(schema, i);
  }
  return out;
}

/** Number of schema elements in the subtree rooted at index i (including i). */
function subtreeSize(schema: SchemaElement[], i: number): number {
  let n = 1;
  let pending = schema[i]!.num_children ?? 0;
  let j = i + 1;
  while (pending > 0) {
    const size = subtreeSize(schema, j);
    n += size;
    j += size;
    pending--;
  }
  return n;
}

function bound(v: unknown): number | string | boolean | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.getTime();
  return null;
}

/** Per-column min/max/null-count statistics of row group `rg`, for the given top-level columns. */
export function rowGroupStats(md: FileMetaData, rg: number, columns: ReadonlySet<string>): Record<string, ColumnStats> {
  const out: Record<string, ColumnStats> = {};
  for (const chunk of md.row_groups[rg]!.columns) {
    const meta = chunk.meta_data;
    if (!meta || meta.path_in_schema.length !== 1 || !columns.has(meta.path_in_schema[0]!)) continue;
    const s = meta.statistics;
    if (!s) continue;
    // Legacy min/max of byte arrays used signed byte order: trust them only for numbers.
    const legacy = meta.type !== 'BYTE_ARRAY' && meta.type !== 'FIXED_LEN_BYTE_ARRAY';
    out[meta.path_in_schema[0]!] = {
      min: bound(s.min_value ?? (legacy ? s.min : undefined)),
      max: bound(s.max_value ?? (legacy ? s.max : undefined)),
      nullCount: s.null_count === undefined ? null : Number(s.null_count),
    };
  }
  return out;
}
