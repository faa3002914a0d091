import { udfCall, type ExprNode, type LiteralValue, type UdfDefinition } from './expr-node.js';
import { shipFunction, withConcurrency } from '../../serde/ship-function.js';
import { userCallSite } from '../../util/call-site.js';
import { columnNode, Expr, litNode, operandNode, toExpr, type Operand } from './expr-builder.js';
import { parseType, type TypeLike } from './type-names.js';

export * from './agg-functions.js';

/**
 * Public expression builders, named as in Spark's `functions`. Arguments that
 * stand for columns take an Expr or a column name; numbers (and strings where
 * the parameter is a pattern or separator) are literals.
 */

/** A column or a column name. */
export type ColumnArg = Expr | string;
/** A column, a column name, or a number literal. */
export type NumberArg = Expr | string | number;

const call = (fn: string, ...args: ExprNode[]): Expr => new Expr({ kind: 'call', fn, args });
const c = (x: ColumnArg | number): ExprNode => toExpr(x);

/** A column by name (`t.x` for a qualified one, `*` for all). */
export const col = (name: string): Expr => new Expr(columnNode(name));
/** A literal value: number, string, boolean, Date (a timestamp) or null. */
export const lit = (v: LiteralValue | Date): Expr => new Expr(litNode(v));

/** `CASE WHEN ... THEN ... [ELSE ...] END`, built as `when(c1, v1).when(c2, v2).otherwise(v3)`; without otherwise, null. */
export class CaseExpr extends Expr {
  constructor(
    private readonly branches: { when: ExprNode; then: ExprNode }[],
    otherwise?: ExprNode,
  ) {
    super({ kind: 'case', branches, ...(otherwise ? { otherwise } : {}) });
  }

  when(cond: Expr, value: Operand): CaseExpr {
    return new CaseExpr([...this.branches, { when: cond.node, then: operandNode(value) }]);
  }

  otherwise(value: Operand): Expr {
    return new Expr({ kind: 'case', branches: this.branches, otherwise: operandNode(value) });
  }
}

export const when = (cond: Expr, value: Operand): CaseExpr => new CaseExpr([{ when: cond.node, then: operandNode(value) }]);

/** The first non-null argument. */
export const coalesce = (...xs: ColumnArg[]): Expr => call('coalesce', ...xs.map(c));
export const greatest = (...xs: ColumnArg[]): Expr => call('greatest', ...xs.map(c));
export const least = (...xs: ColumnArg[]): Expr => call('least', ...xs.map(c));

export const lower = (s: ColumnArg): Expr => call('lower', c(s));
export const upper = (s: ColumnArg): Expr => call('upper', c(s));
const trimCall = (fn: string, s: ColumnArg, chars?: string): Expr => (chars === undefined ? call(fn, c(s)) : call(fn, c(s), litNode(chars)));
/**
 * Removes spaces (U+0020 only, as Spark: not tabs or newlines), or the characters of `chars`, from both ends.
 * @example trim(lit('  x\t ')) // 'x\t'; trim(lit('xxyx'), 'x') // 'y'
 */
export const trim = (s: ColumnArg, chars?: string): Expr => trimCall('trim', s, chars);
/** trim at the start only. */
export const ltrim = (s: ColumnArg, chars?: string): Expr => trimCall('ltrim', s, chars);
/** trim at the end only. */
export const rtrim = (s: ColumnArg, chars?: string): Expr => trimCall('rtrim', s, chars);
/** Length in characters (code points). */
export const length = (s: ColumnArg): Expr => call('length', c(s));
/** `len` characters from 1-based `pos` (negative: from the end); the rest of the string without `len`. */
export const substring = (s: ColumnArg, pos: NumberArg, len?: NumberArg): Expr =>
  len === undefined ? call('substring', c(s), c(pos)) : call('substring', c(s), c(pos), c(len));
/** Concatenation skipping nulls (use `a.concat(b)` for `||`, which is null when a side is null). */
export const concat = (...xs: ColumnArg[]): Expr => call('concat', ...xs.map(c));
/** Group `group` (0: the whole match) of the first match of the Java regular expression `pattern` (as in Spark); '' when none. */
export const regexpExtract = (s: ColumnArg, pattern: string, group = 0): Expr => call('regexp_extract', c(s), litNode(pattern), litNode(group));
/**
 * Splits around matches of the Java regular expression `pattern` (as Spark's split) into list<string>.
 * `limit` > 0: at most `limit` parts, the last holding the rest; <= 0 (the default): every match, trailing empty strings kept.
 * @example split(lit('oneAtwoBthreeC'), '[ABC]', 2) // ['one', 'twoBthreeC']
 */
export const split = (s: ColumnArg, pattern: string, limit = -1): Expr => call('split', c(s), litNode(pattern), litNode(limit));

export const abs = (x: NumberArg): Expr => call('abs', c(x));
export const sqrt = (x: NumberArg): Expr => call('sqrt', c(x));
/**
 * Spark's round: half up (ties away from zero) to `digits` decimals of the number as it prints (negative digits: tens, hundreds...).
 * @example round(lit(2.5)) // 3; round(lit(1.005), 2) // 1.01
 */
