import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { ParquetWriter, fileWriter, type ColumnSource } from 'hyparquet-writer';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { isValid } from '../../frame/batch/vector.js';
import type { DataType, Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import type { PartSink } from './part-sink.js';

/** Rows buffered per row group (each row group gets min/max statistics per column). */
export const PARQUET_ROW_GROUP_ROWS = 100_000;

/** The Parquet schema element of a column (every column OPTIONAL, so nulls are always allowed). */
function element(name: string, t: DataType): SchemaElement {
  const base = { name, repetition_type: 'OPTIONAL' as const };
  switch (t) {
    case 'bool':
      return { ...base, type: 'BOOLEAN' };
    case 'int32':
      return { ...base, type: 'INT32' };
    case 'int64':
      return { ...base, type: 'INT64' };
    case 'float64':
      return { ...base, type: 'DOUBLE' };
    case 'string':
    case 'null':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE' };
    case 'timestamp':
      return { ...base, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' };
    default:
      throw new SluiceError(`column ${name}: writing ${JSON.stringify(t)} columns to Parquet is not supported`);
  }
}

/** Appends the JS values hyparquet-writer expects (bigint for INT64, days for DATE, ms for TIMESTAMP) to `out`. */
function appendValues(v: ColumnVector, out: unknown[]): void {
  const n = v.length;
  const t = v.type;
  const vals = v.values;
  for (let i = 0; i < n; i++) {
    if (t === 'null' || !isValid(v, i)) out.push(null);
    else if (t === 'string') out.push(v.dict![vals![i]!]);
    else if (t === 'bool') out.push(vals![i] === 1);
    else if (t === 'int64') out.push(BigInt(vals![i]!));
    else out.push(vals![i]);
  }
}

/** A Parquet part file written row group by row group (about {@link PARQUET_ROW_GROUP_ROWS} rows each). */
export function parquetSink(file: string, schema: Schema, rowGroupRows = PARQUET_ROW_GROUP_ROWS): PartSink {
  const parquetSchema: SchemaElement[] = [{ name: 'root', num_children: schema.fields.length }, ...schema.fields.map((f) => element(f.name, f.type))];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const writer = new ParquetWriter({ writer: fileWriter(file), schema: parquetSchema });
  let columns: unknown[][] = schema.fields.map(() => []);
  let rows = 0;
  const flush = (): void => {
    if (rows === 0) return;
    const columnData = schema.fields.map((f, c): ColumnSource => ({ name: f.name, data: columns[c]! as ColumnSource['data'] }));
    void writer.write({ columnData, rowGroupSize: rows });
    columns = schema.fields.map(() => []);
    rows = 0;
  };
  return {
    write(batch: ColumnBatch): void {
      batch.columns.forEach((v, c) => appendValues(v, columns[c]!));
      rows += batch.numRows;
      if (rows >= rowGroupRows) flush();
    },
    close(): number {
      flush();
      void writer.finish();
      return fs.statSync(file).size;
    },
    abort(): void {
      fs.rmSync(file, { force: true });
    },
  };
}
