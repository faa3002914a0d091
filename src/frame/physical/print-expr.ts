import type { ExprNode } from '../expr/expr-node.js';

/** Compact printed form of a bound expression for physical plans: columns as `name#index`. */
export function printPlanExpr(e: ExprNode): string {
  switch (e.kind) {
    case 'column':
      return e.index === undefined ? e.name : `${e.name}#${e.index}`;
    case 'literal':
      return typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'binary':
      return `(${printPlanExpr(e.left)} ${e.op.toUpperCase()} ${printPlanExpr(e.right)})`;
    case 'unary':
      return e.op === 'not' ? `NOT ${printPlanExpr(e.arg)}` : e.op === 'neg' ? `-${printPlanExpr(e.arg)}` : `${printPlanExpr(e.arg)} ${e.op === 'isNull' ? 'IS NULL' : 'IS NOT NULL'}`;
    case 'alias':
      return `${printPlanExpr(e.arg)} AS ${e.name}`;
    case 'cast':
      return `CAST(${printPlanExpr(e.arg)} AS ${typeof e.to === 'object' ? 'LIST' : e.to.toUpperCase()})`;
    case 'call':
    case 'udf':
      return `${e.kind === 'udf' ? e.name : e.fn}(${e.args.map(printPlanExpr).join(', ')})`;
    case 'agg':
      return `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(printPlanExpr).join(', ')}${e.params.length ? ', ' + e.params.join(', ') : ''})`;
    case 'in':
      return `${printPlanExpr(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(printPlanExpr).join(', ')})`;
    case 'like':
      return `${printPlanExpr(e.arg)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} '${e.pattern}'`;
    case 'case':
      return `CASE ${e.branches.map((b) => `WHEN ${printPlanExpr(b.when)} THEN ${printPlanExpr(b.then)}`).join(' ')}${e.otherwise ? ' ELSE ' + printPlanExpr(e.otherwise) : ''} END`;
    default:
      return e.kind;
  }
}
