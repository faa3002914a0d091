import type { ExprNode } from './expr-node.js';
import { typeName, type DataType } from '../types.js';
import { formatDate, formatTimestamp } from './datetime.js';

/**
 * The printed form of an expression, SQL-like and complete (every branch of a
 * CASE, every element of an IN list), as shown by `Expr.toString()` and in
 * plans. Output names use `defaultName` from expr-node.ts instead.
 */
export function printExpr(e: ExprNode): string {
  const p = printExpr;
  switch (e.kind) {
    case 'column':
      return e.qualifier ? `${e.qualifier}.${e.name}` : e.name;
    case 'literal':
      return printLiteral(e.value, e.type);
    case 'binary':
      return `(${p(e.left)} ${e.op.toUpperCase()} ${p(e.right)})`;
    case 'unary':
      if (e.op === 'neg') return `(- ${p(e.arg)})`;
      if (e.op === 'not') return `(NOT ${p(e.arg)})`;
      return `(${p(e.arg)} ${e.op === 'isNull' ? 'IS NULL' : 'IS NOT NULL'})`;
    case 'call':
      return `${e.fn}(${e.args.map(p).join(', ')})`;
    case 'case': {
      const branches = e.branches.map((b) => ` WHEN ${p(b.when)} THEN ${p(b.then)}`).join('');
      return `CASE${branches}${e.otherwise ? ` ELSE ${p(e.otherwise)}` : ''} END`;
    }
    case 'cast':
      return `CAST(${p(e.arg)} AS ${typeName(e.to).toUpperCase()})`;
    case 'in':
      return `(${p(e.arg)} ${e.negated ? 'NOT IN' : 'IN'} (${e.list.map(p).join(', ')}))`;
    case 'like':
      return `(${p(e.arg)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${quote(e.pattern)})`;
    case 'alias':
      return `${p(e.arg)} AS ${e.name}`;
    case 'agg': {
      if (e.fn === 'count_star') return 'count(*)';
      const args = [...e.args.map(p), ...e.params.map(String)].join(', ');
      return `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${args})`;
    }
    case 'udf':
      return `${e.name}(${e.args.map(p).join(', ')})`;
    case 'star':
      return e.qualifier ? `${e.qualifier}.*` : '*';
    case 'inSubquery':
      return `(${p(e.arg)} ${e.negated ? 'NOT IN' : 'IN'} (<subquery>))`;
    case 'exists':
      return `${e.negated ? 'NOT ' : ''}EXISTS (<subquery>)`;
    case 'scalarSubquery':
      return '(<subquery>)';
    case 'outer':
      return `outer(${e.qualifier ? `${e.qualifier}.` : ''}${e.name})`;
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function printLiteral(value: unknown, type: DataType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return type === 'string' ? quote(value) : `${typeName(type).toUpperCase()} ${quote(value)}`;
  if (type === 'date' && typeof value === 'number') return `DATE ${quote(formatDate(value))}`;
  if (type === 'timestamp' && typeof value === 'number') return `TIMESTAMP ${quote(formatTimestamp(value))}`;
  return String(value);
}
