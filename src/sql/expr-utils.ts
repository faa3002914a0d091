import type { ExprNode } from '../frame/expr/expr-node.js';

/**
 * Structural equality where a column without a qualifier equals the same
 * column with one (`k` and `t.k` in `SELECT t.k ... GROUP BY k`).
 */
export function sameExpr(a: ExprNode, b: ExprNode): boolean {
  return deepEqual(a, b);
}

function deepEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  const a = x as Record<string, unknown>;
  const b = y as Record<string, unknown>;
  if (a.kind === 'column' && b.kind === 'column') {
    return a.name === b.name && (a.qualifier === b.qualifier || a.qualifier === undefined || b.qualifier === undefined);
  }
  const keys = Object.keys(a).filter((k) => a[k] !== undefined);
  if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
  return keys.every((k) => deepEqual(a[k], b[k]));
}
