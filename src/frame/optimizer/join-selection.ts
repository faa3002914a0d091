/**
 * Choose how each join runs: broadcast its build side, or shuffle both sides.
 *
 *   Join: type=inner on=a.k = b.k              Projection: a.k, x, b.k, y
 *     Scan: a rows=10        (small)     →       Join: type=inner on=a.k = b.k strategy=broadcast
 *     Scan: b rows=1000000                         Scan: b rows=1000000
 *                                                  Scan: a rows=10
 *
 * Why it is correct: the strategy does not change a join's result, only its
 * cost. The build side (held in memory on every task) is the right side for
 * inner, left, semi and anti joins and the left side for right joins; it is
 * broadcast when its estimated size is known and under the threshold, else
 * both sides are shuffled. Full joins need both sides' unmatched rows, so they
 * always shuffle. An inner join is symmetric: when only its left side is small,
 * the inputs are swapped (the condition names columns, so it is unchanged) and
 * a projection restores the original column order.
 */
import type { LogicalPlan } from '../logical/plan.js';
import { mapPlanUp } from '../logical/plan-walk.js';
import { columnAt, isAddressable, planScope } from '../logical/scope.js';
import { estimateBytes } from '../logical/stats.js';
import type { OptimizerConfig, OptimizerRule } from './rule.js';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

export const joinSelection: OptimizerRule = {
  name: 'join-selection',
  apply: (plan, config) => mapPlanUp(plan, (p) => (p.kind === 'join' ? selectJoin(p, config) : p)),
};

function selectJoin(join: Join, config: OptimizerConfig): LogicalPlan {
  const small = (p: LogicalPlan): boolean => {
    const bytes = estimateBytes(p);
    return bytes !== undefined && bytes < config.broadcastThresholdBytes;
  };
  if (join.type === 'full') return { ...join, strategy: 'shuffle' };
  const build = join.type === 'right' ? join.left : join.right;
  if (small(build)) return { ...join, strategy: 'broadcast' };
  if (join.type === 'inner' && !join.using && small(join.left)) return swapped(join) ?? { ...join, strategy: 'shuffle' };
  return { ...join, strategy: 'shuffle' };
}

/** The join with its inputs exchanged, under a projection giving the original column order. */
function swapped(join: Join): LogicalPlan | undefined {
  const before = planScope(join);
  const flipped: Join = { ...join, left: join.right, right: join.left, strategy: 'broadcast' };
  const after = planScope(flipped);
  const width = planScope(join.left).length;
  const exprs = before.map((_, i) => {
    const j = i < width ? after.length - width + i : i - width;
    return isAddressable(after, j) ? columnAt(after, j) : undefined;
  });
  if (exprs.some((e) => e === undefined)) return undefined;
  return { kind: 'project', input: flipped, exprs: exprs as NonNullable<(typeof exprs)[number]>[] };
}
