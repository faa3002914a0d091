/**
 * Whether a query tree stays within the switched-on features. The generator avoids switched-off
 * constructs as it builds; this check is what the shrinker must respect too (a simplification
 * must not wander into a known bug), and it catches the few cases the generator cannot rule out
 * locally (a SELECT over a join left with no column once its items are chosen).
 */
import { childExprs, hasColumn } from './expr-gen.js';
import type { Features } from './features.js';
import type { Expr, FromItem, Query, Select } from './sql-ast.js';

const isSubquery = (e: Expr): boolean => e.k === 'inq' || e.k === 'exists' || e.k === 'scalarq';

/** Every expression of `e` with whether it stands under OR / NOT / CASE (or inside another expression). */
function walk(e: Expr, nested: boolean, visit: (x: Expr, nested: boolean) => void): void {
  visit(e, nested);
  const conjunction = e.k === 'bin' && e.op === 'AND';
  const comparison = e.k === 'bin' && ['=', '<>', '<', '<=', '>', '>='].includes(e.op);
  for (const c of childExprs(e)) walk(c, nested || !(conjunction || (comparison && c.k === 'scalarq')), visit);
}

function hasOuterJoin(item: FromItem): boolean {
  return item.k === 'join' && (item.type === 'right' || item.type === 'full' || hasOuterJoin(item.l) || hasOuterJoin(item.r));
}

/** Whether an EXISTS query's WHERE compares columns of two different aliases (its own and an outer one). */
function hasCorrelation(q: Query): boolean {
  return selects(q).some((s) => {
    const own = new Set(s.from.flatMap(leafAliases));
    let found = false;
    if (s.where) walk(s.where, false, (x) => void (found ||= x.k === 'col' && !own.has(x.ref.split('.')[0]!)));
    return found;
  });
}

function leafAliases(item: FromItem): string[] {
  return item.k === 'join' ? [...leafAliases(item.l), ...leafAliases(item.r)] : [item.alias];
}

function selects(q: Query): Select[] {
  return q.k === 'select' ? [q] : [...selects(q.l), q.r];
}

export function withinFeatures(q: Query, f: Features): boolean {
  let ok = true;
  /** How many IN / EXISTS / scalar subqueries enclose the current one. */
  let depth = 0;
  const fail = (): void => void (ok = false);

  const expr = (e: Expr, where: 'select' | 'where' | 'other'): void =>
    walk(e, where !== 'where', (x, nested) => {
      if (isSubquery(x)) {
        if (where === 'select' && !f.scalarSubqueriesInSelect) fail();
        if (where !== 'select' && nested && !f.subqueriesUnderOrNot) fail();
        if (x.k === 'exists' && depth > 0 && !f.nestedCorrelatedExists && hasCorrelation(x.q)) fail();
        depth++;
        query((x as Extract<Expr, { q: Query }>).q);
        depth--;
      }
      if (x.k === 'in' && x.neg && x.list.length === 1 && !f.notInOneElement) fail();
      if (x.k === 'case' && x.operand && x.operand.k !== 'col' && !f.parenthesizedCaseOperand) fail();
      if (x.k === 'agg' && x.distinct && !f.distinctAggregates) fail();
      if (x.k === 'fn' && x.name === 'ln' && !f.log) fail();
    });

  const from = (item: FromItem): void => {
    if (item.k === 'derived') {
      // A derived table of constants is pruned to no column when the query above reads none of them.
      if (!f.zeroColumnBatches && !selects(item.q).every((s) => s.items.some((i) => hasColumn(i.e)))) fail();
      query(item.q);
    }
    if (item.k !== 'join') return;
    from(item.l);
    from(item.r);
    if (item.r.k === 'join' && !f.parenthesizedJoins) fail();
    if (item.on) expr(item.on, 'other');
  };

  const select = (s: Select): void => {
    if (!s.from.length && !f.selectWithoutFrom) fail();
    s.from.forEach((item, i) => {
      if (i > 0 && s.from[i - 1]!.k === 'join' && !f.commaAfterJoin) fail();
      if (i > 0 && hasOuterJoin(item) && !f.commaBeforeOuterJoin) fail();
      from(item);
    });
    const simple = s.from.length === 1 && s.from[0]!.k === 'table';
    const own = [...s.items.map((i) => i.e), ...(s.groupBy ?? []), ...(s.having ? [s.having] : [])];
    if (!f.zeroColumnBatches && s.from.length) {
      // Zero-column batches lose their row count: every FROM item must keep a column the query outputs
      // (a column read only by WHERE or ON may be pruned once the filter or join has run).
      if ((!simple || s.groupBy?.length) && !own.some(hasColumn)) fail();
      if (!simple) for (const e of own) walk(e, false, (x) => x.k === 'agg' && (!x.arg || !hasColumn(x.arg)) && fail());
      const read = new Set<string>();
      for (const e of own) walk(e, false, (x) => x.k === 'col' && read.add(x.ref.split('.')[0]!));
      if (!simple && s.from.flatMap(leafAliases).some((a) => !read.has(a))) fail();
    }
    if (new Set(s.items.map((i) => i.alias)).size !== s.items.length && !f.duplicateOutputNames) fail();
    s.items.forEach((i) => expr(i.e, 'select'));
    if (s.where) expr(s.where, 'where');
    s.groupBy?.forEach((g) => expr(g, 'other'));
    if (s.having) expr(s.having, 'other');
  };

  const query = (x: Query): void => {
    if (x.k === 'select') select(x);
    else {
      query(x.l);
      select(x.r);
    }
  };
  query(q);
  return ok;
}
