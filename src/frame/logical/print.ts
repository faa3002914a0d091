import type { BinaryOp, ExprNode, LiteralValue } from '../expr/expr-node.js';
import type { DataType } from '../types.js';
import { exprChildren } from './expr-utils.js';
import { children, type LogicalPlan } from './plan.js';

/**
 * The plan as an indented tree, two spaces per level, one line per node. Plans of
 * subqueries inside a node's expressions follow the node as `Subquery:` blocks.
 * Printed plans are what optimizer tests compare, and what `explain()` shows.
 */
export function printPlan(plan: LogicalPlan): string {
  const lines: string[] = [];
  printInto(plan, 0, lines);
  return lines.join('\n');
}

function printInto(plan: LogicalPlan, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  lines.push(pad + nodeLine(plan));
  for (const sub of subqueriesOf(plan)) {
    lines.push(pad + '  Subquery:');
    printInto(sub, depth + 2, lines);
  }
  for (const child of children(plan)) printInto(child, depth + 1, lines);
}

/** The one-line description of a plan node, without its children. */
export function nodeLine(p: LogicalPlan): string {
  const list = (es: ExprNode[]): string => es.map(printExpr).join(', ');
  switch (p.kind) {
    case 'scan': {
      let s = `Scan: ${p.source.name}`;
      if (p.source.kind === 'memory') s += ` rows=${p.source.rows}`;
      if (p.projection) s += ` projection=[${p.projection.join(', ')}]`;
      if (p.filters.length > 0) s += ` filters=[${list(p.filters)}]`;
      return s;
    }
    case 'project':
      return `Projection: ${list(p.exprs)}`;
    case 'filter':
      return `Filter: ${printExpr(p.predicate)}`;
    case 'aggregate':
      return `Aggregate: groupBy=[${list(p.groupBy)}], aggr=[${list(p.aggs)}]`;
    case 'join': {
      let s = `Join: type=${p.type}`;
      if (p.mark !== undefined) s += ` mark=${p.mark}`;
      if (p.on) s += ` on=${printExpr(p.on)}`;
      if (p.using) s += ` using=[${p.using.join(', ')}]`;
      if (p.strategy) s += ` strategy=${p.strategy}`;
      return s;
    }
    case 'sort':
      return `Sort: ${p.keys.map((k) => `${printExpr(k.expr)} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`;
    case 'limit':
      return `Limit: n=${p.n} offset=${p.offset}`;
    case 'distinct':
      return 'Distinct';
    case 'union':
      return `Union: all=${p.all}`;
    case 'subqueryAlias':
      return `SubqueryAlias: ${p.alias}`;
    case 'repartition':
      return `Repartition: n=${p.numPartitions}` + (p.keys.length > 0 ? ` keys=[${list(p.keys)}]` : ' roundRobin');
    case 'dropDuplicates':
      return `DropDuplicates: keys=[${p.keys.join(', ')}]`;
    case 'cache':
      return `Cache: id=${p.id}`;
  }
}

/** Plans of the subqueries used in a node's own expressions. */
function subqueriesOf(p: LogicalPlan): LogicalPlan[] {
  const exprs: ExprNode[] =
    p.kind === 'filter' ? [p.predicate] : p.kind === 'project' ? p.exprs : p.kind === 'join' && p.on ? [p.on] : [];
  const out: LogicalPlan[] = [];
  const visit = (e: ExprNode): void => {
    if (e.kind === 'inSubquery' || e.kind === 'exists' || e.kind === 'scalarSubquery') out.push(e.plan);
    for (const k of exprChildren(e)) visit(k);
  };
  exprs.forEach(visit);
  return out;
}

// Binding strength of binary operators, for minimal parentheses.
const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1, and: 2, '=': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '||': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};
const ASSOCIATIVE = new Set<BinaryOp>(['or', 'and', '||', '+', '*']);

/** SQL-like text of an expression: `t.x + 1 > 2`, `'text'`, `sum(v) AS total`. */
export function printExpr(e: ExprNode): string {
  switch (e.kind) {
    case 'column':
      return e.qualifier ? `${e.qualifier}.${e.name}` : e.name;
    case 'literal':
      return printLiteral(e.value, e.type);
    case 'binary': {
      const p = PRECEDENCE[e.op];
      const left = wrapIf(e.left, (q) => q < p);
      const right = wrapIf(e.right, (q) => q < p || (q === p && !(e.right.kind === 'binary' && e.right.op === e.op && ASSOCIATIVE.has(e.op))));
      return `${left} ${e.op === 'and' || e.op === 'or' ? e.op.toUpperCase() : e.op} ${right}`;
    }
    case 'unary': {
      const arg = e.arg.kind === 'binary' ? `(${printExpr(e.arg)})` : printExpr(e.arg);
      if (e.op === 'not') return `NOT ${arg}`;
      if (e.op === 'neg') return `-${arg}`;
      return `${arg} ${e.op === 'isNull' ? 'IS NULL' : 'IS NOT NULL'}`;
    }
    case 'call':
      return `${e.fn}(${e.args.map(printExpr).join(', ')})`;
    case 'udf':
      return `${e.name}(${e.args.map(printExpr).join(', ')})`;
    case 'agg': {
      if (e.fn === 'count_star') return 'count(*)';
      const args = [...e.args.map(printExpr), ...e.params.map(String)].join(', ');
      return `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${args})`;
    }
    case 'case': {
      const branches = e.branches.map((b) => ` WHEN ${printExpr(b.when)} THEN ${printExpr(b.then)}`).join('');
      return `CASE${branches}${e.otherwise ? ` ELSE ${printExpr(e.otherwise)}` : ''} END`;
    }
    case 'cast':
      return `CAST(${printExpr(e.arg)} AS ${printType(e.to)})`;
    case 'in':
      return `${wrapIf(e.arg, () => true)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(printExpr).join(', ')})`;
    case 'like': {
      const op = e.caseInsensitive ? 'ILIKE' : 'LIKE';
      return `${wrapIf(e.arg, () => true)} ${e.negated ? 'NOT ' : ''}${op} ${printLiteral(e.pattern, 'string')}`;
    }
    case 'alias':
      return `${printExpr(e.arg)} AS ${e.name}`;
    case 'star':
      return e.qualifier ? `${e.qualifier}.*` : '*';
    case 'inSubquery':
      return `${wrapIf(e.arg, () => true)} ${e.negated ? 'NOT ' : ''}IN (<subquery>)`;
    case 'exists':
      return `${e.negated ? 'NOT ' : ''}EXISTS (<subquery>)`;
    case 'scalarSubquery':
      return '(<subquery>)';
    case 'outer':
      return `outer(${e.qualifier ? `${e.qualifier}.` : ''}${e.name})`;
  }
}

/** Prints `e`, in parentheses when it is a binary expression whose precedence satisfies `needs`. */
function wrapIf(e: ExprNode, needs: (precedence: number) => boolean): string {
  return e.kind === 'binary' && needs(PRECEDENCE[e.op]) ? `(${printExpr(e)})` : printExpr(e);
}

function printLiteral(v: LiteralValue, type: DataType): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') {
    const quoted = `'${v.replaceAll("'", "''")}'`;
    return type === 'date' || type === 'timestamp' ? `${type.toUpperCase()} ${quoted}` : quoted;
  }
  return String(v);
}

export function printType(t: DataType): string {
  return typeof t === 'object' ? `LIST<${printType(t.list)}>` : t.toUpperCase();
}
