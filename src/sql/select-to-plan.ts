import { defaultName, type ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import { groupedProjection, planAggregation, type SelectItem } from './aggregate-to-plan.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { fromToPlan } from './from-to-plan.js';
import { limitPlan, positional, resolveOrderBy, sortPlan, type OrderKey } from './order-by.js';
import { outputColumns } from './output-columns.js';
import { positionOf, type AstNode } from './parse.js';
import type { QueryEnv } from './query-env.js';
import type { Scope } from './scope.js';

/**
 * Plans one SELECT block: FROM, WHERE, grouping and HAVING, the select list,
 * DISTINCT, and (unless `orderAndLimit` is false, as for members of a set
 * operation) ORDER BY and LIMIT.
 */
export function selectToPlan(ast: AstNode, env: QueryEnv, orderAndLimit = true): LogicalPlan {
  if (ast.distinct?.type === 'DISTINCT ON') throw unsupported(env.text, undefined, 'DISTINCT ON', /\bdistinct\s+on\b/i);
  if (!ast.from?.length) throw unsupported(env.text, undefined, 'SELECT without FROM', /\bselect\b/i);
  const from = fromToPlan(ast.from, env);
  const ctx: ExprContext = { text: env.text, scope: from.scope, subquery: (q) => env.query(q, { ...env, outer: from.scope }) };
  let plan = from.plan;
  if (ast.where) {
    const predicate = exprToNode(ast.where, ctx);
    if (hasAgg(predicate)) throw errorAt(env.text, positionOf(ast.where), 'Aggregate functions are not allowed in WHERE (use HAVING)');
    plan = { kind: 'filter', input: plan, predicate };
  }
  const items = selectItems(ast.columns, ctx);
  const star = items.some((i) => i.expr.kind === 'star');
  const projected = items.map((i) => (i.alias === undefined ? i.expr : ({ kind: 'alias', arg: i.expr, name: i.alias } as ExprNode)));
  const outputNames = outputColumns({ kind: 'project', input: plan, exprs: projected })?.map((c) => c.name);
  const keys = orderAndLimit && ast.orderby ? resolveOrderBy(ast.orderby, items, outputNames, ctx) : [];
  const distinct = ast.distinct?.type === 'DISTINCT';

  const grouped = (ast.groupby?.columns?.length ?? 0) > 0 || !!ast.having || items.some((i) => hasAgg(i.expr)) || keys.some((k) => hasAgg(k.expr));
  if (grouped) {
    if (star) throw unsupported(env.text, undefined, 'SELECT * in a query with GROUP BY or aggregates', /\*/);
    const groupBy = ((ast.groupby?.columns ?? []) as AstNode[]).map((g) => groupKey(g, items, from.scope, ctx));
    const having = ast.having ? exprToNode(ast.having, ctx) : undefined;
    const agg = planAggregation(env.text, plan, groupBy, items, having, keys.filter((k) => k.output === undefined).map((k) => k.expr));
    plan = agg.plan;
    const exprs = groupedProjection(items, agg);
    plan = finish(plan, exprs, keys, distinct, (k) => agg.rewrite(k.expr), env.text);
  } else {
    const exprs = items.length === 1 && star && items[0]!.expr.kind === 'star' && items[0]!.expr.qualifier === undefined ? undefined : projected;
    plan = finish(plan, exprs, keys, distinct, (k) => k.expr, env.text, star);
  }
  return orderAndLimit && ast.limit ? limitPlan(plan, ast.limit, env.text) : plan;
}

function selectItems(columns: AstNode[], ctx: ExprContext): SelectItem[] {
  return columns.map((c): SelectItem => {
    const expr = exprToNode(c.expr, ctx, positionOf(c.expr));
    const alias = c.as === null || c.as === undefined ? undefined : String(typeof c.as === 'object' ? c.as.value : c.as);
    return { expr, alias, name: alias ?? (expr.kind === 'star' ? '*' : defaultName(expr)) };
  });
}

/**
 * A GROUP BY item: a select-list position, a select alias (when the input has
 * no column of that name), or an expression over the input.
 */
function groupKey(node: AstNode, items: SelectItem[], scope: Scope, ctx: ExprContext): ExprNode {
  if (node?.type === 'number') {
    const name = positional(node, items, undefined, ctx, 'GROUP BY');
    return items.find((i) => i.name === name)!.expr;
  }
  const e = exprToNode(node, ctx, positionOf(node));
  if (e.kind === 'column' && e.qualifier === undefined && !scope.columns?.some((c) => c.name === e.name)) {
    const item = items.find((i) => i.alias === e.name);
    if (item) return item.expr;
  }
  if (hasAgg(e)) throw errorAt(ctx.text, positionOf(node), 'Aggregate functions are not allowed in GROUP BY', /\bgroup\s+by\b/i);
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
