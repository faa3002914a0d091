/**
 * Logical types of DataFrame columns and their in-memory layout (see batch/vector.ts).
 *
 * | type        | values array                      | Arrow type on the wire           |
 * |-------------|-----------------------------------|----------------------------------|
 * | `bool`      | Uint8Array, one byte per row 0/1  | Bool (bit-packed)                |
 * | `int32`     | Int32Array                        | Int32                            |
 * | `int64`     | Float64Array (exact to 2^53)      | Int64                            |
 * | `float64`   | Float64Array                      | Float64                          |
 * | `string`    | Int32Array codes into `dict`      | Dictionary<Int32, Utf8>          |
 * | `date`      | Int32Array days since 1970-01-01  | Date32 (day)                     |
 * | `timestamp` | Float64Array ms since the epoch   | Timestamp (millisecond, UTC)     |
 * | `list`      | `objects`: one JS array per row   | List<element>                    |
 * | `null`      | (none; every row is null)         | Null                             |
 */
export type ScalarType = 'bool' | 'int32' | 'int64' | 'float64' | 'string' | 'date' | 'timestamp';
export type DataType = ScalarType | 'null' | { list: DataType };

export interface Field {
  name: string;
  type: DataType;
  nullable: boolean;
}

export interface Schema {
  fields: Field[];
}

export function isNumeric(t: DataType): t is 'int32' | 'int64' | 'float64' {
  return t === 'int32' || t === 'int64' || t === 'float64';
}

export function isList(t: DataType): t is { list: DataType } {
  return typeof t === 'object';
}

export function typeName(t: DataType): string {
  return typeof t === 'object' ? `list<${typeName(t.list)}>` : t;
}

export function sameType(a: DataType, b: DataType): boolean {
  return typeName(a) === typeName(b);
}

export function fieldIndex(schema: Schema, name: string): number {
  return schema.fields.findIndex((f) => f.name === name);
}