export const round = (x: NumberArg, digits = 0): Expr => call('round', c(x), litNode(digits));
/**
 * Spark's bround: like round but ties go to the even neighbour (banker's rounding).
 * @example bround(lit(2.5)) // 2; bround(lit(3.5)) // 4
 */
export const bround = (x: NumberArg, digits = 0): Expr => call('bround', c(x), litNode(digits));
export const floor = (x: NumberArg): Expr => call('floor', c(x));
export const ceil = (x: NumberArg): Expr => call('ceil', c(x));
export const exp = (x: NumberArg): Expr => call('exp', c(x));
export const ln = (x: NumberArg): Expr => call('ln', c(x));
export const log10 = (x: NumberArg): Expr => call('log10', c(x));
/**
 * Spark's log: `log(x)` is the natural logarithm, `log(base, x)` the logarithm of x to `base`; null unless both are > 0.
 * @example log(10, 100) // 2
 */
export function log(baseOrX: NumberArg, x?: NumberArg): Expr {
  return x === undefined ? call('log', c(baseOrX)) : call('log', c(baseOrX), c(x));
}
export const pow = (x: NumberArg, y: NumberArg): Expr => call('pow', c(x), c(y));

/**
 * Date and time functions take dates, timestamps or strings; a string is cast as Spark casts it
 * (to a date, or to a timestamp for hour/minute/second) and text that is no date gives null.
 * @example year(lit('2015-04-08')) // 2015
 */
export const year = (d: ColumnArg): Expr => call('year', c(d));
export const month = (d: ColumnArg): Expr => call('month', c(d));
export const day = (d: ColumnArg): Expr => call('day', c(d));
/** Same as day: the day of the month. */
export const dayOfMonth = (d: ColumnArg): Expr => call('day', c(d));
/** 1 = Sunday ... 7 = Saturday (Spark's numbering). @example dayOfWeek(lit('2015-04-08')) // 4 (a Wednesday) */
export const dayOfWeek = (d: ColumnArg): Expr => call('dayofweek', c(d));
/** 0 = Monday ... 6 = Sunday (Spark's weekday). */
export const weekday = (d: ColumnArg): Expr => call('weekday', c(d));
/** Day of the year, 1-366. */
export const dayOfYear = (d: ColumnArg): Expr => call('dayofyear', c(d));
/** ISO 8601 week of the year (weeks start on Monday). */
export const weekOfYear = (d: ColumnArg): Expr => call('weekofyear', c(d));
export const quarter = (d: ColumnArg): Expr => call('quarter', c(d));
/** The last day of the month of `d`. */
export const lastDay = (d: ColumnArg): Expr => call('last_day', c(d));
export const hour = (t: ColumnArg): Expr => call('hour', c(t));
export const minute = (t: ColumnArg): Expr => call('minute', c(t));
export const second = (t: ColumnArg): Expr => call('second', c(t));
/** The date `days` later (a date, also for a timestamp or a string argument, as in Spark). */
export const dateAdd = (d: ColumnArg, days: NumberArg): Expr => call('date_add', c(d), c(days));
/** The date `days` earlier. */
export const dateSub = (d: ColumnArg, days: NumberArg): Expr => call('date_sub', c(d), c(days));
/** The date `months` later, the day clamped to the month's length (2016-01-31 + 1 month = 2016-02-29). */
export const addMonths = (d: ColumnArg, months: NumberArg): Expr => call('add_months', c(d), c(months));
/** Days from `start` to `end`. */
export const dateDiff = (end: ColumnArg, start: ColumnArg): Expr => call('datediff', c(end), c(start));
/** Parses strings as Spark casts them to dates ('2015', '2015-4', '2015-04-08', '2015-04-08 12:00'; null when invalid). */
export const toDate = (s: ColumnArg): Expr => call('to_date', c(s));
/** Parses strings as Spark casts them to timestamps ('2015-04-08 13:08:15.5+02:00'; UTC unless they carry a zone); numbers are seconds since the epoch. */
export const toTimestamp = (s: ColumnArg): Expr => call('to_timestamp', c(s));

/** A UDF as `udf()` returns it: call it on columns to get an expression; register it for SQL with `session.udf.register`. */
export type { UdfDefinition };

export interface Udf {
  (...args: ColumnArg[]): Expr;
  readonly definition: UdfDefinition;
}

/**
 * A TypeScript function applied row by row, shipped to workers like Dataset
 * functions: it may use only its parameters, worker globals and `env` (its
 * last parameter). Arguments arrive as JS values (Date for date and
 * timestamp, null for null); it returns a value of `returnType` or null.
 * It may be `async` (or return a promise): results are awaited with at most
 * `opts.concurrency` calls pending per operator and task (default 16), in row order.
 * @throws FreeVariableError here, at definition, if the function uses a variable it was not given in env.
 */
export function udf(fn: (...args: any[]) => unknown, returnType: TypeLike, env?: Record<string, unknown>, opts?: { concurrency?: number }): Udf {
  const site = userCallSite();
  const definition: UdfDefinition = { name: fn.name || 'udf', fn: withConcurrency(shipFunction(fn, env, 'udf', site), opts?.concurrency), returnType: parseType(returnType) };
  return Object.assign((...args: ColumnArg[]) => new Expr(udfCall(definition, args.map(c))), { definition });
}
