import type { LogicalPlan } from '../logical/plan.js';
import { printPlan } from '../logical/print.js';
import { combineFilters } from './combine-filters.js';
import { combineProjections } from './combine-projections.js';
import { decorrelateSubqueries } from './decorrelate-subqueries.js';
import { joinSelection } from './join-selection.js';
import { pushDownFilter } from './push-down-filter.js';
import { pushDownLimit } from './push-down-limit.js';
import { pushDownProjection } from './push-down-projection.js';
import { replaceDistinctWithAggregate } from './replace-distinct-with-aggregate.js';
import { defaultOptimizerConfig, type OptimizerConfig, type OptimizerRule } from './rule.js';
import { simplifyExpressions } from './simplify-expressions.js';
import { subqueriesToMarkJoins } from './subqueries-to-mark-joins.js';

export { defaultOptimizerConfig, type OptimizerConfig, type OptimizerRule } from './rule.js';

/**
 * The rules in the order they run in each pass: subqueries become joins first so
 * the other rules see them; expressions are simplified before filters move;
 * columns are pruned last so the join strategy sees the pruned sizes.
 */
export const defaultRules: readonly OptimizerRule[] = [
  simplifyExpressions,
  decorrelateSubqueries,
  subqueriesToMarkJoins,
  replaceDistinctWithAggregate,
  combineFilters,
  pushDownFilter,
  pushDownLimit,
  combineProjections,
  pushDownProjection,
  joinSelection,
];

/**
 * The rules physical planning cannot do without (subqueries become joins). Optimizing with these
 * alone gives the unoptimized plan that differential tests compare the optimized one with.
 */
export const requiredRules: readonly OptimizerRule[] = [decorrelateSubqueries, subqueriesToMarkJoins];

/** At most this many passes over the rules; a plan normally settles in two or three. */
export const MAX_PASSES = 8;

/**
 * Rewrites an analyzed plan into a cheaper equivalent: applies `rules` in order,
 * pass after pass, until a pass leaves the printed plan unchanged (or MAX_PASSES).
 */
export function optimize(plan: LogicalPlan, config: Partial<OptimizerConfig> = {}, rules: readonly OptimizerRule[] = defaultRules): LogicalPlan {
  const full: OptimizerConfig = { ...defaultOptimizerConfig, ...config };
  let current = plan;
  let printed = printPlan(current);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    for (const rule of rules) current = rule.apply(current, full);
    const next = printPlan(current);
    if (next === printed) break;
    printed = next;
  }
  return current;
}
