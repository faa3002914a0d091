import { parseDate, parseTimestamp } from '../frame/expr/datetime.js';
import type { ExprNode } from '../frame/expr/expr-node.js';

const INT32_MAX = 2147483647;

/**
 * A numeric literal from its SQL spelling: integers fitting 32 bits are
 * int32, larger ones int64, anything with a point or exponent float64
 * (as DuckDB types them).
 */
export function numberLiteral(spelling: string | number): ExprNode {
  const text = String(spelling);
  const value = Number(text);
  const integral = /^-?\d+$/.test(text);
  const type = !integral ? 'float64' : value >= -INT32_MAX - 1 && value <= INT32_MAX ? 'int32' : 'int64';
  return { kind: 'literal', value, type };
}

/** `-literal` folded into one literal, keeping the integer/float distinction. */
export function negateLiteral(e: Extract<ExprNode, { kind: 'literal' }>): ExprNode {
  const value = -(e.value as number);
  if (e.type === 'float64') return { kind: 'literal', value, type: 'float64' };
  return { kind: 'literal', value, type: value >= -INT32_MAX - 1 && value <= INT32_MAX ? 'int32' : 'int64' };
}

export function stringLiteral(value: string): ExprNode {
  return { kind: 'literal', value, type: 'string' };
}

/**
 * `DATE '2024-01-31'` / `TIMESTAMP '2024-01-31 12:00:00'`: a literal of that
 * type holding the text (converted once when compiled, printed as written);
 * undefined if the text is not a valid date or timestamp.
 */
export function temporalLiteral(type: 'date' | 'timestamp', text: string): ExprNode | undefined {
  const value = text.trim();
  const valid = type === 'date' ? parseDate(value) !== null : parseTimestamp(value) !== null;
  return valid ? { kind: 'literal', value, type } : undefined;
}
