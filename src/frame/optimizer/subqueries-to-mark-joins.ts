/**
 * Turn the subqueries decorrelate-subqueries leaves (inside OR, NOT, CASE, the
 * select list, aggregate arguments) into joins that add a column per subquery, so any expression
 * can use them.
 *
 *   Filter: x IN (<subquery>) OR b = 1          Projection: x, b
 *     Subquery:                                   Filter: CASE WHEN __sq_2 IS NOT NULL THEN true
 *       Projection: y                                          WHEN __sq_1 = 0 THEN false
 *         Scan: s                       →                      WHEN x IS NULL OR __sq_1 > __sq_3 THEN NULL
 *     Scan: t                                                  ELSE false END OR b = 1
 *                                                   Join: type=left on=x = __sq_2
 *                                                     Join: type=cross
 *                                                       Scan: t
 *                                                       Aggregate: aggr=[count(*) AS __sq_1, count(y) AS __sq_3]
 *                                                     Distinct (Projection: y AS __sq_2, Filter: y IS NOT NULL)
 *
 * Why it is correct:
 * - An uncorrelated scalar subquery is a one-row relation cross joined to every
 *   row: a global aggregate is one already; any other q goes under a global
 *   aggregate of `first` of its column (NULL when q is empty) and its row count,
 *   and reading the value raises SQL's error when there were several rows.
 * - Uncorrelated `EXISTS (q)` is `count(*) > 0` over q, cross joined the same way.
 * - Uncorrelated `x IN (q)` follows SQL's three-valued logic: true when some
 *   value of q equals x (a left join on the distinct non-null values matches at
 *   most one row, so no row is repeated); else false when q is empty; else NULL
 *   when x is NULL or q holds a NULL; else false. NOT IN is the negation.
 * - Correlated `EXISTS (q)`, q a filter whose conjuncts refer to the outer row
 *   (any predicate: `u.a < t.b`, `u.k = t.k OR ..`) and to q's input: a mark
 *   join of the input with q under its uncorrelated conjuncts, on the correlated
 *   ones. It outputs every input row once, plus a non-null boolean: whether some
 *   row of q satisfied the condition for it. NOT EXISTS is its negation.
 *
 *     Filter: EXISTS (<subquery>) OR b = 1      Projection: x, b
 *       Subquery:                                 Filter: __sq_1 OR b = 1
 *         Projection: 1                  →          Join: type=mark mark=__sq_1 on=a < x
 *           Filter: a < outer(x) AND c > 0            Scan: t
 *             Scan: u                                 Filter: c > 0
 *       Scan: t                                         Scan: u
 *
 * - Correlated `x IN (SELECT v FROM q WHERE c)` follows SQL's three-valued logic
 *   with two mark joins: m1 on `c AND x = v`, m2 on `c AND (x = v) IS NULL`;
 *   the value is TRUE when m1, else NULL when m2 (x or some v NULL), else FALSE
 *   (so FALSE when no row of q satisfies c, even for a NULL x). NOT IN is the
 *   negation (NULL stays NULL), as in DuckDB and PostgreSQL.
 * - A correlated scalar subquery `SELECT f(agg) FROM q WHERE inner = outer AND p`:
 *   group q's rows (under p) by the inner sides and left join on the outer sides
 *   (at most one group matches); that gives the value for outer rows that have a group; the others
 *   get the subquery's value over no rows (0 for count), computed once.
 *   `SELECT v FROM q WHERE inner = outer AND p` (no aggregate) is grouped the
 *   same way into `first(v)` and the row count: NULL without a group, SQL's
 *   error when an outer row's group has several rows.
 * Other correlated forms are left for the physical planner to reject.
 */
