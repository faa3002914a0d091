import type { ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan, SortKey } from '../frame/logical/plan.js';
import type { SelectItem } from './aggregate-to-plan.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { locationOf, nodeAs, type Node, type SelectStmt } from './pg-ast.js';

/**
 * An ORDER BY key: either a reference to an output column of the select list
 * (a position, an output name or alias), or an expression over the input.
 */
export interface OrderKey {
  ascending: boolean;
  nullsFirst: boolean;
  /** Output column name, when the key names one. */
  output?: string;
  /** The select item's expression (position or alias), or the key's own expression over the input. */
  expr: ExprNode;
}

/**
 * Resolves ORDER BY items against the select list: `ORDER BY 2` and bare names
 * of output columns refer to the output; anything else is an input expression.
 * `outputNames` are all output column names (with `*` expanded) when known.
 */
export function resolveOrderBy(orderby: Node[], items: SelectItem[], outputNames: string[] | undefined, ctx: ExprContext): OrderKey[] {
  return orderby.map((o): OrderKey => {
    const sort = nodeAs(o, 'SortBy');
    if (!sort?.node || sort.sortby_dir === 'SORTBY_USING') throw unsupported(ctx.text, undefined, 'ORDER BY ... USING', /\busing\b/i);
    const ascending = sort.sortby_dir !== 'SORTBY_DESC';
    const nullsFirst = sort.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : sort.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : !ascending;
    const position = integerConstant(sort.node);
    if (position !== undefined) {
      const name = positional(position, locationOf(sort.node), items, outputNames, ctx, 'ORDER BY');
      const item = items.find((i) => i.name === name);
      return { ascending, nullsFirst, output: name, expr: item ? item.expr : { kind: 'column', name } };
    }
    const expr = exprToNode(sort.node, ctx);
    if (expr.kind === 'column' && expr.qualifier === undefined) {
      const item = items.find((i) => i.name === expr.name);
      if (item) return { ascending, nullsFirst, output: item.name, expr: item.expr };
    }
    return { ascending, nullsFirst, expr };
  });
}

/** The value of an integer constant node (`ORDER BY 2`, `LIMIT 5`), else undefined. */
export function integerConstant(n: Node | undefined): number | undefined {
  const c = nodeAs(n, 'A_Const');
  return c?.ival ? (c.ival.ival ?? 0) : undefined;
}

/**
 * The output name at a 1-based select-list position (`GROUP BY 1`, `ORDER BY 2`).
 * Positions past a `*` need the expanded output names.
 */
export function positional(n: number, pos: number | undefined, items: SelectItem[], outputNames: string[] | undefined, ctx: ExprContext, clause: string): string {
  const names = outputNames ?? (items.some((i) => i.expr.kind === 'star') ? undefined : items.map((i) => i.name));
  if (!names) throw unsupported(ctx.text, pos, `${clause} position ${n} after a * whose columns are unknown before analysis`);
  if (n < 1 || n > names.length) throw errorAt(ctx.text, pos, `${clause} position ${n} is not in the select list (1..${names.length})`);
  return names[n - 1]!;
}

/** A Sort node from resolved keys, each key turned into an expression by `keyExpr`. */
export function sortPlan(input: LogicalPlan, keys: OrderKey[], keyExpr: (k: OrderKey) => ExprNode): LogicalPlan {
  const sortKeys: SortKey[] = keys.map((k) => ({ expr: keyExpr(k), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  return { kind: 'sort', input, keys: sortKeys };
}

/** LIMIT n [OFFSET m] (or OFFSET alone, or LIMIT ALL) of a statement above `input`. */
export function limitPlan(input: LogicalPlan, stmt: SelectStmt, text: string): LogicalPlan {
  if (stmt.limitOption === 'LIMIT_OPTION_WITH_TIES') throw unsupported(text, undefined, 'FETCH ... WITH TIES', /\bties\b/i);
  const count = stmt.limitCount && nodeAs(stmt.limitCount, 'A_Const')?.isnull ? undefined : stmt.limitCount;
  if (count === undefined && stmt.limitOffset === undefined) return input;
  const value = (n: Node | undefined, fallback: number): number => {
    if (n === undefined) return fallback;
    const v = integerConstant(n);
    if (v === undefined || v < 0) throw errorAt(text, locationOf(n), 'LIMIT and OFFSET take a non-negative integer literal', /\b(limit|offset)\b/i);
    return v;
  };
  return { kind: 'limit', input, n: value(count, Number.MAX_SAFE_INTEGER), offset: value(stmt.limitOffset, 0) };
}
