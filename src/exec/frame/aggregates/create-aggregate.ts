import type { DataType } from '../../../frame/types.js';
import type { AggCall } from '../../../frame/physical/ops.js';
import type { AggSpec, GroupAggregate } from './aggregate.js';
import { AvgAgg, CovarAgg, VarianceAgg } from './algebraic.js';
import { CountAgg, PickAgg, SumAgg } from './distributive.js';
import { CollectListAgg, DistinctAgg, QuantileAgg, TopKAgg } from './holistic.js';
import { ApproxCountDistinctAgg, ApproxPercentileAgg } from './sketches.js';

/** A fresh aggregate for `call`, given its argument types and its output type. */
export function createAggregate(call: AggCall, argTypes: readonly DataType[], outType: DataType): GroupAggregate {
  const spec: AggSpec = { name: call.name, params: call.params, argTypes, outType };
  const fn = call.fn;
  if (call.distinct && (fn === 'count' || fn === 'sum' || fn === 'avg')) return new DistinctAgg({ ...spec, fn });
  switch (fn) {
    case 'count':
      return new CountAgg(false);
    case 'count_star':
      return new CountAgg(true);
    case 'sum':
      return new SumAgg(spec);
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return new PickAgg(fn, spec);
    case 'avg':
      return new AvgAgg(spec);
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop':
      return new VarianceAgg({ ...spec, fn });
    case 'corr':
    case 'covar_samp':
    case 'covar_pop':
      return new CovarAgg({ ...spec, fn });
    case 'median':
    case 'percentile':
      return new QuantileAgg({ ...spec, fn });
    case 'approx_percentile':
      return new ApproxPercentileAgg(spec);
    case 'count_distinct':
      return new DistinctAgg({ ...spec, fn });
    case 'approx_count_distinct':
      return new ApproxCountDistinctAgg(spec);
    case 'collect_list':
      return new CollectListAgg(spec);
    case 'top_k':
      return new TopKAgg(spec);
  }
}