import { defaultName, type ExprNode } from '../expr/expr-node.js';
import { anyExpr, conjunction, exprChildren, hasSubquery, mapExpr, splitConjunction, stripAlias, withExprChildren } from '../logical/expr-utils.js';
import type { LogicalPlan } from '../logical/plan.js';
import { mapPlanUp } from '../logical/plan-walk.js';
import { scalarSubqueryRow, subqueryRow, subqueryValue } from '../logical/scalar-subquery.js';
import { columnAt, isAddressable, planScope, resolveIndex, type ScopeField } from '../logical/scope.js';
import { correlatedJoin, decorrelateWith, freshNames, hasOuterRefs } from './decorrelate-subqueries.js';
import type { OptimizerRule } from './rule.js';

type Subquery = Extract<ExprNode, { kind: 'scalarSubquery' | 'exists' | 'inSubquery' }>;

const TRUE: ExprNode = { kind: 'literal', value: true, type: 'bool' };
const FALSE: ExprNode = { kind: 'literal', value: false, type: 'bool' };
const NULL_BOOL: ExprNode = { kind: 'literal', value: null, type: 'bool' };
const col = (name: string): ExprNode => ({ kind: 'column', name });
const as = (arg: ExprNode, name: string): ExprNode => ({ kind: 'alias', arg, name });
const agg = (fn: 'count_star' | 'count' | 'first', args: ExprNode[]): ExprNode => ({ kind: 'agg', fn, args, distinct: false, params: [] });
const bin = (op: 'and' | 'or' | '=' | '>', left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'binary', op, left, right });
const isNull = (arg: ExprNode): ExprNode => ({ kind: 'unary', op: 'isNull', arg });
const isNotNull = (arg: ExprNode): ExprNode => ({ kind: 'unary', op: 'isNotNull', arg });
const not = (arg: ExprNode): ExprNode => ({ kind: 'unary', op: 'not', arg });


export const subqueriesToMarkJoins: OptimizerRule = {
  name: 'subqueries-to-mark-joins',
  apply: (plan) => {
    // One name generator for the plan and every subquery plan rewritten on the way, which joins onto it.
    const fresh = freshNames(plan);
    return rewrite(plan, fresh);
  },
};

function rewrite(plan: LogicalPlan, fresh: () => string): LogicalPlan {
  const sub = (p: LogicalPlan): LogicalPlan => rewrite(decorrelateWith(p, fresh), fresh);
  return mapPlanUp(plan, (p) => {
    if (p.kind === 'filter' && hasSubquery(p.predicate)) {
      const r = new Rewriter(p.input, fresh, sub);
      const predicate = r.expr(p.predicate);
      if (!r.changed) return p;
      const original = planScope(p.input);
      return { kind: 'project', input: { kind: 'filter', input: r.input, predicate }, exprs: original.map((_, i) => columnAt(original, i)) };
    }
    // Output columns keep their names (a set operation's other branch, or a parent, may refer to them).
    if (p.kind === 'project' && p.exprs.some(hasSubquery)) {
      const r = new Rewriter(p.input, fresh, sub);
      const exprs = p.exprs.map((e) => r.named(e));
      return r.changed ? { kind: 'project', input: r.input, exprs } : p;
    }
    if (p.kind === 'aggregate' && [...p.groupBy, ...p.aggs].some(hasSubquery)) {
      // `max((SELECT ..))`: the subquery's column is joined onto the aggregate's input.
      const r = new Rewriter(p.input, fresh, sub);
      const groupBy = p.groupBy.map((e) => r.named(e));
      const aggs = p.aggs.map((e) => r.named(e));
      return r.changed ? { ...p, input: r.input, groupBy, aggs } : p;
    }
    return p;
  });
}

/** Rewrites the subqueries of expressions over `input`, joining what they need onto it. */
class Rewriter {
  input: LogicalPlan;
  changed = false;
  private readonly scope: ScopeField[];

  constructor(
    input: LogicalPlan,
    private readonly fresh: () => string,
    private readonly sub: (p: LogicalPlan) => LogicalPlan,
  ) {
    this.input = input;
    this.scope = planScope(input);
  }

