import { utf8Vector } from './utf8.js';
import * as arrow from 'apache-arrow';
import type { DataType, Schema } from '../types.js';
import { typeName } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import type { ColumnBatch, ColumnVector } from './vector.js';
import { isValid } from './vector.js';
import { packBits } from './bitmap.js';
import { numbersToBigInt64 } from './int64.js';
import { fromArrowSchema, toArrowSchema, toArrowType } from './arrow-types.js';
import { vectorFromArrowData } from './arrow-read.js';
import { markDistinct } from './dict-distinct.js';
import { dictHandle, hasDistinctDict, type DictHandle } from './utf8-dict.js';

/** Field metadata of a string column whose every dictionary holds each string once (dict-distinct.ts), so readers need not check. */
const DISTINCT_DICT = 'sluice.distinct-dict';

/**
 * An Arrow table of `batches` (all under `schema`), one record batch each.
 * int32, float64 and date buffers (and string codes) are shared, not copied;
 * bool bytes are bit-packed, int64 and timestamp become 64-bit integers, lists
 * go through Arrow's builders. Batches that share a string dictionary share the
 * Arrow dictionary vector too, so IPC writes it once.
 */
export function toArrowTable(schema: Schema, batches: readonly ColumnBatch[]): arrow.Table {
  const arrowSchema = markDistinctFields(toArrowSchema(schema), batches);
  const dicts = new Map<DictHandle, arrow.Vector>();
  const recordBatches = batches.map((b) => {
    if (b.columns.length !== schema.fields.length) {
      throw new SluiceError(`cannot convert a batch of ${b.columns.length} column(s) under a schema of ${schema.fields.length} to Arrow`);
    }
    const children = b.columns.map((v, c) => toArrowData(v, arrowSchema.fields[c]!.type, schema.fields[c]!.name, dicts));
    const data = arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length: b.numRows, nullCount: 0, children });
    return new arrow.RecordBatch(arrowSchema, data);
  });
  return new arrow.Table(arrowSchema, recordBatches);
}

/** The schema and batches (one per Arrow record batch) of an Arrow table; see fromArrowType for the types read. */
export function fromArrowTable(table: arrow.Table): { schema: Schema; batches: ColumnBatch[] } {
  const schema = fromArrowSchema(table.schema);
  const distinct = table.schema.fields.map((f) => f.metadata.get(DISTINCT_DICT) === 'true');
  const batches = table.batches.map((rb) => {
    const columns = schema.fields.map((f, c) => {
      const v = vectorFromArrowData(rb.data.children[c]!, f.type, f.name);
      if (distinct[c] && v.type === 'string') {
        if (v.utf8) v.utf8.markDistinct();
        else markDistinct(v.dict!);
      }
      return v;
    });
    return { schema, columns, numRows: rb.numRows };
  });
  return { schema, batches };
}

/** `schema` with string fields marked whose dictionaries are all distinct in `batches`. */
function markDistinctFields(schema: arrow.Schema, batches: readonly ColumnBatch[]): arrow.Schema {
  if (batches.length === 0) return schema;
  let marked = false;
  const fields = schema.fields.map((f, c) => {
    if (!batches.every((b) => b.columns[c]?.type === 'string' && hasDistinctDict(b.columns[c]!))) return f;
    marked = true;
    return new arrow.Field(f.name, f.type, f.nullable, new Map([...f.metadata, [DISTINCT_DICT, 'true']]));
  });
  return marked ? new arrow.Schema(fields, schema.metadata) : schema;
}

/** One column as Arrow Data of `type` (made by toArrowType for the column's field). */
export function toArrowData(v: ColumnVector, type: arrow.DataType, column: string, dicts?: Map<DictHandle, arrow.Vector>): arrow.Data {
  const t = v.type;
  const length = v.length;
  if (t === 'null') return arrow.makeData({ type: type as arrow.Null, length });
  const nullCount = v.nullCount;
  const nullBitmap = nullCount > 0 ? v.validity! : undefined;
  if (typeof t === 'object') return listData(v, type as arrow.List, column);
  const values = v.values!;
  switch (t) {
    case 'bool':
      return arrow.makeData({ type: type as arrow.Bool, length, nullCount, nullBitmap, data: packBits(values as Uint8Array, length) });
    case 'int32':
      return arrow.makeData({ type: type as arrow.Int32, length, nullCount, nullBitmap, data: values as Int32Array });
    case 'float64':
      return arrow.makeData({ type: type as arrow.Float64, length, nullCount, nullBitmap, data: values as Float64Array });
    case 'date':
      return arrow.makeData({ type: type as arrow.DateDay, length, nullCount, nullBitmap, data: values as Int32Array });
    case 'int64':
      return arrow.makeData({ type: type as arrow.Int64, length, nullCount, nullBitmap, data: numbersToBigInt64(values as Float64Array) });
    case 'timestamp':
      return arrow.makeData({ type: type as arrow.TimestampMillisecond, length, nullCount, nullBitmap, data: numbersToBigInt64(values as Float64Array) });
    case 'string': {
      const dtype = type as arrow.Dictionary<arrow.Utf8, arrow.Int32>;
      const handle = dictHandle(v);
      let dictionary = dicts?.get(handle);
      if (!dictionary) {
        dictionary = v.utf8 ? v.utf8.source : utf8Vector(v.dict!);
        dicts?.set(handle, dictionary);
      }
      return arrow.makeData({ type: dtype, length, nullCount, nullBitmap, data: values as Int32Array, dictionary });
    }
  }
  throw new SluiceError(`column '${column}': cannot convert ${typeName(t)} to Arrow`);
}

/** Lists go through Arrow's builder; elements are first converted to what it expects (bigint for int64). */
function listData(v: ColumnVector, type: arrow.List, column: string): arrow.Data {
  const elem = (v.type as { list: DataType }).list;
  const rows = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) rows[i] = isValid(v, i) ? toBuilderValue(v.type, v.objects![i] ?? null, column) : null;
  const vec = arrow.vectorFromArray(rows, type);
  if (vec.data.length !== 1) throw new SluiceError(`column '${column}': list<${typeName(elem)}> built into ${vec.data.length} chunks`);
  return vec.data[0]!;
}

function toBuilderValue(t: DataType, x: unknown, column: string): unknown {
  if (x === null || x === undefined) return null;
  if (typeof t === 'object') {
    if (!Array.isArray(x)) throw new SluiceError(`column '${column}': a list row holds ${typeof x}, not an array`);
    return x.map((e) => toBuilderValue(t.list, e, column));
  }
  if (t === 'int64') return BigInt(Math.trunc(x as number));
  if (t === 'date' && typeof x === 'number') return new Date(x * 86400000);
  if (t === 'timestamp' && typeof x === 'number') return new Date(x);
  return x;
}

export { toArrowType };
