import type { FnSpec } from '../../serde/function-spec.js';
import type { DataType } from '../types.js';
import type { LogicalPlan } from '../logical/plan.js';

/**
 * Expressions as plain data: built by the `col()`/`lit()` facade, by SQL, or
 * by optimizer rules; printed in plans; posted to workers inside physical
 * plans and compiled there into vectorized evaluators.
 *
 * A `column` is resolved by name (and optional table qualifier) against its
 * input's schema; physical planning fills `index` (the input column it reads).
 */
export type ExprNode =
  | { kind: 'column'; name: string; qualifier?: string; index?: number }
  | { kind: 'literal'; value: LiteralValue; type: DataType }
  | { kind: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode }
  | { kind: 'unary'; op: UnaryOp; arg: ExprNode }
  /** Scalar functions by name (`lower`, `substring`, `coalesce`, `abs`, `year`...): see expr/functions. */
  | { kind: 'call'; fn: string; args: ExprNode[] }
  | { kind: 'case'; branches: Array<{ when: ExprNode; then: ExprNode }>; otherwise?: ExprNode }
  | { kind: 'cast'; arg: ExprNode; to: DataType }
  | { kind: 'in'; arg: ExprNode; list: ExprNode[]; negated: boolean }
  /** SQL LIKE with `%` and `_`; `escape` defaults to none. */
  | { kind: 'like'; arg: ExprNode; pattern: string; negated: boolean; caseInsensitive: boolean }
  | { kind: 'alias'; arg: ExprNode; name: string }
  /** An aggregate call; valid only in an aggregate's list (or, before analysis, in a projection/HAVING). */
  | { kind: 'agg'; fn: AggFn; args: ExprNode[]; distinct: boolean; params: number[] }
  /** A TypeScript function applied row by row (shipped like Dataset functions). */
  | { kind: 'udf'; name: string; fn: FnSpec; args: ExprNode[]; returnType: DataType }
  /** `*` or `t.*` in a projection, expanded by the analyzer. */
  | { kind: 'star'; qualifier?: string }
  /** `x IN (SELECT ...)`, rewritten into a semi/anti join by the optimizer. */
  | { kind: 'inSubquery'; arg: ExprNode; plan: LogicalPlan; negated: boolean }
  /** `EXISTS (SELECT ...)`, possibly correlated through `outer` column references; rewritten into a semi/anti join. */
  | { kind: 'exists'; plan: LogicalPlan; negated: boolean }
  /** A scalar subquery `(SELECT max(x) FROM t)` returning one row and one column. */
  | { kind: 'scalarSubquery'; plan: LogicalPlan }
  /** A reference from inside a subquery to a column of the enclosing query. */
  | { kind: 'outer'; name: string; qualifier?: string };

export type LiteralValue = number | string | boolean | null;

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | '||';
export type UnaryOp = 'not' | 'neg' | 'isNull' | 'isNotNull';

/**
 * Aggregate functions by their data-parallel class:
 * distributive (`count`, `count_star`, `sum`, `min`, `max`), algebraic (`avg`, `var_samp`, `var_pop`,
 * `stddev_samp`, `stddev_pop`, `corr`, `covar_samp`, `covar_pop`): both split into a partial
 * aggregate before the shuffle and a final one after it; holistic (`median`, `percentile`
 * (params[0] = fraction), `approx_percentile` (params[0] = fraction), `count_distinct`,
 * `approx_count_distinct`, `first`, `last`, `collect_list`, `top_k` (params[0] = k)), computed
 * after a shuffle of the raw rows (approx_* keep a mergeable sketch).
 */
export type AggFn =
  | 'count'
  | 'count_star'
  | 'sum'
  | 'min'
  | 'max'
  | 'avg'
  | 'var_samp'
  | 'var_pop'
  | 'stddev_samp'
  | 'stddev_pop'
  | 'corr'
  | 'covar_samp'
  | 'covar_pop'
  | 'median'
  | 'percentile'
  | 'approx_percentile'
  | 'count_distinct'
  | 'approx_count_distinct'
  | 'first'
  | 'last'
  | 'collect_list'
  | 'top_k';

const SPLITTABLE = new Set<AggFn>(['count', 'count_star', 'sum', 'min', 'max', 'avg', 'var_samp', 'var_pop', 'stddev_samp', 'stddev_pop', 'corr', 'covar_samp', 'covar_pop']);

/** Distributive and algebraic aggregates have a partial/final split. */
export function isSplittable(fn: AggFn, distinct: boolean): boolean {
  return !distinct && SPLITTABLE.has(fn);
}

/** What a UDF is: its name in plans, its shipped function and the type it returns. */
export interface UdfDefinition {
  name: string;
  fn: FnSpec;
  returnType: DataType;
}

/** The expression calling a UDF on arguments. */
export function udfCall(d: UdfDefinition, args: ExprNode[]): ExprNode {
  return { kind: 'udf', name: d.name, fn: d.fn, args, returnType: d.returnType };
}

/** The output name an unaliased expression gets (Spark-like: `sum(v1)`, `(a + 1)`). */
export function defaultName(e: ExprNode): string {
  switch (e.kind) {
    case 'column':
      return e.name;
    case 'alias':
      return e.name;
    case 'literal':
      return e.value === null ? 'NULL' : String(e.value);
    case 'agg':
      return e.fn === 'count_star' ? 'count(*)' : `${e.fn}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(defaultName).join(', ')})`;
    case 'call':
      return `${e.fn}(${e.args.map(defaultName).join(', ')})`;
    case 'udf':
      return `${e.name}(${e.args.map(defaultName).join(', ')})`;
    case 'binary':
      return `(${defaultName(e.left)} ${e.op.toUpperCase()} ${defaultName(e.right)})`;
    case 'unary':
      return e.op === 'neg' ? `(- ${defaultName(e.arg)})` : e.op === 'not' ? `(NOT ${defaultName(e.arg)})` : `(${defaultName(e.arg)} ${e.op === 'isNull' ? 'IS NULL' : 'IS NOT NULL'})`;
    case 'cast':
      return `CAST(${defaultName(e.arg)} AS ${typeof e.to === 'object' ? 'list' : e.to.toUpperCase()})`;
    default:
      return printExprShort(e);
  }
}

function printExprShort(e: ExprNode): string {
  switch (e.kind) {
    case 'case':
      return 'CASE';
    case 'in':
      return `(${defaultName(e.arg)} ${e.negated ? 'NOT ' : ''}IN (...))`;
    case 'like':
      return `(${defaultName(e.arg)} ${e.negated ? 'NOT ' : ''}LIKE '${e.pattern}')`;
    case 'star':
      return e.qualifier ? `${e.qualifier}.*` : '*';
    case 'outer':
      return e.name;
    default:
      return e.kind;
  }
}
