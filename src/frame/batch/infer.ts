import type { DataType } from '../types.js';
import { SluiceError } from '../../util/errors.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Infers one column's type from the JS values it holds, value by value:
 * integers → int32, or int64 once one is beyond int32 (or a bigint); a
 * non-integer number → float64; string; boolean; Date → timestamp; arrays →
 * list of the inferred element type; only nulls → string. Conflicting kinds
 * (e.g. numbers and strings) widen to string, as Spark's JSON inference does.
 */
export class TypeInference {
  private ints = false;
  private wide = false;
  private floats = false;
  private strings = false;
  private bools = false;
  private dates = false;
  private lists: TypeInference | null = null;
  /** A null, undefined or missing value was seen. */
  nullable = false;

  constructor(private readonly column: string) {}

  add(v: unknown, record: number): void {
    if (v === null || v === undefined) this.nullable = true;
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) {
        this.ints = true;
        if (v < INT32_MIN || v > INT32_MAX) this.wide = true;
      } else this.floats = true;
    } else if (typeof v === 'bigint') this.ints = this.wide = true;
    else if (typeof v === 'string') this.strings = true;
    else if (typeof v === 'boolean') this.bools = true;
    else if (v instanceof Date) this.dates = true;
    else if (Array.isArray(v)) {
      this.lists ??= new TypeInference(`${this.column}[]`);
      for (const e of v) this.lists.add(e, record);
    } else {
      throw new SluiceError(`record ${record}, column '${this.column}': cannot infer a column type from ${describe(v)} (nested objects are not supported; flatten them or use an array)`);
    }
  }

  /** The inferred type (string when nothing but nulls was seen). */
  type(): DataType {
    const kinds = [this.ints || this.floats, this.strings, this.bools, this.dates, this.lists !== null].filter(Boolean).length;
    if (kinds === 0 || kinds > 1 || this.strings) return 'string';
    if (this.lists) return { list: this.lists.type() };
    if (this.bools) return 'bool';
    if (this.dates) return 'timestamp';
    if (this.floats) return 'float64';
    return this.wide ? 'int64' : 'int32';
  }
}

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v instanceof Date) return `Date ${Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object' && v !== null) return `an object {${Object.keys(v).slice(0, 5).join(', ')}}`;
  return `${typeof v} ${String(v)}`;
}
