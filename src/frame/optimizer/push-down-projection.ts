/**
 * Push projections down: read and carry only the columns that are used.
 *
 *   Projection: a.x, b.y                            Projection: a.x, b.y
 *     Join: type=inner on=a.k = b.k                   Join: type=inner on=a.k = b.k
 *       Scan: a                              →          Scan: a projection=[k, x]
 *       Filter: z > 0                                   Projection: k, y
 *         Scan: b                                         Filter: z > 0
 *                                                           Scan: b projection=[k, y, z]
 *
 * Why it is correct: walking from the root, each node is told which of its
 * output columns its parent reads; it keeps those (plus the ones its own
 * expressions read) and drops the rest, which no one above can observe —
 * parents find columns by name, and the root keeps all of its columns.
 * Distinct, cache and UNION (without ALL) need all their input columns, as
 * they compare whole rows. Where a join or aggregate input still carries
 * unneeded columns after pruning (a Filter above a scan keeps the filter's
 * column), a Projection is inserted to cut them before they are shuffled.
 * Unused aggregates are dropped; group keys never are (they define groups).
 */
import type { ExprNode } from '../expr/expr-node.js';
import { columnsIn } from '../logical/expr-utils.js';
import { withChildren, type LogicalPlan } from '../logical/plan.js';
import { columnAt, isAddressable, joinColumnSources, joinConditionScope, planScope, resolveIndex, type ScopeField } from '../logical/scope.js';
import type { OptimizerRule } from './rule.js';

export const pushDownProjection: OptimizerRule = {
  name: 'push-down-projection',
  apply: (plan) => prune(plan, allOf(planScope(plan))),
};

type Needed = Set<number>;

/** `plan` reduced to output at least the columns `need` (indexes into its current output), in their order. */
function prune(plan: LogicalPlan, need: Needed): LogicalPlan {
  switch (plan.kind) {
    case 'scan': {
      const scope = planScope(plan);
      const names = scope.filter((_, i) => need.has(i)).map((f) => f.name);
      // A scan keeps one column even when none is read (count(*)); a scan of no columns stays as it is.
      const kept = names.length > 0 || scope.length === 0 ? names : [scope[0]!.name];
      return kept.length === scope.length ? plan : { ...plan, projection: kept };
    }
    case 'project': {
      let kept = plan.exprs.filter((_, i) => need.has(i));
      if (kept.length === 0) kept = plan.exprs.slice(0, 1);
      return { ...plan, exprs: kept, input: prune(plan.input, used(kept, planScope(plan.input))) };
    }
    case 'filter':
      return { ...plan, input: prune(plan.input, union(need, used([plan.predicate], planScope(plan.input)))) };
    case 'sort':
      return { ...plan, input: prune(plan.input, union(need, used(plan.keys.map((k) => k.expr), planScope(plan.input)))) };
    case 'repartition':
      return { ...plan, input: prune(plan.input, union(need, used(plan.keys, planScope(plan.input)))) };
    case 'limit':
    case 'subqueryAlias':
      return { ...plan, input: prune(plan.input, need) };
    case 'dropDuplicates': {
      const scope = planScope(plan.input);
      const keys = plan.keys.length === 0 ? allOf(scope) : new Set(plan.keys.map((k) => resolveIndex(scope, { name: k })));
      return { ...plan, input: prune(plan.input, union(need, keys)) };
    }
    case 'aggregate':
      return pruneAggregate(plan, need);
    case 'join':
      return pruneJoin(plan, need);
    case 'union': {
      if (!plan.all) return withChildren(plan, plan.inputs.map((k) => prune(k, allOf(planScope(k)))));
      // Inputs are matched by position: all must keep the same columns.
      const positions = need.size > 0 ? need : new Set([0]);
      const inputs = plan.inputs.map((k) => cut(prune(k, positions), planScope(k), positions));
      if (inputs.every((k) => planScope(k).length === positions.size)) return { ...plan, inputs };
      return withChildren(plan, plan.inputs.map((k) => prune(k, allOf(planScope(k)))));
    }
    default:
      // distinct and cache compare or keep whole rows.
      return withChildren(plan, [prune(plan.input, allOf(planScope(plan.input)))]);
  }
}

function pruneAggregate(plan: Extract<LogicalPlan, { kind: 'aggregate' }>, need: Needed): LogicalPlan {
  let aggs = plan.aggs.filter((_, j) => need.has(plan.groupBy.length + j));
  if (aggs.length === 0 && plan.groupBy.length === 0) aggs = plan.aggs.slice(0, 1);
  const scope = planScope(plan.input);
  const inputNeed = used([...plan.groupBy, ...aggs], scope);
  return { ...plan, aggs, input: cut(prune(plan.input, inputNeed), scope, inputNeed) };
}

function pruneJoin(join: Extract<LogicalPlan, { kind: 'join' }>, need: Needed): LogicalPlan {
  const leftScope = planScope(join.left);
  const rightScope = planScope(join.right);
  const sources = joinColumnSources(join);
  const leftNeed: Needed = new Set();
  const rightNeed: Needed = new Set();
  for (const i of need) {
    const s = sources[i]!;
    if (s.side !== 'mark') (s.side === 'left' ? leftNeed : rightNeed).add(s.index);
  }
  if (join.on) {
    const cond = used([join.on], joinConditionScope(join));
    for (const i of cond) (i < leftScope.length ? leftNeed.add(i) : rightNeed.add(i - leftScope.length));
  }
  for (const name of join.using ?? []) {
    leftNeed.add(resolveIndex(leftScope, { name }));
    rightNeed.add(resolveIndex(rightScope, { name }));
  }
  const left = cut(prune(join.left, leftNeed), leftScope, leftNeed);
  const right = cut(prune(join.right, rightNeed), rightScope, rightNeed);
  return { ...join, left, right };
}

/**
 * Puts a Projection on `pruned` when it outputs more than the `need`ed columns of
 * its former output `before`, so unneeded columns are not carried further.
 */
function cut(pruned: LogicalPlan, before: ScopeField[], need: Needed): LogicalPlan {
  const after = planScope(pruned);
  const wanted = [...need].filter((i) => i >= 0).sort((a, b) => a - b);
  if (after.length <= Math.max(1, wanted.length) || wanted.some((i) => !isAddressable(before, i))) return pruned;
  const exprs: ExprNode[] = wanted.map((i) => columnAt(before, i));
  if (exprs.some((e) => resolveIndex(after, e as { name: string }) < 0)) return pruned;
  return { kind: 'project', input: pruned, exprs };
}

/** Indexes in `scope` of the columns the expressions read (every column when one does not resolve). */
function used(exprs: ExprNode[], scope: ScopeField[]): Needed {
  const out: Needed = new Set();
  for (const c of exprs.flatMap(columnsIn)) {
    const i = resolveIndex(scope, c);
    if (i < 0) return allOf(scope);
    out.add(i);
  }
  return out;
}

function union(a: Needed, b: Needed): Needed {
  return new Set([...a, ...b]);
}

function allOf(scope: ScopeField[]): Needed {
  return new Set(scope.keys());
}
