/**
 * Simplify expressions: constant folding and boolean simplification.
 *
 *   Filter: a > 1 + 2 AND true AND NOT NOT (b < 3)       Filter: a > 3 AND b < 3
 *     Scan: t                                       →      Scan: t
 *
 * Why it is correct: each rewrite preserves SQL's three-valued logic.
 * `true AND x` is x and `false OR x` is x for every x (NULL included);
 * `false AND x` is false and `true OR x` is true even when x is NULL; `NOT NOT x`
 * is x; `NOT (a < b)` is `a >= b` (both NULL exactly when a or b is NULL).
 * `x AND NULL` is not simplified: it is NULL or false depending on x.
 * Literal operations fold with the runtime's semantics (`/` is float64); division
 * by zero (IEEE for `/`, NULL for an integer `%`) and int32 overflow are left to
 * the runtime. Renamed outputs keep
 * their names with an alias, and a Filter on `true` is removed.
 */
import type { BinaryOp, ExprNode, LiteralValue } from '../expr/expr-node.js';
import { castRaw } from '../expr/cast.js';
import { arithmeticType } from '../expr/infer-type.js';
import { defaultName } from '../expr/expr-node.js';
import { isNumeric, type DataType } from '../types.js';
import { alias, mapExpr } from '../logical/expr-utils.js';
import { mapNodeExprs, mapPlanUp } from '../logical/plan-walk.js';
import type { OptimizerRule } from './rule.js';

export const simplifyExpressions: OptimizerRule = {
  name: 'simplify-expressions',
  apply: (plan) =>
    mapPlanUp(plan, (p) => {
      const q = mapNodeExprs(p, (e, output) => {
        const s = simplifyExpr(e);
        return output && defaultName(s) !== defaultName(e) ? alias(s, defaultName(e)) : s;
      });
      return q.kind === 'filter' && isLiteral(q.predicate, true) ? q.input : q;
    }),
};

/** `e` with literal sub-expressions folded and boolean identities applied, bottom-up. */
export function simplifyExpr(e: ExprNode): ExprNode {
  return mapExpr(e, simplifyNode);
}

const NEGATED: Partial<Record<BinaryOp, BinaryOp>> = { '<': '>=', '<=': '>', '>': '<=', '>=': '<', '=': '!=', '!=': '=' };

function simplifyNode(e: ExprNode): ExprNode {
  switch (e.kind) {
    case 'binary':
      if (e.op === 'and') return simplifyAnd(e.left, e.right) ?? e;
      if (e.op === 'or') return simplifyOr(e.left, e.right) ?? e;
      return e.left.kind === 'literal' && e.right.kind === 'literal' ? (foldBinary(e.op, e.left, e.right) ?? e) : e;
    case 'unary':
      return simplifyUnary(e);
    case 'cast':
      return e.arg.kind === 'literal' ? (foldCast(e.arg, e.to) ?? e) : e;
    case 'case': {
      const branches = e.branches.filter((b) => !isLiteral(b.when, false) && !isLiteral(b.when, null));
      if (branches.length > 0 && isLiteral(branches[0]!.when, true)) return branches[0]!.then;
      if (branches.length === 0) return e.otherwise ?? e;
      return branches.length === e.branches.length ? e : { ...e, branches };
    }
    default:
      return e;
  }
}

function simplifyAnd(l: ExprNode, r: ExprNode): ExprNode | undefined {
  if (isLiteral(l, false) || isLiteral(r, false)) return bool(false);
  if (isLiteral(l, true)) return r;
  if (isLiteral(r, true)) return l;
  if (isLiteral(l, null) && isLiteral(r, null)) return nullOf('bool');
  return undefined;
}

function simplifyOr(l: ExprNode, r: ExprNode): ExprNode | undefined {
  if (isLiteral(l, true) || isLiteral(r, true)) return bool(true);
  if (isLiteral(l, false)) return r;
  if (isLiteral(r, false)) return l;
  if (isLiteral(l, null) && isLiteral(r, null)) return nullOf('bool');
  return undefined;
}

