/**
 * Replace DISTINCT with an aggregate that groups by every column.
 *
 *   Distinct                   Aggregate: groupBy=[a, b], aggr=[]
 *     Scan: t rows=100    →      Scan: t rows=100
 *
 * Why it is correct: the distinct rows of a relation are exactly its groups
 * over all columns (NULLs group together, as DISTINCT treats them as equal),
 * and the output columns keep their names and order. The hash aggregate then
 * gets partial aggregation before the shuffle for free. A DISTINCT of no
 * columns stays (one row if there are any, none otherwise): grouping by
 * nothing would make a global aggregate, which has a row even for no input.
 */
import { mapPlanUp } from '../logical/plan-walk.js';
import { columnAt, isAddressable, planScope } from '../logical/scope.js';
import type { OptimizerRule } from './rule.js';

export const replaceDistinctWithAggregate: OptimizerRule = {
  name: 'replace-distinct-with-aggregate',
  apply: (plan) =>
    mapPlanUp(plan, (p) => {
      if (p.kind !== 'distinct') return p;
      const scope = planScope(p.input);
      // Columns that cannot be named apart (same name, no qualifier) cannot be grouped by name.
      // Without columns the aggregate would have no keys: one row even from no rows.
      if (scope.length === 0 || scope.some((_, i) => !isAddressable(scope, i))) return p;
      return { kind: 'aggregate', input: p.input, groupBy: scope.map((_, i) => columnAt(scope, i)), aggs: [] };
    }),
};
