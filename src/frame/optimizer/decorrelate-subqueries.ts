/**
 * Turn subqueries in a Filter into joins.
 *
 *   Filter: x IN (<subquery>) AND EXISTS (<subquery>)       Join: type=semi on=k = u.k
 *     Subquery:                                               Join: type=semi on=x = __sq_1
 *       Projection: y                                           Scan: t
 *         Scan: s                                    →          Projection: y AS __sq_1
 *     Subquery:                                                   Scan: s
 *       Projection: 1                                         Filter: v > 0
 *         Filter: u.k = outer(t.k) AND v > 0                    Scan: u
 *           Scan: u
 *     Scan: t
 *
 * Why it is correct:
 * - `x IN (q)` keeps a row when some row of q equals x: a semi join on x = q's
 *   column. The column is renamed to a fresh `__sq_N` so it cannot clash with
 *   outer names.
 * - `x NOT IN (q)` is true only when q is empty, or x is not NULL and q has no
 *   NULL and no value equal to x (SQL three-valued logic: one NULL in q makes it
 *   NULL, so no row passes). An anti join on `x = q OR x IS NULL OR q IS NULL`
 *   keeps exactly those rows; when neither side can be NULL, the plain equality
 *   is used (and can be hashed).
 * - `EXISTS (q)` where q's WHERE relates inner columns to `outer` ones keeps a
 *   row when some row of q satisfies the correlated conjuncts for it: a semi join
 *   on those conjuncts (anti for NOT EXISTS); q's other conjuncts stay inside q.
 *   q's projection is irrelevant to EXISTS and is dropped.
 * - An uncorrelated scalar subquery compared with a value is a one-row relation:
 *   cross join it (a global aggregate is one; other plans go under a global
 *   aggregate of `first` of the value, NULL for no rows, and the row count, and
 *   reading the value raises SQL's error for several rows), compare with the
 *   value, and project the original columns back.
 * Correlated IN and scalar subqueries, and subqueries outside top-level
 * conjuncts (under OR), are left for the physical planner to reject.
 */
import type { ExprNode } from '../expr/expr-node.js';
import { anyExpr, conjunction, hasSubquery, mapExpr, splitConjunction, stripAlias } from '../logical/expr-utils.js';
import type { LogicalPlan } from '../logical/plan.js';
import { mapNodeExprs, mapPlanUp } from '../logical/plan-walk.js';
import { printPlan } from '../logical/print.js';
import { exprField, outputSchema } from '../logical/schema.js';
import { columnAt, isAddressable, joinConditionScope, planScope, rebaseColumns, resolveIndex } from '../logical/scope.js';
import { scalarSubqueryRow } from '../logical/scalar-subquery.js';
import type { OptimizerRule } from './rule.js';

type Filter = Extract<LogicalPlan, { kind: 'filter' }>;

export const decorrelateSubqueries: OptimizerRule = {
  name: 'decorrelate-subqueries',
  apply: (plan) => {
    return decorrelateWith(plan, freshNames(plan));
  },
};

/** A generator of `__sq_N` names that `plan` (its subqueries included) does not use yet. */
export function freshNames(plan: LogicalPlan): () => string {
  const used = [...printPlan(plan).matchAll(/__sq_(\d+)/g)].map((m) => Number(m[1]));
  let next = Math.max(0, ...used) + 1;
  return () => `__sq_${next++}`;
}

/**
 * The rule with the names it makes drawn from `fresh`: a caller that rewrites a subquery's plan
 * and joins it to its own passes its generator, so the names of both cannot clash.
 */
export function decorrelateWith(plan: LogicalPlan, fresh: () => string): LogicalPlan {
  const rewrite = (p: LogicalPlan): LogicalPlan => mapPlanUp(p, (q) => (q.kind === 'filter' ? decorrelateFilter(q, fresh, rewrite) : q));
  return rewrite(plan);
}

function decorrelateFilter(filter: Filter, fresh: () => string, rewrite: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  if (!hasSubquery(filter.predicate)) return filter;
  const original = planScope(filter.input);
  let input = filter.input;
  let widened = false;
  const remaining: ExprNode[] = [];
  for (const c of splitConjunction(filter.predicate)) {
    // Subqueries are decorrelated inside first: an EXISTS nested in an IN subquery that refers to
    // the IN subquery's own columns is then a join there, and no longer an outer reference here.
    const inner = c.kind === 'inSubquery' ? rewrite(c.plan) : undefined;
    if (c.kind === 'inSubquery' && !hasOuterRefs(inner!)) {
      input = inToJoin(input, c, inner!, fresh());
      continue;
    }
    if (c.kind === 'exists') {
      const joined = existsToJoin(input, c.negated, rewrite(c.plan), fresh);
      if (joined) {
        input = joined;
        continue;
      }
    }
    const scalar = c.kind === 'binary' ? scalarOperand(c, rewrite) : undefined;
    if (scalar) {
      const { row, value } = scalarSubqueryRow(scalar.plan, fresh);
      input = { kind: 'join', type: 'cross', on: null, left: input, right: row };
      remaining.push({ ...(c as Extract<ExprNode, { kind: 'binary' }>), [scalar.side]: value });
      widened = true;
      continue;
    }
    remaining.push(c);
  }
  const predicate = conjunction(remaining);
  const filtered: LogicalPlan = predicate ? { kind: 'filter', input, predicate } : input;
  // A cross-joined scalar adds a column: project the filter's own columns back.
  return widened ? { kind: 'project', input: filtered, exprs: original.map((_, i) => columnAt(original, i)) } : filtered;
}

