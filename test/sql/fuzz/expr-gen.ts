/**
 * Random typed expressions over a scope of columns: arithmetic, string and date functions, CASE,
 * casts, and predicates mixing AND, OR, NOT, BETWEEN (bounds sometimes inverted), IN lists, IS NULL,
 * LIKE and contradictions. In an aggregate context the leaves are group keys and aggregates.
 */
import type { ScalarType } from '../../../src/frame/types.js';
import { Rng } from '../../frame/oracle/random.js';
import type { Features } from './features.js';
import type { Expr, Query } from './sql-ast.js';
import { randomValue } from './table-gen.js';

export interface ScopeColumn {
  ref: string;
  t: ScalarType;
}

/** Makes subqueries for predicates and scalar positions; supplied by the query generator. */
export interface SubqueryMaker {
  /** A query with one output column of type `t`. */
  column(t: ScalarType): Query;
  /** A one-row query (an aggregate without GROUP BY) with one output column of type `t`, or undefined. */
  scalar(t: ScalarType): Query | undefined;
  /** A query for EXISTS, correlated with `outer` when it can be. */
  exists(outer: ScopeColumn[]): Query;
}

export interface ExprContext {
  scope: ScopeColumn[];
  /** Aggregate context: leaves are these group keys, aggregates over `scope`, or literals. */
  groupKeys?: Expr[];
  /** Subqueries allowed (where the feature switches allow them). */
  subqueries?: SubqueryMaker;
  /** count(*) and aggregates of constants allowed (not over joins while zeroColumnBatches is off). */
  constantAggregates: boolean;
}

const NUMERIC: readonly ScalarType[] = ['int32', 'int64', 'float64'];
const COMPARABLE: readonly ScalarType[] = ['bool', 'int32', 'int64', 'float64', 'string', 'date', 'timestamp'];
const LIKE_PATTERNS = ['%', 'a%', '%b', '_', 'a_', '%a%', '', 'A%', 'hello', '__', '%l%o'];
const isNumeric = (t: ScalarType): boolean => NUMERIC.includes(t);
const pad = (n: number): string => String(n).padStart(2, '0');

/** The SQL literal of a value of `type`. */
export function literal(type: ScalarType, v: unknown): Expr {
  switch (type) {
    case 'bool':
      return { k: 'lit', t: type, sql: v ? 'TRUE' : 'FALSE' };
    case 'int32':
      return { k: 'lit', t: type, sql: (v as number) < 0 ? `(${v})` : String(v) };
    case 'int64':
      return { k: 'lit', t: type, sql: `CAST(${v} AS BIGINT)` };
    case 'float64':
      return { k: 'lit', t: type, sql: `CAST(${v} AS DOUBLE)` };
    case 'string':
      return { k: 'lit', t: type, sql: `'${v}'` };
    case 'date': {
      const d = v as Date;
      return { k: 'lit', t: type, sql: `DATE '${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}'` };
    }
    case 'timestamp':
      return { k: 'lit', t: type, sql: `TIMESTAMP '${(v as Date).toISOString().replace('T', ' ').replace('Z', '')}'` };
  }
}

export const nullOf = (t: ScalarType): Expr => ({ k: 'cast', t, e: { k: 'lit', t, sql: 'NULL' } });

export class ExprGen {
  constructor(
    readonly rng: Rng,
    readonly features: Features,
  ) {}

