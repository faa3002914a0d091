/**
 * Push filters down towards the scans, split into conjuncts.
 *
 *   Filter: a.x > 1 AND b.y = 2 AND a.k = b.k        Join: type=inner on=a.k = b.k
 *     Join: type=cross                          →      Filter: x > 1
 *       Scan: a                                          Scan: a filters=[x > 1]
 *       Scan: b                                        Filter: y = 2
 *                                                        Scan: b filters=[y = 2]
 *
 * Why it is correct: a conjunct may move below a node when evaluating it there
 * keeps exactly the same output rows.
 * - Projection: references to outputs are replaced by their expressions (not
 *   through UDFs, aggregates or subqueries, which must not be re-evaluated).
 * - Sort, repartition, distinct, subquery alias, union (each input, by position):
 *   they do not change row values, so filtering before or after is the same.
 * - Aggregate: only conjuncts over group keys (a group passes or fails as a whole);
 *   none below a global aggregate (no keys), whose one row exists even for no input
 *   rows, so a constant FALSE must stay above it.
 * - Inner/cross join: a conjunct over one side filters that side; one over both
 *   sides becomes part of the join condition. Left join: only conjuncts over the
 *   left side (the right side's rows may be NULL-extended); right join in mirror;
 *   never below a full join. Semi/anti joins output only left rows; a mark join
 *   outputs each left row once (conjuncts reading its mark column stay above).
 * - Single-side conjuncts of an inner join's ON condition move into that side; for
 *   outer, semi, anti and mark joins only where the side's rows are not preserved.
 * - Scan: conjuncts over its columns are also copied into `scan.filters`, a hint
 *   that lets sources skip data (Parquet row groups); the Filter stays, because
 *   scans may return rows that do not match.
 * Limits and caches stop filters (a limit before or after a filter differs).
 */
import type { ExprNode } from '../expr/expr-node.js';
import { anyExpr, columnsIn, conjunction, hasAgg, hasSubquery, hasUdf, splitConjunction, stripAlias } from '../logical/expr-utils.js';
import { children, withChildren, type LogicalPlan } from '../logical/plan.js';
import { printExpr } from '../logical/print.js';
import { columnAt, isAddressable, joinColumnSources, joinConditionScope, planScope, rebaseColumns, resolveIndex, type ScopeField } from '../logical/scope.js';
import type { OptimizerRule } from './rule.js';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

export const pushDownFilter: OptimizerRule = {
  name: 'push-down-filter',
  apply: (plan) => push(plan, []),
};

/** `plan` with the conjuncts `preds` (over its output) applied, each as deep as it can go. */
function push(plan: LogicalPlan, preds: ExprNode[]): LogicalPlan {
  const [movable, fixed] = partition(preds, (p) => !hasSubquery(p) && !anyExpr(p, (x) => x.kind === 'outer'));
  return above(pushMovable(plan, movable), fixed);
}

function pushMovable(plan: LogicalPlan, preds: ExprNode[]): LogicalPlan {
  switch (plan.kind) {
    case 'filter':
      return push(plan.input, [...splitConjunction(plan.predicate), ...preds]);
    case 'project': {
      const bodies = plan.exprs.map(stripAlias);
      const inlinable = (i: number): ExprNode | null => (hasUdf(bodies[i]!) || hasAgg(bodies[i]!) || hasSubquery(bodies[i]!) ? null : bodies[i]!);
      return through(plan, preds, planScope(plan), inlinable);
    }
    case 'sort':
    case 'repartition':
    case 'distinct':
      return { ...plan, input: push(plan.input, preds) };
    case 'subqueryAlias':
      return through(plan, preds, planScope(plan), toScope(planScope(plan.input)));
    case 'dropDuplicates': {
      const inputScope = planScope(plan.input);
      const isKey = (i: number): boolean => plan.keys.length === 0 || plan.keys.includes(inputScope[i]!.name);
      return through(plan, preds, inputScope, (i) => (isKey(i) ? toScope(inputScope)(i) : null));
    }
    case 'aggregate': {
      // Without group keys the aggregate makes one row even from no rows: nothing may move below it.
      if (plan.groupBy.length === 0) return above({ ...plan, input: push(plan.input, []) }, preds);
      const keys = plan.groupBy.map(stripAlias);
      return through(plan, preds, planScope(plan), (i) => (i < keys.length && !hasUdf(keys[i]!) ? keys[i]! : null));
    }
    case 'union':
      return pushUnion(plan, preds);
    case 'join':
      return pushJoin(plan, preds);
    case 'scan':
      return above(withScanFilters(plan, preds), preds);
    default:
      return above(withChildren(plan, children(plan).map((k) => push(k, []))), preds);
  }
}

/**
 * Moves the conjuncts that `map` can rewrite (output column i → expression over
 * the single input) below `plan`; the others stay above it.
 */
function through(plan: LogicalPlan & { input: LogicalPlan }, preds: ExprNode[], scope: ScopeField[], map: (i: number) => ExprNode | null): LogicalPlan {
  const down: ExprNode[] = [];
  const up: ExprNode[] = [];
  for (const p of preds) {
    const moved = rebaseColumns(p, scope, map);
    if (moved) down.push(moved);
    else up.push(p);
  }
  return above({ ...plan, input: push(plan.input, down) } as LogicalPlan, up);
}

