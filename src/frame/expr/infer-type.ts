import type { AggFn, BinaryOp, ExprNode } from './expr-node.js';
import { fieldIndex, isNumeric, typeName, type DataType, type Field, type Schema } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { canCast } from './cast.js';
import { commonType, commonTypeOf } from './coercion.js';
import { bindFunction, lookupFunction } from './scalar-functions.js';

export { commonType, commonTypeOf } from './coercion.js';

/**
 * Result types of expressions (DuckDB semantics: `/` is always float64; the
 * other arithmetic operators use the operands' common numeric type; date ± int
 * is a date and date - date an int64 count of days).
 */

const LOGIC = new Set<BinaryOp>(['and', 'or']);
const COMPARISON = new Set<BinaryOp>(['=', '!=', '<', '<=', '>', '>=']);

export const isComparison = (op: BinaryOp): boolean => COMPARISON.has(op);
export const isLogic = (op: BinaryOp): boolean => LOGIC.has(op);

/** The result type of an arithmetic operator. @throws SluiceError for operand types it does not apply to. */
export function arithmeticType(op: BinaryOp, l: DataType, r: DataType): DataType {
  const num = (t: DataType): boolean => isNumeric(t) || t === 'null';
  if (num(l) && num(r)) {
    if (op === '/') return 'float64';
    return commonType(l, r)!;
  }
  const int = (t: DataType): boolean => t === 'int32' || t === 'int64' || t === 'null';
  if (l === 'date' && int(r) && (op === '+' || op === '-')) return 'date';
  if (int(l) && r === 'date' && op === '+') return 'date';
  if (l === 'date' && r === 'date' && op === '-') return 'int64';
  throw new DeterministicError(`cannot apply ${op} to ${typeName(l)} and ${typeName(r)}`);
}

/** The type both sides of a comparison are converted to. @throws SluiceError when they cannot be compared. */
export function comparisonType(l: DataType, r: DataType): DataType {
  const t = commonType(l, r);
  if (t === null || typeof t === 'object') throw new DeterministicError(`cannot compare ${typeName(l)} with ${typeName(r)}`);
  return t;
}

function expectBool(t: DataType, what: string): void {
  if (t !== 'bool' && t !== 'null') throw new DeterministicError(`${what} must be boolean, got ${typeName(t)}`);
}

/** The field a (bound or unbound) column reference reads. @throws SluiceError naming the available columns. */
export function resolveField(e: { name: string; index?: number }, schema: Schema): Field {
  const i = e.index ?? fieldIndex(schema, e.name);
  const f = schema.fields[i];
  if (!f) {
    const names = schema.fields.map((x) => x.name).join(', ');
    throw new DeterministicError(`column "${e.name}" not found among: ${names || '(no columns)'}`);
  }
  return f;
}

/** The result type of an aggregate over an argument of `argType`. @throws SluiceError for unsupported argument types. */
export function resultTypeOfAgg(fn: AggFn, argType: DataType): DataType {
  const numericArg = (): void => {
    if (!isNumeric(argType) && argType !== 'null') throw new DeterministicError(`${fn}() needs a numeric argument, got ${typeName(argType)}`);
  };
  switch (fn) {
    case 'count':
    case 'count_star':
    case 'count_distinct':
    case 'approx_count_distinct':
      return 'int64';
    case 'sum':
      numericArg();
      return argType === 'float64' ? 'float64' : 'int64';
    case 'avg':
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop':
    case 'corr':
    case 'covar_samp':
    case 'covar_pop':
      numericArg();
      return 'float64';
    case 'median':
    case 'percentile':
    case 'approx_percentile':
      // Quantiles of numbers interpolate; of dates, timestamps and strings they pick a value.
      return isNumeric(argType) || argType === 'null' ? 'float64' : argType;
    case 'min':
    case 'max':
    case 'first':
    case 'last':
      return argType;
    case 'collect_list':
    case 'top_k':
      return { list: argType };
  }
}

