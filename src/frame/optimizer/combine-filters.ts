/**
 * Combine adjacent filters into one.
 *
 *   Filter: b < 3                     Filter: a > 1 AND b < 3
 *     Filter: a > 1            →        Scan: t
 *       Scan: t
 *
 * Why it is correct: a row passes both filters exactly when it passes their
 * conjunction; the inner condition comes first so it still guards the outer one.
 */
import { mapPlanUp } from '../logical/plan-walk.js';
import type { OptimizerRule } from './rule.js';

export const combineFilters: OptimizerRule = {
  name: 'combine-filters',
  apply: (plan) =>
    mapPlanUp(plan, (p) =>
      p.kind === 'filter' && p.input.kind === 'filter'
        ? { kind: 'filter', input: p.input.input, predicate: { kind: 'binary', op: 'and', left: p.input.predicate, right: p.predicate } }
        : p,
    ),
};