  /** `expr(e)` under the name `e` had. */
  named(e: ExprNode): ExprNode {
    const out = this.expr(e);
    return out === e || e.kind === 'alias' ? out : as(out, defaultName(e));
  }

  /** `e` with every subquery it can rewrite replaced by an expression over the joined columns. */
  expr(e: ExprNode): ExprNode {
    if (e.kind === 'scalarSubquery' || e.kind === 'exists' || e.kind === 'inSubquery') {
      const withArg: Subquery = e.kind === 'inSubquery' ? { ...e, arg: this.expr(e.arg) } : e;
      const done = this.subquery(withArg);
      if (done) this.changed = true;
      return done ?? e;
    }
    const kids = exprChildren(e);
    if (kids.length === 0) return e;
    const mapped = kids.map((k) => this.expr(k));
    return mapped.every((k, i) => k === kids[i]) ? e : withExprChildren(e, mapped);
  }

  private subquery(e: Subquery): ExprNode | undefined {
    const plan = this.sub(e.plan);
    if (!hasOuterRefs(plan)) {
      if (e.kind === 'scalarSubquery') {
        const { row, value } = scalarSubqueryRow(plan, this.fresh);
        this.input = { kind: 'join', type: 'cross', on: null, left: this.input, right: row };
        return value;
      }
      if (e.kind === 'exists') {
        const n = this.crossJoin({ kind: 'limit', input: plan, n: 1, offset: 0 }, () => agg('count_star', []));
        return e.negated ? bin('=', n, { kind: 'literal', value: 0, type: 'int64' }) : bin('>', n, { kind: 'literal', value: 0, type: 'int64' });
      }
      return this.inList(e.arg, plan, e.negated);
    }
    if (e.kind === 'exists') return this.correlatedExists(plan, e.negated);
    if (e.kind === 'inSubquery') return this.correlatedIn(e.arg, plan, e.negated);
    return this.correlatedScalar(plan);
  }

  /** Cross joins a one-row global aggregate of `plan`'s first column; returns the aggregate's column. */
  private crossJoin(plan: LogicalPlan, make: (c: ExprNode) => ExprNode): ExprNode {
    const name = this.fresh();
    const right: LogicalPlan = { kind: 'aggregate', input: plan, groupBy: [], aggs: [as(make(columnAt(planScope(plan), 0)), name)] };
    this.input = { kind: 'join', type: 'cross', on: null, left: this.input, right };
    return col(name);
  }

  private inList(arg: ExprNode, plan: LogicalPlan, negated: boolean): ExprNode {
    const value = columnAt(planScope(plan), 0);
    const [count, nonNull, match] = [this.fresh(), this.fresh(), this.fresh()];
    const stats: LogicalPlan = { kind: 'aggregate', input: plan, groupBy: [], aggs: [as(agg('count_star', []), count), as(agg('count', [value]), nonNull)] };
    const values: LogicalPlan = { kind: 'distinct', input: { kind: 'project', input: { kind: 'filter', input: plan, predicate: isNotNull(value) }, exprs: [as(value, match)] } };
    this.input = { kind: 'join', type: 'cross', on: null, left: this.input, right: stats };
    this.input = { kind: 'join', type: 'left', left: this.input, right: values, on: bin('=', arg, col(match)) };
    const result: ExprNode = {
      kind: 'case',
      branches: [
        { when: isNotNull(col(match)), then: TRUE },
        { when: bin('=', col(count), { kind: 'literal', value: 0, type: 'int64' }), then: FALSE },
        { when: bin('or', isNull(arg), bin('>', col(count), col(nonNull))), then: NULL_BOOL },
      ],
      otherwise: FALSE,
    };
    return negated ? not(result) : result;
  }

