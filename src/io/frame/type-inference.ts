import type { DataType, ScalarType } from '../../frame/types.js';
import { BAD, textParser } from './value-parsers.js';

/** Candidate types of text values, most specific first: a column gets the first one every value parses as. */
const TEXT_CANDIDATES: ScalarType[] = ['int32', 'int64', 'float64', 'bool', 'date', 'timestamp'];

/**
 * Infers a column type from text samples: keeps a bit set of the candidate types every non-null
 * value so far parses as. `result()` is the most specific survivor, or `string` (also for a column
 * with no non-null sample).
 */
export class TextTypeInferrer {
  private alive = (1 << TEXT_CANDIDATES.length) - 1;
  private seen = false;

  add(s: string): void {
    this.seen = true;
    for (let k = 0; k < TEXT_CANDIDATES.length && this.alive !== 0; k++) {
      if (this.alive & (1 << k) && textParser(TEXT_CANDIDATES[k]!)!(s) === BAD) this.alive &= ~(1 << k);
    }
  }

  result(): ScalarType {
    if (!this.seen) return 'string';
    for (let k = 0; k < TEXT_CANDIDATES.length; k++) if (this.alive & (1 << k)) return TEXT_CANDIDATES[k]!;
    return 'string';
  }
}

/** The type of one JSON value (`null` for null; nested objects are kept as JSON text in a string column). */
export function jsonValueType(v: unknown): DataType {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      if (!Number.isInteger(v)) return 'float64';
      return v >= -2147483648 && v <= 2147483647 ? 'int32' : Number.isSafeInteger(v) ? 'int64' : 'float64';
    case 'string':
      return 'string';
    default:
      if (Array.isArray(v)) return { list: v.reduce<DataType>((t, e) => widenType(t, jsonValueType(e)), 'null') };
      return 'string';
  }
}

const NUMERIC_RANK: Partial<Record<string, number>> = { int32: 0, int64: 1, float64: 2 };

/** The narrowest type holding values of both types: numbers widen, `null` yields, anything else is `string`. */
export function widenType(a: DataType, b: DataType): DataType {
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (typeof a === 'object' && typeof b === 'object') return { list: widenType(a.list, b.list) };
  if (typeof a === 'object' || typeof b === 'object') return 'string';
  if (a === b) return a;
  const ra = NUMERIC_RANK[a];
  const rb = NUMERIC_RANK[b];
  if (ra !== undefined && rb !== undefined) return ra > rb ? a : b;
  if ((a === 'date' && b === 'timestamp') || (a === 'timestamp' && b === 'date')) return 'timestamp';
  return 'string';
}

/** Replaces `null` (no non-null sample) by `string`, also inside lists. */
export function settleType(t: DataType): DataType {
  if (t === 'null') return 'string';
  if (typeof t === 'object') return { list: t.list === 'null' ? 'string' : settleType(t.list) };
  return t;
}
