import type { ColumnVector } from '../../frame/batch/vector.js';
import { isValid } from '../../frame/batch/vector.js';
import { formatDate, formatTimestamp } from './value-parsers.js';

/**
 * Text of row i of a vector (null for a null row), read straight from its typed arrays: numbers as JS
 * prints them (NaN, Infinity), dates YYYY-MM-DD, timestamps ISO 8601 UTC, lists as JSON.
 */
export function textCell(v: ColumnVector): (i: number) => string | null {
  const t = v.type;
  const vals = v.values;
  const valid = (i: number): boolean => isValid(v, i);
  if (typeof t === 'object') return (i) => (valid(i) && v.objects![i] ? JSON.stringify(v.objects![i]) : null);
  switch (t) {
    case 'null':
      return () => null;
    case 'string': {
      const dict = v.dict!;
      return (i) => (valid(i) ? dict[vals![i]!]! : null);
    }
    case 'bool':
      return (i) => (valid(i) ? (vals![i] === 1 ? 'true' : 'false') : null);
    case 'date':
      return (i) => (valid(i) ? formatDate(vals![i]!) : null);
    case 'timestamp':
      return (i) => (valid(i) ? formatTimestamp(vals![i]!) : null);
    default:
      return (i) => (valid(i) ? String(vals![i]!) : null);
  }
}

/** JSON text of row i (`null` for null rows and for non-finite numbers, which JSON cannot hold). */
export function jsonCell(v: ColumnVector): (i: number) => string {
  const t = v.type;
  if (t === 'string') {
    // Quote each dictionary entry once, not once per row.
    const quoted = new Array<string | undefined>(v.dict!.length);
    const codes = v.values!;
    return (i) => {
      if (!isValid(v, i)) return 'null';
      const c = codes[i]!;
      return (quoted[c] ??= JSON.stringify(v.dict![c]));
    };
  }
  const text = textCell(v);
  if (t === 'date' || t === 'timestamp') return (i) => (isValid(v, i) ? `"${text(i)}"` : 'null');
  if (t === 'float64' || t === 'int64') return (i) => (isValid(v, i) && Number.isFinite(v.values![i]) ? text(i)! : 'null');
  return (i) => text(i) ?? 'null';
}