  /**
   * Joins onto the input a mark: whether some row of `body` satisfies its correlated conjuncts
   * and `extra` (over `outer` references and `body`'s columns) for the row. `body` is the
   * subquery under its projections: a Filter whose other conjuncts stay inside.
   */
  private mark(body: LogicalPlan, extra: ExprNode[]): ExprNode | undefined {
    const parts = body.kind === 'filter' ? splitConjunction(body.predicate) : [];
    const local = conjunction(parts.filter((p) => !hasOuter(p)));
    const from = body.kind === 'filter' ? body.input : body;
    const right: LogicalPlan = local ? { kind: 'filter', input: from, predicate: local } : from;
    const correlated = [...parts.filter(hasOuter), ...extra];
    if (hasOuterRefs(right) || correlated.some(hasSubquery)) return undefined;
    const joined = correlatedJoin(this.input, right, correlated, this.fresh);
    if (!joined) return undefined;
    const name = this.fresh();
    this.input = { kind: 'join', type: 'mark', mark: name, left: this.input, right: joined.right, on: joined.on };
    return col(name);
  }

  private correlatedExists(plan: LogicalPlan, negated: boolean): ExprNode | undefined {
    let body = plan;
    while (body.kind === 'project' || body.kind === 'distinct') body = body.input;
    const found = this.mark(body, []);
    return found && (negated ? not(found) : found);
  }

  /**
   * Correlated `x IN (SELECT v FROM q WHERE c)`: TRUE when a row of q under c has v = x; else
   * NULL when one has v = x unknown (x or v NULL); else FALSE (also for no rows).
   */
  private correlatedIn(arg: ExprNode, plan: LogicalPlan, negated: boolean): ExprNode | undefined {
    const proj = plan.kind === 'distinct' ? plan.input : plan;
    if (proj.kind !== 'project' || proj.exprs.length !== 1 || hasOuter(proj.exprs[0]!) || hasSubquery(proj.exprs[0]!)) return undefined;
    const equal = bin('=', toOuter(arg), stripAlias(proj.exprs[0]!));
    const before = this.input;
    const found = this.mark(proj.input, [equal]);
    const unknown = found && this.mark(proj.input, [isNull(equal)]);
    if (!found || !unknown) {
      this.input = before;
      return undefined;
    }
    const result: ExprNode = { kind: 'case', branches: [{ when: found, then: TRUE }, { when: unknown, then: NULL_BOOL }], otherwise: FALSE };
    return negated ? not(result) : result;
  }

  private correlatedScalar(plan: LogicalPlan): ExprNode | undefined {
    const proj = plan.kind === 'project' ? plan : undefined;
    const aggregate = proj ? proj.input : plan;
    if (proj && aggregate.kind !== 'aggregate') return this.correlatedRows(proj);
    if (aggregate.kind !== 'aggregate' || aggregate.groupBy.length > 0 || (proj && proj.exprs.length !== 1)) return undefined;
    const keyed = this.groupKeys(aggregate.input);
    if (!keyed) return undefined;
    const [value, mark] = [this.fresh(), this.fresh()];
    const grouped: LogicalPlan = { ...aggregate, input: keyed.rest, groupBy: keyed.groupBy };
    const valueExpr = proj ? proj.exprs[0]! : columnAt(planScope(aggregate), 0);
    const keyCols = keyed.groupBy.map((g) => col((g as Extract<ExprNode, { kind: 'alias' }>).name));
    const right: LogicalPlan = { kind: 'project', input: grouped, exprs: [...keyCols, as(valueExpr, value), as(TRUE, mark)] };
    // The subquery's value over no rows (0 for count, NULL for sum...), for outer rows without a group.
    const none: LogicalPlan = { kind: 'project', input: { ...aggregate, input: { kind: 'filter', input: keyed.rest, predicate: FALSE } }, exprs: [as(valueExpr, this.fresh())] };
    const empty = this.crossJoin(none, (c) => agg('first', [c]));
    this.input = { kind: 'join', type: 'left', left: this.input, right, on: keyed.on };
    return { kind: 'case', branches: [{ when: isNotNull(col(mark)), then: col(value) }], otherwise: empty };
  }

