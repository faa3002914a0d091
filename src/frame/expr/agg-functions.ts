import type { AggFn } from './expr-node.js';
import { SluiceError } from '../../util/errors.js';
import { Expr, toExpr } from './expr-builder.js';

/**
 * Aggregate builders: `sum('v')`, `avg(col('v').multiply(2))`... Each returns
 * an Expr whose node is `{ kind: 'agg' }`, for `groupBy().agg()` or `select()`.
 * A string argument is a column name.
 */

type Arg = Expr | string;

function agg(fn: AggFn, args: Arg[], params: number[] = []): Expr {
  return new Expr({ kind: 'agg', fn, args: args.map((a) => toExpr(a)), distinct: false, params });
}

function fraction(name: string, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new SluiceError(`${name}: the fraction must be between 0 and 1, got ${p}`);
  return p;
}

/** count(x): non-null values of x; count() or count('*'): rows. */
export const count = (x: Arg = '*'): Expr => (x === '*' ? agg('count_star', []) : agg('count', [x]));
export const sum = (x: Arg): Expr => agg('sum', [x]);
export const min = (x: Arg): Expr => agg('min', [x]);
export const max = (x: Arg): Expr => agg('max', [x]);
export const avg = (x: Arg): Expr => agg('avg', [x]);
export const mean = avg;
/** Sample variance (var_samp), as in Spark and DuckDB. */
export const variance = (x: Arg): Expr => agg('var_samp', [x]);
export const varSamp = variance;
export const varPop = (x: Arg): Expr => agg('var_pop', [x]);
/** Sample standard deviation (stddev_samp). */
export const stddev = (x: Arg): Expr => agg('stddev_samp', [x]);
export const stddevSamp = stddev;
export const stddevPop = (x: Arg): Expr => agg('stddev_pop', [x]);
export const corr = (x: Arg, y: Arg): Expr => agg('corr', [x, y]);
export const covarSamp = (x: Arg, y: Arg): Expr => agg('covar_samp', [x, y]);
export const covarPop = (x: Arg, y: Arg): Expr => agg('covar_pop', [x, y]);
export const median = (x: Arg): Expr => agg('median', [x]);
/** Exact quantile p (0..1) with linear interpolation. */
export const percentile = (x: Arg, p: number): Expr => agg('percentile', [x], [fraction('percentile', p)]);
/** Approximate quantile p (0..1) from a mergeable sketch. */
export const approxPercentile = (x: Arg, p: number): Expr => agg('approx_percentile', [x], [fraction('approxPercentile', p)]);
/** Distinct non-null values of x. */
export const countDistinct = (x: Arg): Expr => agg('count_distinct', [x]);
export const approxCountDistinct = (x: Arg): Expr => agg('approx_count_distinct', [x]);
export const first = (x: Arg): Expr => agg('first', [x]);
export const last = (x: Arg): Expr => agg('last', [x]);
/** The values of x in a list per group. */
export const collectList = (x: Arg): Expr => agg('collect_list', [x]);
/** The k largest values of x, largest first. */
export const topK = (x: Arg, k: number): Expr => {
  if (!Number.isInteger(k) || k < 1) throw new SluiceError(`topK: k must be a positive integer, got ${k}`);
  return agg('top_k', [x], [k]);
};