function simplifyUnary(e: Extract<ExprNode, { kind: 'unary' }>): ExprNode {
  const a = e.arg;
  if (a.kind === 'literal') {
    if (e.op === 'isNull') return bool(a.value === null);
    if (e.op === 'isNotNull') return bool(a.value !== null);
    if (a.value === null) return nullOf(e.op === 'not' ? 'bool' : a.type);
    if (e.op === 'not' && typeof a.value === 'boolean') return bool(!a.value);
    if (e.op === 'neg' && typeof a.value === 'number') return { ...a, value: -a.value };
    return e;
  }
  if (e.op !== 'not') return e;
  if (a.kind === 'unary' && a.op === 'not') return a.arg;
  if (a.kind === 'unary' && (a.op === 'isNull' || a.op === 'isNotNull')) return { ...a, op: a.op === 'isNull' ? 'isNotNull' : 'isNull' };
  if (a.kind === 'binary' && NEGATED[a.op]) return { ...a, op: NEGATED[a.op]! };
  if (a.kind === 'in' || a.kind === 'like' || a.kind === 'inSubquery' || a.kind === 'exists') return { ...a, negated: !a.negated };
  return e;
}

type Literal = Extract<ExprNode, { kind: 'literal' }>;

function foldBinary(op: BinaryOp, l: Literal, r: Literal): ExprNode | undefined {
  if (NEGATED[op]) {
    if (l.value === null || r.value === null) return nullOf('bool');
    if (l.type === 'date' || l.type === 'timestamp' || typeof l.value !== typeof r.value) return undefined;
    return bool(compare(op, l.value, r.value));
  }
  if (op === '||') {
    if (l.value === null || r.value === null) return nullOf('string');
    return typeof l.value === 'string' && typeof r.value === 'string' ? { kind: 'literal', value: l.value + r.value, type: 'string' } : undefined;
  }
  if (!isNumeric(l.type) && l.type !== 'null') return undefined;
  if (!isNumeric(r.type) && r.type !== 'null') return undefined;
  let type: DataType;
  try {
    type = arithmeticType(op, l.type, r.type);
  } catch {
    return undefined;
  }
  if (l.value === null || r.value === null) return nullOf(type);
  const a = l.value as number;
  const b = r.value as number;
  // By zero: IEEE ±Infinity/NaN for `/`, NULL for an integer `%`; left to the runtime, which decides.
  if ((op === '/' || op === '%') && b === 0) return undefined;
  const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
  if (type === 'int32' && (v > 2147483647 || v < -2147483648)) return undefined;
  if (type === 'int64' && !Number.isSafeInteger(v)) return undefined;
  // Integers have no -0 (as at runtime).
  return { kind: 'literal', value: type === 'float64' || v !== 0 ? v : 0, type };
}

function compare(op: BinaryOp, a: LiteralValue, b: LiteralValue): boolean {
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

/** Casts of NULL and between numeric types fold; other casts keep their runtime parsing rules. */
function foldCast(l: Literal, to: DataType): ExprNode | undefined {
  if (l.value === null) return nullOf(to);
  if (!isNumeric(l.type) || !isNumeric(to) || typeof l.value !== 'number') return undefined;
  try {
    const v = castRaw(l.value, l.type, to);
    return typeof v === 'number' || v === null ? { kind: 'literal', value: v, type: to } : undefined;
  } catch {
    return undefined;
  }
}

function isLiteral(e: ExprNode, value: LiteralValue): boolean {
  return e.kind === 'literal' && e.value === value;
}

const bool = (value: boolean): ExprNode => ({ kind: 'literal', value, type: 'bool' });
const nullOf = (type: DataType): ExprNode => ({ kind: 'literal', value: null, type });
