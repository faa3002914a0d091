import type { ExprNode } from '../expr/expr-node.js';
import { children, withChildren, type LogicalPlan } from './plan.js';

/** Rewrites a plan bottom-up: children first, then `f` on the node rebuilt over them. */
export function mapPlanUp(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = children(plan);
  const rebuilt = kids.length === 0 ? plan : withChildren(plan, kids.map((k) => mapPlanUp(k, f)));
  return f(rebuilt);
}

/** Rewrites a plan top-down: `f` on the node, then on the children of its result. */
export function mapPlanDown(plan: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const p = f(plan);
  const kids = children(p);
  return kids.length === 0 ? p : withChildren(p, kids.map((k) => mapPlanDown(k, f)));
}

/**
 * Applies `f` to every expression held by the node itself (not its children).
 * `output` is true for expressions whose name becomes an output column name
 * (projections, group keys, aggregates): a rewrite must keep that name.
 */
export function mapNodeExprs(p: LogicalPlan, f: (e: ExprNode, output: boolean) => ExprNode): LogicalPlan {
  switch (p.kind) {
    case 'scan':
      return p.filters.length === 0 ? p : { ...p, filters: p.filters.map((e) => f(e, false)) };
    case 'project':
      return { ...p, exprs: p.exprs.map((e) => f(e, true)) };
    case 'filter':
      return { ...p, predicate: f(p.predicate, false) };
    case 'aggregate':
      return { ...p, groupBy: p.groupBy.map((e) => f(e, true)), aggs: p.aggs.map((e) => f(e, true)) };
    case 'join':
      return p.on ? { ...p, on: f(p.on, false) } : p;
    case 'sort':
      return { ...p, keys: p.keys.map((k) => ({ ...k, expr: f(k.expr, false) })) };
    case 'repartition':
      return { ...p, keys: p.keys.map((e) => f(e, false)) };
    default:
      return p;
  }
}
