import * as arrow from 'apache-arrow';
import type { DataType, Schema } from '../types.js';
import { SluiceError } from '../../util/errors.js';

/**
 * The Arrow type of a sluice type (see the layout table in ../types.ts). Top-level
 * strings are Dictionary<Int32, Utf8>; strings inside lists are plain Utf8.
 */
export function toArrowType(t: DataType, topLevel = true): arrow.DataType {
  if (typeof t === 'object') return new arrow.List(new arrow.Field('item', toArrowType(t.list, false), true));
  switch (t) {
    case 'bool':
      return new arrow.Bool();
    case 'int32':
      return new arrow.Int32();
    case 'int64':
      return new arrow.Int64();
    case 'float64':
      return new arrow.Float64();
    case 'string':
      return topLevel ? new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()) : new arrow.Utf8();
    case 'date':
      return new arrow.DateDay();
    case 'timestamp':
      return new arrow.TimestampMillisecond('UTC');
    case 'null':
      return new arrow.Null();
  }
}

/** The Arrow schema of a sluice schema (a new dictionary id per string field). */
export function toArrowSchema(schema: Schema): arrow.Schema {
  const seen = new Set<string>();
  return new arrow.Schema(
    schema.fields.map((f, i) => {
      if (!seen.has(f.name)) {
        seen.add(f.name);
        return new arrow.Field(f.name, toArrowType(f.type), f.nullable);
      }
      // Arrow's record batches merge fields by name, so a repeated name (SQL allows
      // `SELECT 1 AS c, 2 AS c`) travels under a unique one, the real one in metadata.
      return new arrow.Field(`${f.name}#${i}`, toArrowType(f.type), f.nullable, new Map([[REPEATED_NAME, f.name]]));
    }),
  );
}

/** Field metadata holding the name of a column whose name repeats an earlier column's. */
const REPEATED_NAME = 'sluice.repeated-name';

/**
 * The sluice type that holds an Arrow type: small ints → int32; Int64, Uint32,
 * Uint64 → int64; floats → float64; Utf8, LargeUtf8, Utf8View and dictionaries of strings →
 * string; Date32/Date64 → date; Timestamp → timestamp; (Large)List → list; Null; Binary,
 * LargeBinary, BinaryView and FixedSizeBinary → list<int32> of the bytes (0..255).
 */
export function fromArrowType(t: arrow.DataType, column: string): DataType {
  const T = arrow.Type;
  switch (t.typeId) {
    case T.Null:
      return 'null';
    case T.Bool:
      return 'bool';
    case T.Int: {
      const { bitWidth, isSigned } = t as arrow.Int;
      return bitWidth < 32 || (bitWidth === 32 && isSigned) ? 'int32' : 'int64';
    }
    case T.Float:
      return 'float64';
    case T.Utf8:
    case T.LargeUtf8:
    case T.Utf8View:
      return 'string';
    case T.Dictionary: {
      const v = (t as arrow.Dictionary).dictionary;
      if (v.typeId === T.Utf8 || v.typeId === T.LargeUtf8 || v.typeId === T.Utf8View) return 'string';
      break;
    }
    case T.Binary:
    case T.LargeBinary:
    case T.BinaryView:
    case T.FixedSizeBinary:
      // sluice has no binary type: bytes are read losslessly as a list of byte values (0..255) per row.
      return { list: 'int32' };
    case T.Date:
      return 'date';
    case T.Timestamp:
      return 'timestamp';
    case T.List:
    case T.LargeList:
      return { list: fromArrowType((t as arrow.List).children[0]!.type, `${column}[]`) };
  }
  throw new SluiceError(`column '${column}': Arrow type ${String(t)} is not supported`);
}

/** The sluice schema of an Arrow schema. */
export function fromArrowSchema(schema: arrow.Schema): Schema {
  return { fields: schema.fields.map((f) => ({ name: f.metadata.get(REPEATED_NAME) ?? f.name, type: fromArrowType(f.type, f.name), nullable: f.nullable })) };
}
