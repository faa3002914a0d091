import { defaultName, type ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import { groupedProjection, planAggregation, type SelectItem } from './aggregate-to-plan.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { fromToPlan, type FromResult } from './from-to-plan.js';
import { oneRow } from './one-row.js';
import { integerConstant, limitPlan, positional, resolveOrderBy, sortPlan, type OrderKey } from './order-by.js';
import { outputColumns } from './output-columns.js';
import { locationOf, nodeAs, type Node, type SelectStmt } from './pg-ast.js';
import type { QueryEnv } from './query-env.js';
import type { Scope } from './scope.js';

/**
 * Plans one SELECT block: FROM, WHERE, grouping and HAVING, the select list,
 * DISTINCT, and (unless `orderAndLimit` is false, as for members of a set
 * operation) ORDER BY and LIMIT.
 */
export function selectToPlan(select: SelectStmt, env: QueryEnv, orderAndLimit = true): LogicalPlan {
  const distinctOn = select.distinctClause?.some((d) => Object.keys(d).length > 0);
  if (distinctOn) throw unsupported(env.text, undefined, 'DISTINCT ON', /\bdistinct\s+on\b/i);
  if (select.windowClause?.length) throw unsupported(env.text, undefined, 'WINDOW clauses', /\bwindow\b/i);
  if (select.intoClause || select.lockingClause?.length) throw unsupported(env.text, undefined, 'SELECT INTO and locking clauses');
  const from: FromResult = select.fromClause?.length ? fromToPlan(select.fromClause, env) : { plan: oneRow(), scope: { columns: [], qualifiers: new Set(), parent: env.outer } };
  const ctx: ExprContext = { text: env.text, catalog: env.catalog, scope: from.scope, subquery: (q) => env.query(q, { ...env, outer: from.scope }) };
  let plan = from.plan;
  if (select.whereClause) {
    const predicate = exprToNode(select.whereClause, ctx);
    if (hasAgg(predicate)) throw errorAt(env.text, locationOf(select.whereClause), 'Aggregate functions are not allowed in WHERE (use HAVING)');
    plan = { kind: 'filter', input: plan, predicate };
  }
  const items = selectItems(select.targetList ?? [], ctx);
  const star = items.some((i) => i.expr.kind === 'star');
  if (star && !select.fromClause?.length) throw errorAt(env.text, undefined, 'SELECT * needs a FROM clause', /\*/);
  const projected = items.map((i) => (i.alias === undefined ? i.expr : ({ kind: 'alias', arg: i.expr, name: i.alias } as ExprNode)));
  const outputNames = outputColumns({ kind: 'project', input: plan, exprs: projected })?.map((c) => c.name);
  const keys = orderAndLimit && select.sortClause ? resolveOrderBy(select.sortClause, items, outputNames, ctx) : [];
  const distinct = select.distinctClause !== undefined;

  const groupClause = select.groupClause ?? [];
  const grouped = groupClause.length > 0 || !!select.havingClause || items.some((i) => hasAgg(i.expr)) || keys.some((k) => hasAgg(k.expr));
  if (grouped) {
    if (star) throw unsupported(env.text, undefined, 'SELECT * in a query with GROUP BY or aggregates', /\*/);
    const groupBy = groupClause.map((g) => groupKey(g, items, from.scope, ctx));
    const having = select.havingClause ? exprToNode(select.havingClause, ctx) : undefined;
    const agg = planAggregation(env.text, plan, groupBy, items, having, keys.filter((k) => k.output === undefined).map((k) => k.expr));
    plan = agg.plan;
    const exprs = groupedProjection(items, agg);
    plan = finish(plan, exprs, keys, distinct, (k) => agg.rewrite(k.expr), env.text);
  } else {
    const exprs = items.length === 1 && star && items[0]!.expr.kind === 'star' && items[0]!.expr.qualifier === undefined ? undefined : projected;
    plan = finish(plan, exprs, keys, distinct, (k) => k.expr, env.text, star);
  }
  return orderAndLimit ? limitPlan(plan, select, env.text) : plan;
}

function selectItems(targets: Node[], ctx: ExprContext): SelectItem[] {
  return targets.map((n): SelectItem => {
    const target = nodeAs(n, 'ResTarget');
    const expr = exprToNode(target?.val, ctx, target?.location);
    const alias = target?.name;
    return { expr, alias, name: alias ?? (expr.kind === 'star' ? '*' : defaultName(expr)) };
  });
}

/**
 * A GROUP BY item: a select-list position, a select alias (when the input has
 * no column of that name), or an expression over the input.
 */
function groupKey(node: Node, items: SelectItem[], scope: Scope, ctx: ExprContext): ExprNode {
  if (nodeAs(node, 'GroupingSet')) throw unsupported(ctx.text, locationOf(node), 'ROLLUP, CUBE and GROUPING SETS');
  const position = integerConstant(node);
  if (position !== undefined) {
    const name = positional(position, locationOf(node), items, undefined, ctx, 'GROUP BY');
    return items.find((i) => i.name === name)!.expr;
  }
  const e = exprToNode(node, ctx);
  if (e.kind === 'column' && e.qualifier === undefined && !scope.columns?.some((c) => c.name === e.name)) {
    const item = items.find((i) => i.alias === e.name);
    if (item) return item.expr;
  }
  if (hasAgg(e)) throw errorAt(ctx.text, locationOf(node), 'Aggregate functions are not allowed in GROUP BY', /\bgroup\s+by\b/i);
  return e;
}

/**
 * Projection, DISTINCT and sort. Keys that all name output columns sort the
 * result; otherwise the sort goes below the projection, keyed by `inputKey`
 * (which SELECT DISTINCT cannot allow, unless a `*` may expose the column).
 */
function finish(
  input: LogicalPlan,
  exprs: ExprNode[] | undefined,
  keys: OrderKey[],
  distinct: boolean,
  inputKey: (k: OrderKey) => ExprNode,
  text: string,
  star = false,
): LogicalPlan {
  const onOutput = keys.every((k) => k.output !== undefined) || (distinct && star);
  let plan = input;
  if (keys.length > 0 && !onOutput) {
    if (distinct) throw errorAt(text, undefined, 'For SELECT DISTINCT, ORDER BY expressions must appear in the select list', /\border\s+by\b/i);
    plan = sortPlan(plan, keys, inputKey);
  }
  if (exprs) plan = { kind: 'project', input: plan, exprs };
  if (distinct) plan = { kind: 'distinct', input: plan };
  if (keys.length > 0 && onOutput) plan = sortPlan(plan, keys, (k) => (k.output !== undefined ? { kind: 'column', name: k.output } : k.expr));
  return plan;
}