/** The type of a bound expression over `schema`. @throws SluiceError for type errors and unknown columns or functions. */
export function inferType(e: ExprNode, schema: Schema): DataType {
  const type = (x: ExprNode): DataType => inferType(x, schema);
  switch (e.kind) {
    case 'column':
      return resolveField(e, schema).type;
    case 'literal':
      return e.type;
    case 'alias':
      return type(e.arg);
    case 'binary': {
      const l = type(e.left);
      const r = type(e.right);
      if (isLogic(e.op)) {
        expectBool(l, `left side of ${e.op.toUpperCase()}`);
        expectBool(r, `right side of ${e.op.toUpperCase()}`);
        return 'bool';
      }
      if (isComparison(e.op)) {
        comparisonType(l, r);
        return 'bool';
      }
      return e.op === '||' ? 'string' : arithmeticType(e.op, l, r);
    }
    case 'unary': {
      const t = type(e.arg);
      if (e.op === 'not') expectBool(t, 'argument of NOT');
      if (e.op !== 'neg') return 'bool';
      if (!isNumeric(t) && t !== 'null') throw new DeterministicError(`cannot negate ${typeName(t)}`);
      return t;
    }
    case 'call':
      return bindFunction(e.fn, e.args.map(type)).returnType;
    case 'case': {
      for (const b of e.branches) expectBool(type(b.when), 'CASE WHEN condition');
      const results = e.branches.map((b) => type(b.then));
      if (e.otherwise) results.push(type(e.otherwise));
      const t = commonTypeOf(results);
      if (t === null) throw new DeterministicError(`CASE branches have no common type: ${results.map(typeName).join(', ')}`);
      return t;
    }
    case 'cast': {
      const from = type(e.arg);
      if (!canCast(from, e.to)) throw new DeterministicError(`cannot cast ${typeName(from)} to ${typeName(e.to)}`);
      return e.to;
    }
    case 'in': {
      const t = type(e.arg);
      for (const x of e.list) comparisonType(t, type(x));
      return 'bool';
    }
    case 'like': {
      const t = type(e.arg);
      if (t !== 'string' && t !== 'null') throw new DeterministicError(`LIKE needs a string, got ${typeName(t)}`);
      return 'bool';
    }
    case 'agg':
      return resultTypeOfAgg(e.fn, e.args.length > 0 ? type(e.args[0]!) : 'null');
    case 'udf':
      return e.returnType;
    case 'inSubquery':
    case 'exists':
      return 'bool';
    default:
      throw new DeterministicError(`cannot infer the type of a ${e.kind} expression: it must be resolved by the analyzer first`);
  }
}

/** Whether a bound expression may be null over `schema` (conservative: true when unsure). */
export function inferNullable(e: ExprNode, schema: Schema): boolean {
  const nullable = (x: ExprNode): boolean => inferNullable(x, schema);
  switch (e.kind) {
    case 'column':
      return resolveField(e, schema).nullable;
    case 'literal':
      return e.value === null;
    case 'alias':
    case 'like':
      return nullable(e.arg);
    case 'binary':
      // Integer x % 0 is null (x / 0 is ±Infinity or NaN).
      return e.op === '%' || nullable(e.left) || nullable(e.right);
    case 'unary':
      return e.op === 'isNull' || e.op === 'isNotNull' ? false : nullable(e.arg);
    case 'call': {
      const fn = lookupFunction(e.fn);
      if (fn.name === 'coalesce') return e.args.every(nullable);
      const introduces = typeof fn.introducesNulls === 'function' ? fn.introducesNulls(e.args.map((a) => inferType(a, schema))) : fn.introducesNulls === true;
      return introduces || e.args.some(nullable);
    }
    case 'case':
      return e.otherwise === undefined || nullable(e.otherwise) || e.branches.some((b) => nullable(b.then));
    case 'cast': {
      // Parsing strings and narrowing numbers give null for values that do not fit.
      const from = inferType(e.arg, schema);
      const narrowing = from === 'string' || (from === 'float64' && (e.to === 'int32' || e.to === 'int64')) || (from === 'int64' && e.to === 'int32');
      return narrowing || nullable(e.arg);
    }
    case 'in':
      return nullable(e.arg) || e.list.some(nullable);
    case 'agg':
      return !(e.fn === 'count' || e.fn === 'count_star' || e.fn === 'count_distinct' || e.fn === 'approx_count_distinct');
    default:
      return true;
  }
}