function pushUnion(plan: Extract<LogicalPlan, { kind: 'union' }>, preds: ExprNode[]): LogicalPlan {
  const scope = planScope(plan);
  const perInput = plan.inputs.map((input) => preds.map((p) => rebaseColumns(p, scope, toScope(planScope(input)))));
  const movable = preds.map((_, j) => perInput.every((list) => list[j] !== null));
  const inputs = plan.inputs.map((input, k) => push(input, perInput[k]!.filter((_, j) => movable[j]) as ExprNode[]));
  return above({ ...plan, inputs }, preds.filter((_, j) => !movable[j]));
}

function pushJoin(join: Join, preds: ExprNode[]): LogicalPlan {
  const sources = joinColumnSources(join);
  const outScope = planScope(join);
  const leftScope = planScope(join.left);
  const rightScope = planScope(join.right);
  const condScope = joinConditionScope(join);
  const leftWidth = leftScope.length;
  const innerLike = join.type === 'inner' || join.type === 'cross';
  const toLeft: ExprNode[] = [];
  const toRight: ExprNode[] = [];
  const cond: ExprNode[] = [];
  const up: ExprNode[] = [];

  // Conjuncts of the filter above, over the join's output columns.
  for (const p of preds) {
    const sideOf = (i: number): 'left' | 'right' | 'both' => {
      const s = sources[i]!;
      // A mark column is made by the join itself: a conjunct reading it stays above.
      return s.side === 'mark' || (s.using && (join.type === 'right' || join.type === 'full')) ? 'both' : s.side;
    };
    const sides = sidesOf(p, outScope, sideOf);
    const onSide = (side: 'left' | 'right'): ExprNode | null =>
      rebaseColumns(p, outScope, (i) => (sources[i]!.side === side ? toScope(side === 'left' ? leftScope : rightScope)(sources[i]!.index) : null));
    const intoLeft = sides === 'left' && (innerLike || join.type === 'left' || join.type === 'semi' || join.type === 'anti' || join.type === 'mark') ? onSide('left') : null;
    const intoRight = sides === 'right' && (innerLike || join.type === 'right') ? onSide('right') : null;
    const intoCond =
      sides === 'both' && innerLike ? rebaseColumns(p, outScope, (i) => toScope(condScope)(sources[i]!.side === 'left' ? sources[i]!.index : leftWidth + sources[i]!.index)) : null;
    if (intoLeft) toLeft.push(intoLeft);
    else if (intoRight) toRight.push(intoRight);
    else if (intoCond) cond.push(intoCond);
    else up.push(p);
  }

  // Conjuncts of the join condition that read one side only, where that side's rows are not preserved.
  const leftOk = innerLike || join.type === 'right' || join.type === 'semi';
  const rightOk = innerLike || join.type === 'left' || join.type === 'semi' || join.type === 'anti' || join.type === 'mark';
  const keptOn: ExprNode[] = [];
  for (const p of join.on ? splitConjunction(join.on) : []) {
    const sides = hasSubquery(p) ? 'none' : sidesOf(p, condScope, (i) => (i < leftWidth ? 'left' : 'right'));
    const l = sides === 'left' && leftOk ? rebaseColumns(p, condScope, toScope(leftScope)) : null;
    const r = sides === 'right' && rightOk ? rebaseColumns(p, condScope, (i) => toScope(rightScope)(i - leftWidth)) : null;
    if (l) toLeft.push(l);
    else if (r) toRight.push(r);
    else keptOn.push(p);
  }

  const on = conjunction([...keptOn, ...cond]);
  const type = join.type === 'cross' && on ? 'inner' : join.type;
  const rebuilt: Join = { ...join, type, on, left: push(join.left, toLeft), right: push(join.right, toRight) };
  return above(rebuilt, up);
}

/** Which inputs a conjunct reads: 'none' for constants or unresolvable columns. */
function sidesOf(p: ExprNode, scope: ScopeField[], sideOf: (i: number) => 'left' | 'right' | 'both'): 'left' | 'right' | 'both' | 'none' {
  let seen: 'left' | 'right' | 'both' | undefined;
  for (const c of columnsIn(p)) {
    const i = resolveIndex(scope, c);
    if (i < 0) return 'none';
    const s = sideOf(i);
    seen = seen === undefined || seen === s ? s : 'both';
  }
  return seen ?? 'none';
}

/** Maps field i of some scope to the same position of `target`, when a column node can name it there. */
function toScope(target: ScopeField[]): (i: number) => ExprNode | null {
  return (i) => (i >= 0 && i < target.length && isAddressable(target, i) ? columnAt(target, i) : null);
}

/** Copies the conjuncts over the scan's own columns into its filters (once each). */
function withScanFilters(scan: Extract<LogicalPlan, { kind: 'scan' }>, preds: ExprNode[]): LogicalPlan {
  const scope = planScope(scan);
  const have = new Set(scan.filters.map(printExpr));
  const added: ExprNode[] = [];
  for (const p of preds) {
    const f = hasUdf(p) ? null : rebaseColumns(p, scope, toScope(scope));
    if (f && !have.has(printExpr(f))) {
      have.add(printExpr(f));
      added.push(f);
    }
  }
  return added.length === 0 ? scan : { ...scan, filters: [...scan.filters, ...added] };
}

/** `plan` under a Filter of `preds` (none: `plan` itself). */
function above(plan: LogicalPlan, preds: ExprNode[]): LogicalPlan {
  const predicate = conjunction(preds);
  return predicate ? { kind: 'filter', input: plan, predicate } : plan;
}

function partition<T>(xs: T[], pred: (x: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const x of xs) (pred(x) ? yes : no).push(x);
  return [yes, no];
}