function inToJoin(input: LogicalPlan, c: Extract<ExprNode, { kind: 'inSubquery' }>, sub: LogicalPlan, name: string): LogicalPlan {
  const value: ExprNode = { kind: 'column', name };
  let on: ExprNode = { kind: 'binary', op: '=', left: c.arg, right: value };
  if (c.negated) {
    const argNullable = exprField(c.arg, outputSchema(input), planScope(input)).nullable;
    const subNullable = outputSchema(sub).fields[0]!.nullable;
    if (argNullable || subNullable) {
      const isNull = (arg: ExprNode): ExprNode => ({ kind: 'unary', op: 'isNull', arg });
      on = { kind: 'binary', op: 'or', left: { kind: 'binary', op: 'or', left: on, right: isNull(c.arg) }, right: isNull(value) };
    }
  }
  return { kind: 'join', type: c.negated ? 'anti' : 'semi', left: input, right: single(sub, name), on };
}

/** The subquery's only column, renamed to `name`. */
function single(sub: LogicalPlan, name: string): LogicalPlan {
  return { kind: 'project', input: sub, exprs: [{ kind: 'alias', arg: columnAt(planScope(sub), 0), name }] };
}

function existsToJoin(input: LogicalPlan, negated: boolean, sub: LogicalPlan, fresh: () => string): LogicalPlan | undefined {
  let body = sub;
  while (body.kind === 'project') body = body.input;
  const type = negated ? 'anti' : 'semi';
  if (!hasOuterRefs(body)) return { kind: 'join', type, left: input, right: body, on: null };
  if (body.kind !== 'filter') return undefined;
  const parts = splitConjunction(body.predicate);
  const correlated = parts.filter(hasOuter);
  const local = parts.filter((p) => !hasOuter(p));
  const localPred = conjunction(local);
  const right: LogicalPlan = localPred ? { kind: 'filter', input: body.input, predicate: localPred } : body.input;
  if (hasOuterRefs(right) || correlated.some(hasSubquery)) return undefined;
  const joined = correlatedJoin(input, right, correlated, fresh);
  return joined && { kind: 'join', type, left: input, right: joined.right, on: joined.on };
}

/**
 * The correlated conjuncts (inner columns of `right`, `outer` references to `input`'s columns) as
 * a join condition over input ++ right. Inner and outer columns may share names and qualifiers
 * (t correlated with t): then the inner side is aliased afresh.
 */
export function correlatedJoin(input: LogicalPlan, right: LogicalPlan, correlated: ExprNode[], fresh: () => string): { right: LogicalPlan; on: ExprNode } | undefined {
  if (correlated.length === 0) return undefined;
  const direct = correlatedCondition(input, right, correlated);
  if (direct) return { right, on: direct };
  const aliased: LogicalPlan = { kind: 'subqueryAlias', input: right, alias: fresh() };
  const on = correlatedCondition(input, aliased, correlated);
  return on ? { right: aliased, on } : undefined;
}

/** The correlated conjuncts over left ++ right: outer references become left columns, inner columns right ones. */
function correlatedCondition(left: LogicalPlan, right: LogicalPlan, correlated: ExprNode[]): ExprNode | null {
  const join = { kind: 'join', type: 'semi', left, right, on: null } as const;
  const scope = joinConditionScope(join);
  const leftScope = planScope(left);
  const rightScope = planScope(right);
  const at = (i: number): ExprNode | null => (i >= 0 && isAddressable(scope, i) ? columnAt(scope, i) : null);
  const out: ExprNode[] = [];
  for (const p of correlated) {
    const inner = rebaseColumns(p, rightScope, (j) => at(leftScope.length + j));
    if (!inner) return null;
    let ok = true;
    const whole = mapExpr(inner, (o) => {
      if (o.kind !== 'outer') return o;
      const col = at(resolveIndex(leftScope, o));
      if (!col) ok = false;
      return col ?? o;
    });
    if (!ok) return null;
    out.push(whole);
  }
  return conjunction(out);
}

/** The uncorrelated scalar subquery that is one operand of a comparison, if any, decorrelated inside. */
function scalarOperand(c: Extract<ExprNode, { kind: 'binary' }>, rewrite: (p: LogicalPlan) => LogicalPlan): { side: 'left' | 'right'; plan: LogicalPlan } | undefined {
  if (!['=', '!=', '<', '<=', '>', '>='].includes(c.op)) return undefined;
  for (const side of ['left', 'right'] as const) {
    const operand = stripAlias(c[side]);
    const other = c[side === 'left' ? 'right' : 'left'];
    if (operand.kind !== 'scalarSubquery' || hasSubquery(other)) continue;
    const plan = rewrite(operand.plan);
    if (!hasOuterRefs(plan)) return { side, plan };
  }
  return undefined;
}

function hasOuter(e: ExprNode): boolean {
  return anyExpr(e, (x) => x.kind === 'outer');
}

/** True when any expression of the plan (or of its subqueries) refers to an enclosing query. */
export function hasOuterRefs(plan: LogicalPlan): boolean {
  let found = false;
  mapPlanUp(plan, (p) =>
    mapNodeExprs(p, (e) => {
      found ||= anyExpr(e, (x) => x.kind === 'outer' || ((x.kind === 'inSubquery' || x.kind === 'exists' || x.kind === 'scalarSubquery') && hasOuterRefs(x.plan)));
      return e;
    }),
  );
  return found;
}
