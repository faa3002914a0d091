import type { BinaryOp, ExprNode, LiteralValue, UnaryOp } from './expr-node.js';
import type { SortKey } from '../logical/plan.js';
import type { DataType } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import { printExpr } from '../logical/print.js';
import { parseType, type TypeLike } from './type-names.js';

/** A sort key built by `asc()`/`desc()` (the logical plan's SortKey). */
export type SortExpr = SortKey;

/** What operator methods accept on their right side: an expression or a plain value (a literal). */
export type Operand = Expr | LiteralValue | Date;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The literal node of a JS value: integers are int32 (int64 beyond int32's
 * range), other numbers float64; a Date is a timestamp (its ms).
 * @throws SluiceError for values that are not literals (objects, NaN, bigint beyond 2^53).
 */
export function litNode(v: LiteralValue | Date | bigint): ExprNode {
  if (v === null) return { kind: 'literal', value: null, type: 'null' };
  if (v instanceof Date) return { kind: 'literal', value: v.getTime(), type: 'timestamp' };
  switch (typeof v) {
    case 'string':
      return { kind: 'literal', value: v, type: 'string' };
    case 'boolean':
      return { kind: 'literal', value: v, type: 'bool' };
    case 'bigint':
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new SluiceError(`literal ${v}n is beyond 2^53, the exact range of int64 columns`);
      return { kind: 'literal', value: Number(v), type: 'int64' };
    case 'number':
      if (Number.isNaN(v)) throw new SluiceError('NaN is not a literal; use null for a missing value');
      if (!Number.isInteger(v)) return { kind: 'literal', value: v, type: 'float64' };
      return { kind: 'literal', value: v, type: v >= INT32_MIN && v <= INT32_MAX ? 'int32' : 'int64' };
  }
  throw new SluiceError(`cannot use ${Object.prototype.toString.call(v)} as a literal; use lit() with a number, string, boolean, Date or null`);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * The column node of a name: `t.x` (two identifiers) is column x of table t,
 * `*` and `t.*` are stars, and a name in backticks is taken literally
 * (`` `a.b` `` is the column named "a.b").
 */
export function columnNode(name: string): ExprNode {
  if (name === '*') return { kind: 'star' };
  if (name.length > 1 && name.startsWith('`') && name.endsWith('`')) return { kind: 'column', name: name.slice(1, -1).replace(/``/g, '`') };
  const dot = name.indexOf('.');
  if (dot > 0) {
    const [q, rest] = [name.slice(0, dot), name.slice(dot + 1)];
    if (rest === '*' && IDENT.test(q)) return { kind: 'star', qualifier: q };
    if (IDENT.test(q) && IDENT.test(rest)) return { kind: 'column', name: rest, qualifier: q };
  }
  return { kind: 'column', name };
}

/** An operand as a node: a plain value is a literal. */
export function operandNode(x: Operand): ExprNode {
  return x instanceof Expr ? x.node : litNode(x);
}

/** A column-or-value argument as a node: a string is a column name (as in the DataFrame methods), other values are literals. */
export function toExpr(x: Expr | string | LiteralValue | Date): ExprNode {
  if (x instanceof Expr) return x.node;
  return typeof x === 'string' ? columnNode(x) : litNode(x);
}

/**
 * A column expression (Spark's Column): immutable, built with `col()`,
 * `lit()` and the functions in functions.ts, combined with these methods.
 * On the right side of an operator a plain value is a literal:
 * `col('name').eq('bob')` compares with the string 'bob'.
 */
export class Expr {
  constructor(readonly node: ExprNode) {}

  private bin(op: BinaryOp, o: Operand): Expr {
    return new Expr({ kind: 'binary', op, left: this.node, right: operandNode(o) });
  }
  private un(op: UnaryOp): Expr {
    return new Expr({ kind: 'unary', op, arg: this.node });
  }

  plus(o: Operand): Expr { return this.bin('+', o); }
  minus(o: Operand): Expr { return this.bin('-', o); }
  multiply(o: Operand): Expr { return this.bin('*', o); }
  /** Division is always float64; x / 0 is null. */
  divide(o: Operand): Expr { return this.bin('/', o); }
  mod(o: Operand): Expr { return this.bin('%', o); }
  negate(): Expr { return this.un('neg'); }
  /** String concatenation (`||`): null when either side is null. */
  concat(o: Operand): Expr { return this.bin('||', o); }

  eq(o: Operand): Expr { return this.bin('=', o); }
  ne(o: Operand): Expr { return this.bin('!=', o); }
  lt(o: Operand): Expr { return this.bin('<', o); }
  le(o: Operand): Expr { return this.bin('<=', o); }
  gt(o: Operand): Expr { return this.bin('>', o); }
  ge(o: Operand): Expr { return this.bin('>=', o); }

  and(o: Operand): Expr { return this.bin('and', o); }
  or(o: Operand): Expr { return this.bin('or', o); }
  not(): Expr { return this.un('not'); }
  isNull(): Expr { return this.un('isNull'); }
  isNotNull(): Expr { return this.un('isNotNull'); }

  /** Names the output column. */
  as(name: string): Expr {
    const arg = this.node.kind === 'alias' ? this.node.arg : this.node;
    return new Expr({ kind: 'alias', arg, name });
  }
  alias(name: string): Expr { return this.as(name); }

  /** Converts to `type` ('int', 'bigint', 'double', 'string', 'date'... or a DataType); values that do not convert become null. */
  cast(type: TypeLike): Expr {
    return new Expr({ kind: 'cast', arg: this.node, to: parseType(type) });
  }

  /** SQL LIKE: `%` any run of characters, `_` one character. */
  like(pattern: string): Expr { return new Expr({ kind: 'like', arg: this.node, pattern, negated: false, caseInsensitive: false }); }
  ilike(pattern: string): Expr { return new Expr({ kind: 'like', arg: this.node, pattern, negated: false, caseInsensitive: true }); }
  notLike(pattern: string): Expr { return new Expr({ kind: 'like', arg: this.node, pattern, negated: true, caseInsensitive: false }); }

  /** `x IN (values)`: `isin(1, 2, 3)` or `isin([1, 2, 3])`. */
  isin(...values: (Operand | Operand[])[]): Expr {
    const list = values.flat().map(operandNode);
    return new Expr({ kind: 'in', arg: this.node, list, negated: false });
  }

  /** `lo <= x AND x <= hi` (both ends included). */
  between(lo: Operand, hi: Operand): Expr {
    return this.ge(lo).and(this.le(hi));
  }

  /** Ascending, nulls last (DuckDB's default). */
  asc(): SortExpr { return this.sort(true, false); }
  /** Descending, nulls first (DuckDB's default). */
  desc(): SortExpr { return this.sort(false, true); }
  ascNullsFirst(): SortExpr { return this.sort(true, true); }
  ascNullsLast(): SortExpr { return this.sort(true, false); }
  descNullsFirst(): SortExpr { return this.sort(false, true); }
  descNullsLast(): SortExpr { return this.sort(false, false); }

  private sort(ascending: boolean, nullsFirst: boolean): SortExpr {
    return { expr: this.node, ascending, nullsFirst };
  }

  toString(): string {
    return printExpr(this.node);
  }
}

/** Re-exported so facades can type cast arguments. */
export type { TypeLike, DataType };
