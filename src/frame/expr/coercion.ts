import { isNumeric, sameType, type DataType } from '../types.js';

const NUMERIC_RANK = { int32: 0, int64: 1, float64: 2 } as const;

/**
 * The type two values are converted to before they are compared, combined
 * or put in one column (CASE branches, coalesce, union): int32 < int64 <
 * float64; null goes with anything; a string meets a date or timestamp as
 * that type (for literals like '2024-01-01'); date meets timestamp as
 * timestamp; lists by their elements. Null when there is none.
 */
export function commonType(a: DataType, b: DataType): DataType | null {
  if (sameType(a, b)) return a;
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (isNumeric(a) && isNumeric(b)) return NUMERIC_RANK[a] >= NUMERIC_RANK[b] ? a : b;
  if (a === 'string' && (b === 'date' || b === 'timestamp')) return b;
  if (b === 'string' && (a === 'date' || a === 'timestamp')) return a;
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  if (typeof a === 'object' && typeof b === 'object') {
    const inner = commonType(a.list, b.list);
    return inner === null ? null : { list: inner };
  }
  return null;
}

/** commonType over several types (null when any pair has none); 'null' for an empty list. */
export function commonTypeOf(types: readonly DataType[]): DataType | null {
  let t: DataType | null = 'null';
  for (const x of types) {
    t = commonType(t, x);
    if (t === null) return null;
  }
  return t;
}
