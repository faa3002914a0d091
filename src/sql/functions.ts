import type { AggFn } from '../frame/expr/expr-node.js';
import type { DataType } from '../frame/types.js';

/**
 * How a SQL aggregate maps to an AggFn: `params` says how many trailing
 * literal arguments become `params` (the fraction of quantile_cont(x, p)).
 */
interface AggSpec {
  fn: AggFn;
  args: number;
  params: number;
}

const AGGREGATES: Record<string, AggSpec> = {
  count: { fn: 'count', args: 1, params: 0 },
  sum: { fn: 'sum', args: 1, params: 0 },
  avg: { fn: 'avg', args: 1, params: 0 },
  mean: { fn: 'avg', args: 1, params: 0 },
  min: { fn: 'min', args: 1, params: 0 },
  max: { fn: 'max', args: 1, params: 0 },
  median: { fn: 'median', args: 1, params: 0 },
  var_samp: { fn: 'var_samp', args: 1, params: 0 },
  variance: { fn: 'var_samp', args: 1, params: 0 },
  var_pop: { fn: 'var_pop', args: 1, params: 0 },
  stddev: { fn: 'stddev_samp', args: 1, params: 0 },
  stddev_samp: { fn: 'stddev_samp', args: 1, params: 0 },
  stddev_pop: { fn: 'stddev_pop', args: 1, params: 0 },
  corr: { fn: 'corr', args: 2, params: 0 },
  covar_samp: { fn: 'covar_samp', args: 2, params: 0 },
  covar_pop: { fn: 'covar_pop', args: 2, params: 0 },
  first: { fn: 'first', args: 1, params: 0 },
  any_value: { fn: 'first', args: 1, params: 0 },
  last: { fn: 'last', args: 1, params: 0 },
  list: { fn: 'collect_list', args: 1, params: 0 },
  array_agg: { fn: 'collect_list', args: 1, params: 0 },
  collect_list: { fn: 'collect_list', args: 1, params: 0 },
  approx_count_distinct: { fn: 'approx_count_distinct', args: 1, params: 0 },
  quantile_cont: { fn: 'percentile', args: 1, params: 1 },
  percentile_cont: { fn: 'percentile', args: 1, params: 1 },
  approx_quantile: { fn: 'approx_percentile', args: 1, params: 1 },
  approx_percentile: { fn: 'approx_percentile', args: 1, params: 1 },
  percentile_approx: { fn: 'approx_percentile', args: 1, params: 1 },
};

/** SQL names of the aggregate functions. */
export function aggregateNames(): string[] {
  return Object.keys(AGGREGATES);
}

/** The aggregate a SQL function name denotes, or undefined for a scalar function. */
export function aggregateSpec(sqlName: string): AggSpec | undefined {
  return Object.hasOwn(AGGREGATES, sqlName.toLowerCase()) ? AGGREGATES[sqlName.toLowerCase()] : undefined;
}

const CAST_TYPES: Record<string, DataType> = {
  int: 'int32',
  integer: 'int32',
  int4: 'int32',
  smallint: 'int32',
  int2: 'int32',
  tinyint: 'int32',
  bigint: 'int64',
  int8: 'int64',
  long: 'int64',
  hugeint: 'int64',
  double: 'float64',
  'double precision': 'float64',
  float: 'float64',
  float8: 'float64',
  float4: 'float64',
  real: 'float64',
  numeric: 'float64',
  decimal: 'float64',
  varchar: 'string',
  text: 'string',
  string: 'string',
  char: 'string',
  character: 'string',
  'character varying': 'string',
  boolean: 'bool',
  bool: 'bool',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  timestamptz: 'timestamp',
  'timestamp with time zone': 'timestamp',
  'timestamp without time zone': 'timestamp',
};

/** Our DataType for a SQL type name, or undefined if it has none. */
export function castType(sqlType: string): DataType | undefined {
  const key = sqlType.toLowerCase().trim();
  return Object.hasOwn(CAST_TYPES, key) ? CAST_TYPES[key] : undefined;
}

/** Date parts that `EXTRACT(part FROM x)` supports, each a function of the same name. */
export const EXTRACT_PARTS = new Set(['year', 'month', 'day', 'hour', 'minute', 'second']);
