/**
 * DuckDB as the reference engine: loads the same columnar tables the sluice tests load, runs SQL,
 * and returns plain rows (numbers, strings, booleans, Dates, arrays, null) ready for `compareRows`.
 */
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  TIMESTAMP,
  VARCHAR,
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBDateValue,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { ScalarType } from '../../../src/frame/types.js';
import { normalizeValue, type Row } from './compare-rows.js';

export { compareRows, assertRowsEqual, type Row, type CompareOptions } from './compare-rows.js';

/** A table to load: column name → values (typed arrays for null-free numbers, arrays otherwise). */
export type ColumnData = Record<string, ArrayLike<unknown>>;

const SQL_TYPE: Record<ScalarType, string> = {
  bool: 'BOOLEAN', int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', string: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP',
};
const DUCK_TYPE: Record<ScalarType, DuckDBType> = {
  bool: BOOLEAN, int32: INTEGER, int64: BIGINT, float64: DOUBLE, string: VARCHAR, date: DATE, timestamp: TIMESTAMP,
};
const MS_PER_DAY = 86_400_000;
/** DuckDB's standard vector size: appending chunks of this many rows avoids per-value appender calls. */
const CHUNK_ROWS = 2048;

/** JS value → the DuckDB value of a column type (null stays null). */
function toDuck(type: ScalarType, v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'int64':
      return BigInt(v as number);
    case 'date':
      return new DuckDBDateValue(Math.floor((v instanceof Date ? v.getTime() : (v as number) * MS_PER_DAY) / MS_PER_DAY));
    case 'timestamp':
      return new DuckDBTimestampValue(BigInt(v instanceof Date ? v.getTime() : (v as number)) * 1000n);
    default:
      return v as DuckDBValue;
  }
}

/** An in-memory DuckDB database with helpers to load columnar tables and query them. */
export class DuckOracle {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Opens an in-memory database; `threads` caps DuckDB's worker threads (default: DuckDB's own). */
  static async open(opts: { threads?: number } = {}): Promise<DuckOracle> {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    if (opts.threads) await conn.run(`SET threads = ${opts.threads}`);
    return new DuckOracle(instance, conn);
  }

  /** Creates (or replaces) `name` with `schema`'s column types and appends `data` in 2048-row chunks. */
  async load(name: string, data: ColumnData, schema: Record<string, ScalarType>): Promise<void> {
    const names = Object.keys(schema);
    const types = names.map((n) => schema[n]);
    for (const n of names) if (!(n in data)) throw new Error(`table ${name}: no data for column ${n}`);
    const ddl = names.map((n, i) => `"${n}" ${SQL_TYPE[types[i]]}`).join(', ');
    await this.conn.run(`CREATE OR REPLACE TABLE "${name}" (${ddl})`);
    const rows = names.length ? data[names[0]].length : 0;
    const appender = await this.conn.createAppender(name);
    const duckTypes = types.map((t) => DUCK_TYPE[t]);
    for (let start = 0; start < rows; start += CHUNK_ROWS) {
      const len = Math.min(CHUNK_ROWS, rows - start);
      const chunk = DuckDBDataChunk.create(duckTypes, len);
      names.forEach((n, ci) => {
        const src = data[n];
        const t = types[ci];
        const vals = new Array<DuckDBValue>(len);
        for (let i = 0; i < len; i++) vals[i] = toDuck(t, src[start + i]);
        chunk.setColumnValues(ci, vals);
      });
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
  }

  /** Runs `sql` and returns its rows with values normalised (bigint → number, DATE → Date...). */
  async query(sql: string): Promise<Row[]> {
    const reader = await this.conn.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => {
      const out: Row = {};
      for (const k of Object.keys(r)) out[k] = normalizeValue(r[k]);
      return out;
    });
  }

  /** Runs `sql` and returns its column names and its rows as arrays (by position: names may repeat), values normalised. */
  async queryPositional(sql: string): Promise<{ names: string[]; rows: unknown[][] }> {
    const reader = await this.conn.runAndReadAll(sql);
    return { names: reader.columnNames(), rows: reader.getRowsJS().map((r) => r.map(normalizeValue)) };
  }

  /** Runs a statement without reading a result. */
  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Opens a database, loads `tables` and returns it: `tables` maps name → [data, schema]. */
export async function duckWith(tables: Record<string, [ColumnData, Record<string, ScalarType>]>, opts: { threads?: number } = {}): Promise<DuckOracle> {
  const db = await DuckOracle.open(opts);
  for (const [name, [data, schema]] of Object.entries(tables)) await db.load(name, data, schema);
  return db;
}
