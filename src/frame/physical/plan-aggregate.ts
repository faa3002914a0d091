import { defaultName, isSplittable, type ExprNode } from '../expr/expr-node.js';
import { inferNullable, inferType, resultTypeOfAgg } from '../expr/infer-type.js';
import type { LogicalPlan } from '../logical/plan.js';
import { aggStateFields } from './agg-state.js';
import { stripAlias } from '../logical/expr-utils.js';
import { bindExpr, columnAt, toSchema, type QField } from './bind.js';
import type { AggCall } from './ops.js';
import { exchange, satisfiesHash, type Planned, type PlannerContext } from './planned.js';

/**
 * Plans an aggregate. When every aggregate is distributive or algebraic, it is
 * split: a partial aggregate in each input partition (one row per group per
 * partition, carrying mergeable state), a shuffle by the group keys, and a
 * final aggregate merging the states: the shuffle moves groups, not rows.
 * Holistic aggregates (median, distinct counts...) need every row of a group
 * in one place, so raw rows are shuffled and aggregated once.
 * Input already distributed by the group keys needs no shuffle at all.
 */
export function planAggregate(p: Extract<LogicalPlan, { kind: 'aggregate' }>, c: Planned, ctx: PlannerContext): Planned {
  const inSchema = toSchema(c.fields);
  const groupBy = p.groupBy.map((g) => bindExpr(stripAlias(g), c.fields));
  const calls: AggCall[] = p.aggs.map((a) => {
    const agg = stripAlias(a);
    if (agg.kind !== 'agg') throw new Error(`internal: aggregate list holds ${agg.kind}`);
    const args = agg.args.map((x) => bindExpr(x, c.fields));
    return { fn: agg.fn, args, distinct: agg.distinct, params: agg.params, name: a.kind === 'alias' ? a.name : defaultName(agg) };
  });
  const groupFields: QField[] = p.groupBy.map((g, i) => {
    const b = groupBy[i]!;
    return { name: g.kind === 'alias' ? g.name : defaultName(g), qualifier: b.kind === 'column' ? c.fields[b.index!]?.qualifier : undefined, type: inferType(b, inSchema), nullable: inferNullable(b, inSchema) };
  });
  const aggFields: QField[] = calls.map((a) => ({ name: a.name, type: resultTypeOfAgg(a.fn, a.args[0] ? inferType(a.args[0], inSchema) : 'int64'), nullable: a.fn !== 'count' && a.fn !== 'count_star' && a.fn !== 'count_distinct' && a.fn !== 'approx_count_distinct' }));
  const fields = [...groupFields, ...aggFields];
  const schema = toSchema(fields);
  const k = groupBy.length;
  const outDist = (n: number) => (k ? { kind: 'hash' as const, keys: groupFields.map((_, i) => `${groupFields[i]!.name}#${i}`), numPartitions: n } : { kind: 'single' as const });

  // Already in place: every group is in one partition.
  if ((k && satisfiesHash(c.dist, groupBy)) || c.numPartitions === 1 || c.dist.kind === 'single') {
    return { op: { op: 'hashAggregate', schema, input: c.op, mode: 'single', groupBy, aggs: calls }, fields, deps: c.deps, numPartitions: c.numPartitions, dist: c.numPartitions === 1 ? { kind: 'single' } : outDist(c.numPartitions) };
  }
  const partitioning = (keys: ExprNode[]) => (k ? { kind: 'hash' as const, keys, numPartitions: ctx.shufflePartitions } : { kind: 'single' as const });
  if (calls.every((a) => isSplittable(a.fn, a.distinct))) {
    const partialFields: QField[] = [...groupFields, ...calls.flatMap((a) => aggStateFields(a, inSchema))];
    const partial: Planned = { op: { op: 'hashAggregate', schema: toSchema(partialFields), input: c.op, mode: 'partial', groupBy, aggs: calls }, fields: partialFields, deps: c.deps, numPartitions: c.numPartitions, dist: { kind: 'unknown' } };
    const keys = groupFields.map((_, i) => columnAt(partialFields, i));
    const moved = exchange(partial, partitioning(keys), ctx);
    return { op: { op: 'hashAggregate', schema, input: moved.op, mode: 'final', groupBy: keys, aggs: calls }, fields, deps: moved.deps, numPartitions: moved.numPartitions, dist: outDist(moved.numPartitions) };
  }
  const moved = exchange(c, partitioning(groupBy), ctx);
  return { op: { op: 'hashAggregate', schema, input: moved.op, mode: 'single', groupBy, aggs: calls }, fields, deps: moved.deps, numPartitions: moved.numPartitions, dist: outDist(moved.numPartitions) };
}
