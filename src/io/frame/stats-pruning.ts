import type { BinaryOp, ExprNode } from '../../frame/expr/expr-node.js';
import type { DataType } from '../../frame/types.js';
import type { ColumnStats } from './scan-units.js';
import { BAD, parseDate, parseTimestamp } from './value-parsers.js';

type Bound = number | string | boolean;
type Lookup = (column: string) => { type: DataType; stats: ColumnStats | undefined } | undefined;

const FLIP: Partial<Record<BinaryOp, BinaryOp>> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * False only when statistics prove that no row of a unit (`rows` rows) can satisfy every conjunct in
 * `filters`. Understands `col op literal` (= != < <= > >=, either side), `isNull`/`isNotNull`,
 * `col IN (literals)`, AND and OR; anything else is assumed to match. Filters are unbound (by name).
 */
export function unitMayMatch(filters: readonly ExprNode[], rows: number, lookup: Lookup): boolean {
  return filters.every((f) => mayMatch(f, rows, lookup));
}

function mayMatch(e: ExprNode, rows: number, lookup: Lookup): boolean {
  switch (e.kind) {
    case 'binary': {
      if (e.op === 'and') return mayMatch(e.left, rows, lookup) && mayMatch(e.right, rows, lookup);
      if (e.op === 'or') return mayMatch(e.left, rows, lookup) || mayMatch(e.right, rows, lookup);
      const op = FLIP[e.op];
      if (!op) return true;
      if (e.left.kind === 'column' && e.right.kind === 'literal') return compareMayMatch(e.left.name, e.op, e.right, rows, lookup);
      if (e.right.kind === 'column' && e.left.kind === 'literal') return compareMayMatch(e.right.name, op, e.left, rows, lookup);
      return true;
    }
    case 'unary': {
      if (e.arg.kind !== 'column' || (e.op !== 'isNull' && e.op !== 'isNotNull')) return true;
      const nulls = lookup(e.arg.name)?.stats?.nullCount;
      if (nulls === null || nulls === undefined) return true;
      return e.op === 'isNull' ? nulls > 0 : nulls < rows;
    }
    case 'in': {
      if (e.negated || e.arg.kind !== 'column') return true;
      const name = e.arg.name;
      return e.list.some((item) => item.kind !== 'literal' || compareMayMatch(name, '=', item, rows, lookup));
    }
    default:
      return true;
  }
}

function compareMayMatch(column: string, op: BinaryOp, lit: Extract<ExprNode, { kind: 'literal' }>, rows: number, lookup: Lookup): boolean {
  const c = lookup(column);
  if (!c?.stats) return true;
  const { min, max, nullCount } = c.stats;
  // A comparison with NULL is never true, and neither is one on a column that is all nulls.
  if (lit.value === null || nullCount === rows) return false;
  const v = literalIn(c.type, lit.value);
  if (v === null || min === null || max === null) return true;
  if (typeof v !== typeof min || typeof v !== typeof max) return true;
  if (Number.isNaN(v) || Number.isNaN(min) || Number.isNaN(max)) return true;
  switch (op) {
    case '=':
      return min <= v && v <= max;
    case '!=':
      return !(min === max && min === v);
    case '<':
      return min < v;
    case '<=':
      return min <= v;
    case '>':
      return max > v;
    case '>=':
      return max >= v;
    default:
      return true;
  }
}

/** The literal in the column's stats units (date strings → days, timestamp strings → ms); null if unknown. */
function literalIn(type: DataType, value: Bound): Bound | null {
  if (typeof value !== 'string') return value;
  if (type === 'date') {
    const d = parseDate(value);
    return d === BAD ? null : (d as number);
  }
  if (type === 'timestamp') {
    const t = parseTimestamp(value);
    return t === BAD ? null : (t as number);
  }
  return value;
}