  /**
   * A correlated scalar subquery over rows, `SELECT v FROM q WHERE inner = outer AND p`: per
   * correlation key, `first` of v and the row count (several rows are an error when read).
   */
  private correlatedRows(proj: Extract<LogicalPlan, { kind: 'project' }>): ExprNode | undefined {
    const v = proj.exprs.length === 1 ? stripAlias(proj.exprs[0]!) : undefined;
    if (!v || hasOuter(v) || hasSubquery(v)) return undefined;
    const keyed = this.groupKeys(proj.input);
    if (!keyed) return undefined;
    const [value, rows] = [this.fresh(), this.fresh()];
    this.input = { kind: 'join', type: 'left', left: this.input, right: subqueryRow(keyed.rest, value, rows, keyed.groupBy, v), on: keyed.on };
    return subqueryValue(value, rows);
  }

  /**
   * A filter whose correlated conjuncts are all `inner = outer` equalities: its
   * other conjuncts over its input (`rest`), the inner sides as group keys, and
   * the join condition matching the outer sides (over `input`) to those keys.
   */
  private groupKeys(body: LogicalPlan): { rest: LogicalPlan; groupBy: ExprNode[]; on: ExprNode } | undefined {
    if (body.kind !== 'filter') return undefined;
    const parts = splitConjunction(body.predicate);
    const local = parts.filter((p) => !hasOuter(p));
    const groupBy: ExprNode[] = [];
    const on: ExprNode[] = [];
    for (const p of parts.filter(hasOuter)) {
      if (p.kind !== 'binary' || p.op !== '=') return undefined;
      const [innerSide, outerSide] = onlyOuter(p.right) ? [p.left, p.right] : onlyOuter(p.left) ? [p.right, p.left] : [undefined, undefined];
      if (!innerSide || !outerSide || hasOuter(innerSide) || hasSubquery(innerSide)) return undefined;
      const outerExpr = this.outerToColumns(outerSide);
      if (!outerExpr) return undefined;
      const key = this.fresh();
      groupBy.push(as(innerSide, key));
      on.push(bin('=', outerExpr, col(key)));
    }
    const localPred = conjunction(local);
    const rest: LogicalPlan = localPred ? { kind: 'filter', input: body.input, predicate: localPred } : body.input;
    if (hasOuterRefs(rest) || groupBy.length === 0) return undefined;
    return { rest, groupBy, on: conjunction(on)! };
  }

  /** An expression of outer references as one over this input's columns. */
  private outerToColumns(e: ExprNode): ExprNode | undefined {
    let ok = true;
    const out = mapExpr(e, (x) => {
      if (x.kind !== 'outer') return x;
      const i = resolveIndex(this.scope, x);
      if (i < 0 || !isAddressable(this.scope, i)) {
        ok = false;
        return x;
      }
      return columnAt(this.scope, i);
    });
    return ok ? out : undefined;
  }
}

function hasOuter(e: ExprNode): boolean {
  return anyExpr(e, (x) => x.kind === 'outer');
}

/** True when `e` refers to the enclosing query and to no column of its own. */
function onlyOuter(e: ExprNode): boolean {
  return hasOuter(e) && !anyExpr(e, (x) => x.kind === 'column' || x.kind === 'scalarSubquery' || x.kind === 'exists' || x.kind === 'inSubquery');
}

/** `e`'s columns as references to the enclosing query, as a subquery's correlated conjuncts hold them. */
function toOuter(e: ExprNode): ExprNode {
  return mapExpr(e, (x) => (x.kind === 'column' ? (x.qualifier === undefined ? { kind: 'outer', name: x.name } : { kind: 'outer', name: x.name, qualifier: x.qualifier }) : x));
}
