/**
 * Combine adjacent projections, and remove projections that change nothing.
 *
 *   Projection: x + 1 AS y, b          Projection: a * 2 + 1 AS y, b
 *     Projection: a * 2 AS x, b   →      Scan: t
 *       Scan: t
 *
 * Why it is correct: substituting each reference to an inner output by the
 * expression that computes it gives the same values. It is done only when it
 * does not add work: an inner expression that is more than a column or literal
 * may be referenced at most once, and UDFs (possibly expensive, possibly
 * non-deterministic) are never inlined. A projection whose outputs are exactly
 * its input's columns, in order, is the identity and is dropped.
 */
import { defaultName, type ExprNode } from '../expr/expr-node.js';
import { alias, hasSubquery, hasUdf, mapExpr, stripAlias, columnsIn } from '../logical/expr-utils.js';
import type { LogicalPlan } from '../logical/plan.js';
import { mapPlanUp } from '../logical/plan-walk.js';
import { planScope, resolveIndex } from '../logical/scope.js';
import type { OptimizerRule } from './rule.js';

type Project = Extract<LogicalPlan, { kind: 'project' }>;

export const combineProjections: OptimizerRule = {
  name: 'combine-projections',
  apply: (plan) =>
    mapPlanUp(plan, (p) => {
      if (p.kind !== 'project') return p;
      if (isIdentity(p)) return p.input;
      return p.input.kind === 'project' ? (merge(p, p.input) ?? p) : p;
    }),
};

/** True when `p` outputs exactly its input's columns, in order, under the same names. */
export function isIdentity(p: Project): boolean {
  const scope = planScope(p.input);
  return p.exprs.length === scope.length && p.exprs.every((e, i) => e.kind === 'column' && resolveIndex(scope, e) === i);
}

function merge(outer: Project, inner: Project): LogicalPlan | undefined {
  const scope = planScope(inner);
  const uses = new Array<number>(scope.length).fill(0);
  for (const c of outer.exprs.flatMap(columnsIn)) {
    const i = resolveIndex(scope, c);
    if (i < 0) return undefined;
    uses[i]!++;
  }
  const bodies = inner.exprs.map(stripAlias);
  const blocked = bodies.some((b, i) => uses[i]! > 0 && (hasUdf(b) || hasSubquery(b) || (uses[i]! > 1 && !isCheap(b))));
  if (blocked) return undefined;
  const exprs = outer.exprs.map((e) => {
    const s = mapExpr(e, (x): ExprNode => (x.kind === 'column' ? bodies[resolveIndex(scope, x)]! : x));
    return defaultName(s) === defaultName(e) ? s : alias(s, defaultName(e));
  });
  return { kind: 'project', input: inner.input, exprs };
}

function isCheap(e: ExprNode): boolean {
  return e.kind === 'column' || e.kind === 'literal';
}
