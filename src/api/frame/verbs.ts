import { Expr, toExpr, type SortExpr } from '../../frame/expr/expr-builder.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import type { JoinType, LogicalPlan, SortKey } from '../../frame/logical/plan.js';
import { outputSchema } from '../../frame/logical/schema.js';
import { SluiceError } from '../../util/errors.js';
import { checkPartitionCount } from '../../util/partition-count.js';

/** A column argument of a verb: a name (`'city'`, `'*'`, `'t.city'`) or an expression. */
export type ColumnLike = string | Expr;

/** A column name (possibly qualified, or `*`) or expression as a node. */
export function columnNode(c: ColumnLike): ExprNode {
  if (c instanceof Expr) return c.node;
  if (c === '*') return { kind: 'star' };
  const dot = c.indexOf('.');
  if (dot > 0 && !c.includes(' ')) {
    const qualifier = c.slice(0, dot);
    const name = c.slice(dot + 1);
    return name === '*' ? { kind: 'star', qualifier } : { kind: 'column', name, qualifier };
  }
  return toExpr(c);
}

export function select(plan: LogicalPlan, cols: ColumnLike[]): LogicalPlan {
  return { kind: 'project', input: plan, exprs: cols.map(columnNode) };
}

export function filter(plan: LogicalPlan, predicate: ExprNode): LogicalPlan {
  return { kind: 'filter', input: plan, predicate };
}

/** Output column names of a plan (analysis resolves them). */
export function columnNames(plan: LogicalPlan, analyze: (p: LogicalPlan) => LogicalPlan): string[] {
  return outputSchema(analyze(plan)).fields.map((f) => f.name);
}

const ref = (name: string): ExprNode => ({ kind: 'column', name });

/** Adds a column, or replaces the one of that name in place. */
export function withColumn(plan: LogicalPlan, names: string[], name: string, e: ExprNode): LogicalPlan {
  const exprs: ExprNode[] = names.map((n) => (n === name ? { kind: 'alias', arg: e, name } : ref(n)));
  if (!names.includes(name)) exprs.push({ kind: 'alias', arg: e, name });
  return { kind: 'project', input: plan, exprs };
}

export function withColumnRenamed(plan: LogicalPlan, names: string[], from: string, to: string): LogicalPlan {
  if (!names.includes(from)) return plan; // as in Spark: renaming a missing column is a no-op
  return { kind: 'project', input: plan, exprs: names.map((n) => (n === from ? { kind: 'alias', arg: ref(n), name: to } : ref(n))) };
}

export function drop(plan: LogicalPlan, names: string[], dropped: string[]): LogicalPlan {
  return { kind: 'project', input: plan, exprs: names.filter((n) => !dropped.includes(n)).map(ref) };
}

/** Groups `plan` by `groupBy` and computes `aggs` (which only `allowNone` lets be empty: the groups alone). */
export function aggregate(plan: LogicalPlan, groupBy: ColumnLike[], aggs: Expr[], allowNone = false): LogicalPlan {
  if (!aggs.length && !allowNone) throw new SluiceError('agg() needs at least one aggregate, e.g. agg(count("*"))');
  return { kind: 'aggregate', input: plan, groupBy: groupBy.map(columnNode), aggs: aggs.map((a) => a.node) };
}

export type JoinOn = string | string[] | Expr | undefined;
export type JoinHow = 'inner' | 'left' | 'left_outer' | 'right' | 'right_outer' | 'full' | 'outer' | 'full_outer' | 'semi' | 'left_semi' | 'anti' | 'left_anti' | 'cross';

const JOIN_TYPES: Record<JoinHow, JoinType> = {
  inner: 'inner',
  left: 'left',
  left_outer: 'left',
  right: 'right',
  right_outer: 'right',
  full: 'full',
  outer: 'full',
  full_outer: 'full',
  semi: 'semi',
  left_semi: 'semi',
  anti: 'anti',
  left_anti: 'anti',
  cross: 'cross',
};

export function join(left: LogicalPlan, right: LogicalPlan, on: JoinOn, how: JoinHow): LogicalPlan {
  const type = JOIN_TYPES[how];
  if (!type) throw new SluiceError(`unknown join type "${how}"; use one of ${Object.keys(JOIN_TYPES).join(', ')}`);
  if (on === undefined) return { kind: 'join', left, right, type: type === 'inner' ? 'cross' : type, on: null };
  if (typeof on === 'string' || Array.isArray(on)) return { kind: 'join', left, right, type, on: null, using: typeof on === 'string' ? [on] : on };
  return { kind: 'join', left, right, type, on: on.node };
}

export type SortLike = ColumnLike | SortExpr;

/** Sort keys: names and expressions ascending (nulls last), or `col(x).desc()`-style keys. */
export function orderBy(plan: LogicalPlan, cols: SortLike[]): LogicalPlan {
  const keys: SortKey[] = cols.map((c) => (typeof c === 'string' || c instanceof Expr ? { expr: columnNode(c), ascending: true, nullsFirst: false } : { expr: c.expr, ascending: c.ascending, nullsFirst: c.nullsFirst }));
  return { kind: 'sort', input: plan, keys };
}

export function limit(plan: LogicalPlan, n: number, offset = 0): LogicalPlan {
  if (!Number.isInteger(n) || n < 0) throw new SluiceError(`limit needs a non-negative integer, got ${n}`);
  return { kind: 'limit', input: plan, n, offset };
}

export function union(plans: LogicalPlan[], all: boolean): LogicalPlan {
  return { kind: 'union', inputs: plans, all };
}

export function repartition(plan: LogicalPlan, n: number, cols: ColumnLike[]): LogicalPlan {
  return { kind: 'repartition', input: plan, numPartitions: checkPartitionCount(n, 'repartition', 'n'), keys: cols.map(columnNode) };
}

/**
 * describe(): count, mean, stddev, min and max of each column, one row per
 * statistic (as strings, like Spark), built as a union of one-row aggregates.
 */
export function describe(plan: LogicalPlan, cols: Array<{ name: string; numeric: boolean }>): LogicalPlan {
  const stats: Array<[string, (c: ExprNode, numeric: boolean) => ExprNode | null]> = [
    ['count', (c) => agg('count', c)],
    ['mean', (c, num) => (num ? agg('avg', c) : null)],
    ['stddev', (c, num) => (num ? agg('stddev_samp', c) : null)],
    ['min', (c) => agg('min', c)],
    ['max', (c) => agg('max', c)],
  ];
  const rows = stats.map(([label, f]): LogicalPlan => {
    const aggs = cols.map((c, i) => ({ kind: 'alias' as const, arg: f(ref(c.name), c.numeric) ?? agg('count', { kind: 'literal', value: null, type: 'int32' }), name: `_${i}` }));
    const one: LogicalPlan = { kind: 'aggregate', input: plan, groupBy: [], aggs };
    const exprs: ExprNode[] = [{ kind: 'alias', arg: { kind: 'literal', value: label, type: 'string' }, name: 'summary' }];
    cols.forEach((c, i) => {
      const v: ExprNode = { kind: 'cast', arg: ref(`_${i}`), to: 'string' };
      const keep = f(ref(c.name), c.numeric) !== null;
      exprs.push({ kind: 'alias', arg: keep ? v : { kind: 'literal', value: null, type: 'string' }, name: c.name });
    });
    return { kind: 'project', input: one, exprs };
  });
  return { kind: 'union', inputs: rows, all: true };
}

function agg(fn: 'count' | 'avg' | 'stddev_samp' | 'min' | 'max', arg: ExprNode): ExprNode {
  return { kind: 'agg', fn, args: [arg], distinct: false, params: [] };
}
