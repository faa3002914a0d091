import type { ColumnBatch, ColumnVector } from '../batch/vector.js';
import { fieldIndex, sameType, typeName, type DataType, type Schema } from '../types.js';
import type { FnSpec } from '../../serde/function-spec.js';
import { DeterministicError } from '../../util/errors.js';
import { compileArithmetic, compileNegate } from './arithmetic.js';
import { compileCase } from './case-when.js';
import { bindCast } from './cast.js';
import { compileComparison } from './comparison.js';
import { applyCompiled, computed, constant, withCast, type Compiled } from './compiled.js';
import { defaultName, type ExprNode, type LiteralValue } from './expr-node.js';
import { compileIn } from './in-list.js';
import { isComparison, isLogic, resolveField } from './infer-type.js';
import { compileLike } from './like.js';
import { compileAndOr, compileIsNull, compileNot } from './logic.js';
import { bindFunction } from './scalar-functions.js';
import { concatOperator } from './string-functions.js';
import { compileUdf, type UdfCompiler } from './udf-eval.js';
import { isNumberStored, validAt } from './vector-utils.js';

export interface CompileOptions {
  /** Compiles shipped UDFs (the task's, which resolves env markers); default: compiled here with env passed as shipped. */
  udf?: (spec: FnSpec) => (...args: unknown[]) => unknown;
}

/**
 * Compiles a bound expression over batches of `schema` into a vectorized
 * evaluator: one typed-array loop per operator node per batch. Columns use
 * their `index` (or are found by name). Constant subtrees are evaluated once.
 * @throws SluiceError for type errors, unknown columns and unknown functions.
 */
export function compileExpr(e: ExprNode, schema: Schema, opts: CompileOptions = {}): (batch: ColumnBatch) => ColumnVector {
  const c = compileNode(e, schema, opts.udf);
  return (batch) => c.eval(batch);
}

/**
 * Compiles a boolean predicate into a selection: the indices of the rows where
 * it is true (null counts as false), or null when every row passes.
 */
export function compilePredicate(e: ExprNode, schema: Schema, opts: CompileOptions = {}): (batch: ColumnBatch) => Int32Array | null {
  const c = compileNode(e, schema, opts.udf);
  if (c.type !== 'bool' && c.type !== 'null') throw new DeterministicError(`a filter condition must be boolean, got ${typeName(c.type)}: ${defaultName(e)}`);
  return (batch) => selection(c.eval(batch));
}

function selection(v: ColumnVector): Int32Array | null {
  const n = v.length;
  if (v.type === 'null') return new Int32Array(0);
  const values = v.values as Uint8Array;
  const out = new Int32Array(n);
  let k = 0;
  if (v.validity === null) for (let i = 0; i < n; i++) out[k] = i, (k += values[i]!);
  else for (let i = 0; i < n; i++) if (values[i] === 1 && validAt(v.validity, i)) out[k++] = i;
  return k === n ? null : out.slice(0, k);
}

/** Compiles one node (and its children) for `schema`. */
export function compileNode(e: ExprNode, schema: Schema, udf?: UdfCompiler): Compiled {
  const sub = (x: ExprNode): Compiled => compileNode(x, schema, udf);
  switch (e.kind) {
    case 'column': {
      const field = resolveField(e, schema);
      const i = e.index ?? fieldIndex(schema, e.name);
      return computed(field.type, (batch) => batch.columns[i]!);
    }
    case 'literal':
      return compileLiteral(e.value, e.type);
    case 'alias':
      return sub(e.arg);
    case 'binary': {
      const l = sub(e.left);
      const r = sub(e.right);
      if (isLogic(e.op)) return compileAndOr(e.op === 'and', l, r);
      if (isComparison(e.op)) return compileComparison(e.op, l, r);
      if (e.op === '||') return applyCompiled(concatOperator, [l, r]);
      return compileArithmetic(e.op, l, r, defaultName(e));
    }
    case 'unary': {
      const arg = sub(e.arg);
      if (e.op === 'not') return compileNot(arg);
      if (e.op === 'neg') return compileNegate(arg, defaultName(e));
      return compileIsNull(arg, e.op === 'isNotNull');
    }
    case 'call': {
      const args = e.args.map(sub);
      return applyCompiled(bindFunction(e.fn, args.map((a) => a.type)), args);
    }
    case 'cast': {
      const arg = sub(e.arg);
      return applyCompiled(bindCast(arg.type, e.to), [arg]);
    }
    case 'case':
      return compileCase(
        e.branches.map((b) => ({ when: sub(b.when), then: sub(b.then) })),
        e.otherwise && sub(e.otherwise),
      );
    case 'in':
      return compileIn(sub(e.arg), e.list.map(sub), e.negated);
    case 'like':
      return compileLike(sub(e.arg), e.pattern, e.negated, e.caseInsensitive);
    case 'udf':
      return compileUdf(e.name, e.fn, e.returnType, e.args.map(sub), udf);
    case 'agg':
      throw new DeterministicError(`aggregate ${defaultName(e)} cannot be evaluated row by row: use it in groupBy().agg() or select() of an aggregate`);
    default:
      throw new DeterministicError(`cannot evaluate a ${e.kind} expression (${defaultName(e)}): the analyzer and optimizer must rewrite it first`);
  }
}

/** A literal; its value may be written in another type ('2024-01-01' for a date) and is converted once. */
function compileLiteral(value: LiteralValue, type: DataType): Compiled {
  if (value === null) return constant(type, null);
  const stored = typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'float64';
  if (sameType(stored, type) || (stored === 'float64' && isNumberStored(type))) return constant(type, value);
  return withCast(constant(stored, value), type);
}
