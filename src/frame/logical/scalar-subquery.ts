import type { ExprNode } from '../expr/expr-node.js';
import type { LogicalPlan } from './plan.js';
import { columnAt, planScope } from './scope.js';

/**
 * The one row an uncorrelated scalar subquery stands for: a global aggregate of `plan` holding its
 * first column's value (`first`: NULL when there are no rows) as `value` and its row count as `rows`.
 * Grouped by `groupBy` (correlation keys), one such row per group; `arg` (over `plan`'s columns)
 * stands for the first column when given.
 */
export function subqueryRow(plan: LogicalPlan, value: string, rows: string, groupBy: ExprNode[] = [], arg = columnAt(planScope(plan), 0)): LogicalPlan {
  return {
    kind: 'aggregate',
    input: plan,
    groupBy,
    aggs: [
      { kind: 'alias', arg: { kind: 'agg', fn: 'first', args: [arg], distinct: false, params: [] }, name: value },
      { kind: 'alias', arg: { kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] }, name: rows },
    ],
  };
}

/** The subquery's value from the columns `subqueryRow` made: a QueryError where it had several rows (as in SQL). */
export function subqueryValue(value: string, rows: string): ExprNode {
  return { kind: 'call', fn: 'single_row_value', args: [{ kind: 'column', name: rows }, { kind: 'column', name: value }] };
}

/**
 * An uncorrelated scalar subquery as a one-row relation to cross join and the expression of its
 * value over that relation. A global aggregate (under projections) has one row already: its first
 * column, renamed. Any other plan goes through `subqueryRow`.
 */
export function scalarSubqueryRow(plan: LogicalPlan, fresh: () => string): { row: LogicalPlan; value: ExprNode } {
  let p = plan;
  while (p.kind === 'project') p = p.input;
  const value = fresh();
  if (p.kind === 'aggregate' && p.groupBy.length === 0) {
    return { row: { kind: 'project', input: plan, exprs: [{ kind: 'alias', arg: columnAt(planScope(plan), 0), name: value }] }, value: { kind: 'column', name: value } };
  }
  const rows = fresh();
  return { row: subqueryRow(plan, value, rows), value: subqueryValue(value, rows) };
}
