import { SluiceError } from '../../util/errors.js';
import type { DataType } from '../types.js';

/** SQL and Spark spellings of the column types, lower case. */
const NAMES: Record<string, DataType> = {
  bool: 'bool',
  boolean: 'bool',
  int: 'int32',
  integer: 'int32',
  int32: 'int32',
  int4: 'int32',
  bigint: 'int64',
  long: 'int64',
  int64: 'int64',
  int8: 'int64',
  double: 'float64',
  float: 'float64',
  float64: 'float64',
  float8: 'float64',
  real: 'float64',
  decimal: 'float64',
  numeric: 'float64',
  string: 'string',
  varchar: 'string',
  text: 'string',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
};

/** A type name as users write it: a DataType, or 'int', 'bigint', 'double', 'varchar', 'boolean'... */
export type TypeLike = DataType | keyof typeof NAMES | (string & {});

/** The DataType of a type name (case-insensitive; `varchar(20)` and `decimal(10,2)` drop their arguments). @throws SluiceError for unknown names. */
export function parseType(t: TypeLike): DataType {
  if (typeof t === 'object') return t;
  const key = t.toLowerCase().replace(/\s*\(.*\)\s*$/, '').trim();
  const found = NAMES[key];
  if (!found) throw new SluiceError(`unknown type "${t}"; known: ${Object.keys(NAMES).join(', ')}`);
  return found;
}