  private chance(p: number): boolean {
    return this.rng.float() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.below(xs.length)]!;
  }

  literal(t: ScalarType): Expr {
    return this.chance(0.08) ? nullOf(t) : literal(t, randomValue(this.rng, t));
  }

  private column(ctx: ExprContext, t: ScalarType): Expr | undefined {
    const cols = ctx.scope.filter((c) => c.t === t);
    return cols.length ? { k: 'col', t, ref: this.pick(cols).ref } : undefined;
  }

  /** A leaf of type `t`: a column (or group key / aggregate in an aggregate context) or a literal. */
  private leaf(ctx: ExprContext, t: ScalarType, depth: number): Expr {
    if (ctx.groupKeys) {
      const keys = ctx.groupKeys.filter((g) => g.t === t);
      if (keys.length && this.chance(0.5)) return this.pick(keys);
      const agg = this.aggregate({ ...ctx, groupKeys: undefined }, t, depth);
      if (agg && this.chance(0.8)) return agg;
      return this.literal(t);
    }
    if (this.chance(0.75)) {
      const c = this.column(ctx, t);
      if (c) return c;
    }
    return this.literal(t);
  }

  /** An aggregate over row expressions of `ctx.scope` returning `t`, if one exists. */
  aggregate(ctx: ExprContext, t: ScalarType, depth: number): Expr | undefined {
    const distinct = this.features.distinctAggregates && this.chance(0.2);
    const arg = (at: ScalarType): Expr => {
      const e = this.expr(ctx, at, depth + 1);
      return ctx.constantAggregates || hasColumn(e) ? e : (this.column(ctx, at) ?? e);
    };
    const options: (() => Expr | undefined)[] = [];
    if (t === 'int64') {
      if (ctx.constantAggregates) options.push(() => ({ k: 'agg', t, name: 'count', distinct: false }));
      options.push(() => ({ k: 'agg', t, name: 'count', arg: arg(this.pick(COMPARABLE)), distinct }));
      options.push(() => ({ k: 'agg', t, name: 'sum', arg: arg(this.pick(['int32', 'int64'] as const)), distinct }));
    }
    if (t === 'float64') {
      options.push(() => ({ k: 'agg', t, name: 'avg', arg: arg(this.pick(NUMERIC)), distinct }));
      options.push(() => ({ k: 'agg', t, name: 'sum', arg: arg('float64'), distinct }));
    }
    options.push(() => ({ k: 'agg', t, name: this.pick(['min', 'max']), arg: arg(t), distinct }));
    const made = this.pick(options)();
    // Without constant aggregates, an argument with no column would aggregate a zero-column batch.
    if (made && made.k === 'agg' && made.arg && !ctx.constantAggregates && !hasColumn(made.arg)) return undefined;
    return made;
  }

  /** An expression of type `t`, at most a few levels deep. */
  expr(ctx: ExprContext, t: ScalarType, depth = 0): Expr {
    if (t === 'bool') return this.pred(ctx, depth);
    if (depth >= 3 || this.chance(0.45)) return this.leaf(ctx, t, depth);
    const d = depth + 1;
    const r = this.rng.below(10);
    if (r === 0) return this.caseExpr(ctx, t, d);
    if (r === 1) return { k: 'fn', t, name: 'coalesce', args: [this.expr(ctx, t, d), this.expr(ctx, t, d)] };
    if (r === 2 && ctx.subqueries && this.features.scalarSubqueriesInSelect) {
      const q = ctx.subqueries.scalar(t);
      if (q) return { k: 'scalarq', t, q };
    }
    switch (t) {
      case 'int32':
      case 'int64':
        return this.integer(ctx, t, d);
      case 'float64':
        return this.float(ctx, d);
      case 'string':
        return this.string(ctx, d);
      case 'date':
        return this.chance(0.5) ? { k: 'cast', t, e: this.expr(ctx, 'timestamp', d) } : this.leaf(ctx, t, d);
      case 'timestamp':
        return this.chance(0.5) ? { k: 'cast', t, e: this.expr(ctx, 'date', d) } : this.leaf(ctx, t, d);
    }
    return this.leaf(ctx, t, d);
  }

  private integer(ctx: ExprContext, t: 'int32' | 'int64', d: number): Expr {
    const r = this.rng.below(8);
    const small = (): Expr => literal('int32', this.rng.below(9) - 4);
    if (r === 0) return { k: 'bin', t, op: '*', l: this.expr(ctx, t, d), r: small() };
    if (r === 1) return { k: 'bin', t, op: '%', l: this.expr(ctx, t, d), r: this.chance(0.8) ? literal('int32', this.rng.below(5) + 1) : this.expr(ctx, t, d) };
    if (r === 2) return { k: 'neg', t, e: this.expr(ctx, t, d) };
    if (r === 3) return { k: 'fn', t, name: 'abs', args: [this.expr(ctx, t, d)] };
    if (r === 4 && t === 'int64') {
      const [name, at] = this.pick([['length', 'string'], ['year', 'date'], ['month', 'date'], ['day', 'timestamp']] as const);
      return { k: 'fn', t, name, args: [this.expr(ctx, at, d)] };
    }
    if (r === 5) return { k: 'cast', t, e: this.expr(ctx, t === 'int32' ? 'bool' : 'int32', d) };
    // int32 op int64 is int64: only the int64 case may widen.
    const other = t === 'int64' && this.chance(0.3) ? 'int32' : t;
    return { k: 'bin', t, op: this.pick(['+', '-']), l: this.expr(ctx, t, d), r: this.expr(ctx, other, d) };
  }

  private float(ctx: ExprContext, d: number): Expr {
    const r = this.rng.below(6);
    const num = (): Expr => this.expr(ctx, this.pick(NUMERIC), d);
    if (r === 0) return { k: 'bin', t: 'float64', op: '/', l: num(), r: num() };
    if (r === 1) return { k: 'cast', t: 'float64', e: this.expr(ctx, this.pick(['int32', 'int64'] as const), d) };
    if (r === 2) return { k: 'fn', t: 'float64', name: 'abs', args: [this.expr(ctx, 'float64', d)] };
    if (r === 3 && this.features.log) return { k: 'fn', t: 'float64', name: 'ln', args: [this.expr(ctx, 'float64', d)] };
    if (r === 4) return { k: 'neg', t: 'float64', e: this.expr(ctx, 'float64', d) };
    return { k: 'bin', t: 'float64', op: this.pick(['+', '-', '*']), l: this.expr(ctx, 'float64', d), r: num() };
  }

  private string(ctx: ExprContext, d: number): Expr {
    const r = this.rng.below(5);
    if (r === 0) return { k: 'fn', t: 'string', name: this.pick(['upper', 'lower']), args: [this.expr(ctx, 'string', d)] };
    if (r === 1) return { k: 'bin', t: 'string', op: '||', l: this.expr(ctx, 'string', d), r: this.expr(ctx, 'string', d) };
    if (r === 2) return { k: 'fn', t: 'string', name: 'substring', args: [this.expr(ctx, 'string', d), literal('int32', this.rng.below(3) + 1), literal('int32', this.rng.below(3))] };
    if (r === 3) return { k: 'cast', t: 'string', e: this.expr(ctx, this.pick(['int32', 'int64', 'bool', 'date'] as const), d) };
    return this.leaf(ctx, 'string', d);
  }

  private caseExpr(ctx: ExprContext, t: ScalarType, d: number): Expr {
    const n = 1 + this.rng.below(2);
    const elseE = this.chance(0.7) ? this.expr(ctx, t, d) : undefined;
    if (this.chance(0.3)) {
      const ot = this.pick(['int32', 'string'] as const);
      const operand = this.features.parenthesizedCaseOperand ? this.expr(ctx, ot, d) : ctx.groupKeys ? undefined : this.column(ctx, ot);
      if (operand) {
        const whens = Array.from({ length: n }, () => ({ when: this.expr(ctx, ot, d + 1), then: this.expr(ctx, t, d) }));
        return { k: 'case', t, operand, whens, else: elseE };
      }
    }
    const whens = Array.from({ length: n }, () => ({ when: this.pred(ctx, d + 1), then: this.expr(ctx, t, d) }));
    return { k: 'case', t, whens, else: elseE };
  }

  /** A comparison operand type, and two expressions of compatible types. */
  private operands(ctx: ExprContext, d: number): [Expr, Expr] {
    const t = this.pick(COMPARABLE.filter((x) => x !== 'bool' || this.chance(0.3)));
    const other = isNumeric(t) ? this.pick(NUMERIC) : t;
    return [this.expr(ctx, t, d), this.expr(ctx, other, d)];
  }

  /** A predicate (bool expression). */
  pred(ctx: ExprContext, depth = 0): Expr {
    const d = depth + 1;
    if (depth >= 3) {
      const [l, r] = this.operands(ctx, d);
      return { k: 'bin', t: 'bool', op: this.pick(['=', '<>', '<', '<=', '>', '>=']), l, r };
    }
    const sub = ctx.subqueries && (depth === 0 || this.features.subqueriesUnderOrNot) ? ctx.subqueries : undefined;
    const inner: ExprContext = this.features.subqueriesUnderOrNot ? ctx : { ...ctx, subqueries: undefined };
    switch (this.rng.below(17)) {
      case 0:
      case 1:
      case 2: {
        const [l, r] = this.operands(ctx, d);
        return { k: 'bin', t: 'bool', op: this.pick(['=', '<>', '<', '<=', '>', '>=']), l, r };
      }
      case 3:
      case 4:
        return { k: 'bin', t: 'bool', op: this.pick(['AND', 'OR']), l: this.pred(inner, d), r: this.pred(inner, d) };
      case 5:
        return { k: 'not', t: 'bool', e: this.pred(inner, d) };
      case 6: {
        const t = this.pick(COMPARABLE);
        return { k: 'isnull', t: 'bool', e: this.expr(ctx, t, d), neg: this.chance(0.4) };
      }
      case 7: {
        const t = this.pick(COMPARABLE.filter((x) => x !== 'bool'));
        const other = (): ScalarType => (isNumeric(t) ? this.pick(NUMERIC) : t);
        return { k: 'between', t: 'bool', e: this.expr(ctx, t, d), lo: this.expr(ctx, other(), d), hi: this.expr(ctx, other(), d), neg: this.chance(0.3) };
      }
      case 8: {
        const t = this.pick(COMPARABLE);
        const neg = this.chance(0.3);
        const min = neg && !this.features.notInOneElement ? 2 : 1;
        const list = Array.from({ length: min + this.rng.below(4) }, () => (this.chance(0.7) ? this.literal(t) : this.expr(ctx, t, d)));
        return { k: 'in', t: 'bool', e: this.expr(ctx, t, d), list, neg };
      }
      case 9:
        return { k: 'like', t: 'bool', e: this.expr(ctx, 'string', d), pattern: this.pick(LIKE_PATTERNS), neg: this.chance(0.3) };
      case 10: {
        // A contradiction (or its negation, a tautology that is still NULL on NULL).
        const p = this.pred(inner, d);
        const c: Expr = { k: 'bin', t: 'bool', op: 'AND', l: p, r: { k: 'not', t: 'bool', e: p } };
        return this.chance(0.5) ? c : { k: 'not', t: 'bool', e: c };
      }
      case 11:
        return this.caseExpr(inner, 'bool', d);
      case 12:
        return this.leaf(ctx, 'bool', d);
      case 13:
      case 14:
        if (sub) return this.subqueryPredicate(ctx, sub, d);
        return this.pred(ctx, depth);
      default: {
        const [l, r] = this.operands(ctx, d);
        return { k: 'bin', t: 'bool', op: this.pick(['=', '<', '>=']), l, r };
      }
    }
  }

  private subqueryPredicate(ctx: ExprContext, sub: SubqueryMaker, d: number): Expr {
    const r = this.rng.below(3);
    if (r === 0) return { k: 'exists', t: 'bool', q: sub.exists(ctx.scope), neg: this.chance(0.4) };
    const t = this.pick(COMPARABLE);
    const noSub: ExprContext = { ...ctx, subqueries: undefined };
    if (r === 1) return { k: 'inq', t: 'bool', e: this.expr(noSub, t, d), q: sub.column(t), neg: this.chance(0.4) };
    const q = sub.scalar(t);
    if (!q) return { k: 'inq', t: 'bool', e: this.expr(noSub, t, d), q: sub.column(t), neg: false };
    const op = this.pick(['=', '<>', '<', '>=']);
    return { k: 'bin', t: 'bool', op, l: this.expr(noSub, t, d), r: { k: 'scalarq', t, q } };
  }
}

/** Whether `e` reads a column of its scope (outside subqueries). */
export function hasColumn(e: Expr): boolean {
  if (e.k === 'col') return true;
  if (e.k === 'inq' || e.k === 'exists' || e.k === 'scalarq') return e.k === 'inq' && hasColumn(e.e);
  return childExprs(e).some(hasColumn);
}

/** Direct sub-expressions of `e` (not inside subqueries). */
export function childExprs(e: Expr): Expr[] {
  switch (e.k) {
    case 'col':
    case 'lit':
    case 'exists':
    case 'scalarq':
      return [];
    case 'bin':
      return [e.l, e.r];
    case 'not':
    case 'neg':
    case 'isnull':
    case 'like':
    case 'cast':
    case 'inq':
      return [e.e];
    case 'between':
      return [e.e, e.lo, e.hi];
    case 'in':
      return [e.e, ...e.list];
    case 'case':
      return [...(e.operand ? [e.operand] : []), ...e.whens.flatMap((w) => [w.when, w.then]), ...(e.else ? [e.else] : [])];
    case 'fn':
      return e.args;
    case 'agg':
      return e.arg ? [e.arg] : [];
  }
}
