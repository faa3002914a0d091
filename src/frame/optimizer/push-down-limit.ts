/**
 * Push limits down.
 *
 *   Limit: n=10 offset=5                Limit: n=10 offset=5
 *     Union: all=true                     Union: all=true
 *       Projection: a + 1 AS b    →         Projection: a + 1 AS b
 *         Scan: t                             Limit: n=15 offset=0
 *       Scan: u                                 Scan: t
 *                                           Limit: n=15 offset=0
 *                                             Scan: u
 *
 * Why it is correct: a projection maps rows one to one, so the first n rows of
 * its output are the projection of the first n rows of its input (the same
 * holds for a subquery alias). UNION ALL's first n + offset rows come from at
 * most n + offset rows of each input, so each input may stop there (a local
 * limit), while the global limit above still picks the final rows. Two limits
 * merge into one. A limit over a sort stays: the physical planner turns that
 * pair into a top-k.
 */
import type { LogicalPlan } from '../logical/plan.js';
import { mapPlanUp } from '../logical/plan-walk.js';
import type { OptimizerRule } from './rule.js';

type Limit = Extract<LogicalPlan, { kind: 'limit' }>;

export const pushDownLimit: OptimizerRule = {
  name: 'push-down-limit',
  apply: (plan) => mapPlanUp(plan, (p) => (p.kind === 'limit' ? pushLimit(p) : p)),
};

function pushLimit(limit: Limit): LogicalPlan {
  const input = limit.input;
  switch (input.kind) {
    case 'project':
    case 'subqueryAlias':
      return { ...input, input: pushLimit({ ...limit, input: input.input }) };
    case 'limit': {
      // Skip the outer offset inside the inner window, then take what is left of it.
      const n = Math.max(0, Math.min(limit.n, input.n - limit.offset));
      return pushLimit({ kind: 'limit', input: input.input, n, offset: input.offset + limit.offset });
    }
    case 'union': {
      if (!input.all) return limit;
      const local = limit.n + limit.offset;
      const inputs = input.inputs.map((k) => (k.kind === 'limit' && k.offset === 0 && k.n <= local ? k : pushLimit({ kind: 'limit', input: k, n: local, offset: 0 })));
      return { ...limit, input: { ...input, inputs } };
    }
    default:
      return limit;
  }
}
