import type { DataType, Field, Schema } from '../types.js';
import { typeName } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import type { ColumnBatch, ColumnVector } from './vector.js';
import { VectorBuilder } from './builder.js';
import { getValue } from './values.js';
import { INVALID, convertValue } from './convert.js';
import { TypeInference, describe } from './infer.js';

/**
 * The schema of plain JS records: one field per key, in order of first
 * appearance; types as TypeInference describes; a field is nullable when some
 * record holds null or undefined for it or lacks the key.
 */
export function inferSchema(records: readonly object[]): Schema {
  const byName = new Map<string, TypeInference>();
  const counts = new Map<string, number>();
  records.forEach((r, i) => {
    if (r === null || typeof r !== 'object') throw new SluiceError(`record ${i} is ${describe(r)}, not an object`);
    for (const [k, v] of Object.entries(r)) {
      let inf = byName.get(k);
      if (!inf) byName.set(k, (inf = new TypeInference(k)));
      inf.add(v, i);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  });
  const fields: Field[] = [];
  for (const [name, inf] of byName) {
    fields.push({ name, type: inf.type(), nullable: inf.nullable || counts.get(name)! < records.length });
  }
  return { fields };
}

/**
 * A batch of `records` under `schema` (inferred when omitted). Each value is
 * converted to its field's type (see convertValue); one that does not fit is a
 * SluiceError naming the record index and the column. Keys outside the schema
 * are ignored; a missing key is null (an error for a non-nullable field).
 */
export function batchFromRecords(records: readonly object[], schema?: Schema): ColumnBatch {
  const s = schema ?? inferSchema(records);
  const columns = s.fields.map((f) =>
    buildColumn(f, records.length, (i) => {
      const r = records[i] as Record<string, unknown> | null;
      if (r === null || typeof r !== 'object') throw new SluiceError(`record ${i} is ${describe(r)}, not an object`);
      return r[f.name];
    }),
  );
  return { schema: s, columns, numRows: records.length };
}

/**
 * A batch from named columns of JS values (all equally long), under `schema`
 * (inferred per column when omitted; the column order is the schema's, or the
 * object's key order).
 */
export function batchFromColumns(columns: Readonly<Record<string, readonly unknown[]>>, schema?: Schema): ColumnBatch {
  const names = Object.keys(columns);
  const n = names.length > 0 ? columns[names[0]!]!.length : 0;
  for (const name of names) {
    if (columns[name]!.length !== n) throw new SluiceError(`column '${name}' has ${columns[name]!.length} values but column '${names[0]}' has ${n}`);
  }
  const s: Schema = schema ?? {
    fields: names.map((name) => {
      const inf = new TypeInference(name);
      columns[name]!.forEach((v, i) => inf.add(v, i));
      return { name, type: inf.type(), nullable: inf.nullable };
    }),
  };
  const vectors = s.fields.map((f) => {
    const values = columns[f.name];
    if (!values) throw new SluiceError(`column '${f.name}' of the schema is missing from the columns given (${names.join(', ')})`);
    return buildColumn(f, n, (i) => values[i]);
  });
  return { schema: s, columns: vectors, numRows: n };
}

/** The rows of `batch` as plain objects keyed by column name (values as getValue returns them). */
export function batchToRecords(batch: ColumnBatch): Record<string, unknown>[] {
  const names = batch.schema.fields.map((f) => f.name);
  const out = new Array<Record<string, unknown>>(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const r: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) r[names[c]!] = getValue(batch.columns[c]!, i);
    out[i] = r;
  }
  return out;
}

function buildColumn(f: Field, n: number, valueAt: (i: number) => unknown): ColumnVector {
  const b = new VectorBuilder(f.type, n);
  for (let i = 0; i < n; i++) {
    const raw = valueAt(i);
    const v = convertValue(f.type, raw);
    if (v === INVALID) throw badValue(i, f.name, f.type, raw);
    if (v === null && !f.nullable) throw new SluiceError(`record ${i}, column '${f.name}': null in a non-nullable ${typeName(f.type)} column`);
    b.append(v);
  }
  return b.finish();
}

function badValue(i: number, column: string, type: DataType, v: unknown): SluiceError {
  return new SluiceError(`record ${i}, column '${column}': cannot convert ${describe(v)} to ${typeName(type)}`);
}
