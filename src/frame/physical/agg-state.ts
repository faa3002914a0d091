import type { AggFn } from '../expr/expr-node.js';
import { inferType } from '../expr/infer-type.js';
import type { DataType, Field, Schema } from '../types.js';
import type { AggCall } from './ops.js';

/**
 * The partial-state columns of an aggregate: what a `partial` hashAggregate
 * outputs for it (after the group keys) and what a `final` one reads back.
 *
 * | fn                              | state columns                                   |
 * |---------------------------------|-------------------------------------------------|
 * | count, count_star               | count int64                                     |
 * | sum                             | sum (int64 for integer args, else float64)      |
 * | min, max, first, last           | value (the argument's type)                     |
 * | avg                             | sum float64, count int64                        |
 * | var_*, stddev_*                 | count, mean, m2 (Welford; merged as Chan et al.)|
 * | covar_*, corr                   | count, meanX, meanY, c2, m2X, m2Y               |
 *
 * Holistic aggregates have no partial/final split in plans (see isSplittable),
 * but they also get state columns, which the hash aggregate uses to spill:
 * median/percentile → values list<float64>; approx_percentile → digest
 * list<float64> (t-digest centroids); count_distinct and DISTINCT count/sum/avg
 * → distinct list<arg>; approx_count_distinct → hll list<int64>;
 * collect_list → list list<arg>; top_k → top list<arg>.
 */
export function aggStateFields(call: AggCall, inputSchema: Schema): Field[] {
  return aggStateFieldsForTypes(call, aggArgTypes(call, inputSchema));
}

/** {@link aggStateFields} given the argument types directly. */
export function aggStateFieldsForTypes(call: AggCall, argTypes: readonly DataType[]): Field[] {
  const f = (suffix: string, type: DataType, nullable = true): Field => ({ name: `${call.name}#${suffix}`, type, nullable });
  const arg: DataType = argTypes[0] ?? 'null';
  if (call.distinct && (call.fn === 'count' || call.fn === 'sum' || call.fn === 'avg')) return [f('distinct', { list: arg })];
  switch (call.fn) {
    case 'count':
    case 'count_star':
      return [f('count', 'int64', false)];
    case 'sum':
      return [f('sum', arg === 'int32' || arg === 'int64' || arg === 'bool' ? 'int64' : 'float64')];
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return [f('value', arg)];
    case 'avg':
      return [f('sum', 'float64'), f('count', 'int64', false)];
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop':
      return [f('count', 'int64', false), f('mean', 'float64'), f('m2', 'float64')];
    case 'corr':
    case 'covar_samp':
    case 'covar_pop':
      return [f('count', 'int64', false), f('meanX', 'float64'), f('meanY', 'float64'), f('c2', 'float64'), f('m2X', 'float64'), f('m2Y', 'float64')];
    case 'median':
    case 'percentile':
      return [f('values', { list: 'float64' })];
    case 'approx_percentile':
      return [f('digest', { list: 'float64' })];
    case 'count_distinct':
      return [f('distinct', { list: arg })];
    case 'approx_count_distinct':
      return [f('hll', { list: 'int64' })];
    case 'collect_list':
      return [f('list', { list: arg })];
    case 'top_k':
      return [f('top', { list: arg })];
  }
}

/** Number of state columns of `fn` (the same for every argument type). */
export function aggStateWidth(fn: AggFn, distinct: boolean): number {
  return aggStateFieldsForTypes({ fn, distinct, args: [], params: [], name: '' }, []).length;
}

/** The types of a call's (bound) arguments over `inputSchema`. */
export function aggArgTypes(call: AggCall, inputSchema: Schema): DataType[] {
  return call.args.map((a) => inferType(a, inputSchema));
}
