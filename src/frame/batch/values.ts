import type { ColumnVector } from './vector.js';
import { isValid } from './vector.js';

/**
 * The JS value of row i: number (int32, int64, float64), boolean, string,
 * Date (date: UTC midnight; timestamp), array (list), or null.
 */
export function getValue(v: ColumnVector, i: number): unknown {
  if (!isValid(v, i)) return null;
  const t = v.type;
  if (typeof t === 'object') return v.objects![i] ?? null;
  switch (t) {
    case 'null':
      return null;
    case 'string':
      return v.dict![(v.values as Int32Array)[i]!]!;
    case 'bool':
      return v.values![i] === 1;
    case 'date':
      return new Date(v.values![i]! * 86400000);
    case 'timestamp':
      return new Date(v.values![i]!);
    default:
      return v.values![i]!;
  }
}
