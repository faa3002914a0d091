import type { ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan, SortKey } from '../frame/logical/plan.js';
import type { SelectItem } from './aggregate-to-plan.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { positionOf, type AstNode } from './parse.js';

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
export function resolveOrderBy(orderby: AstNode[], items: SelectItem[], outputNames: string[] | undefined, ctx: ExprContext): OrderKey[] {
  return orderby.map((o): OrderKey => {
    const ascending = String(o.type ?? 'ASC').toUpperCase() !== 'DESC';
    const nulls = String(o.nulls ?? '').toUpperCase();
    const nullsFirst = nulls === '' ? !ascending : nulls.endsWith('FIRST');
    const node = o.expr;
    if (node?.type === 'number') {
      const name = positional(node, items, outputNames, ctx, 'ORDER BY');
      const item = items.find((i) => i.name === name);
      return { ascending, nullsFirst, output: name, expr: item ? item.expr : { kind: 'column', name } };
    }
    const expr = exprToNode(node, ctx, positionOf(node));
    if (expr.kind === 'column' && expr.qualifier === undefined) {
      const item = items.find((i) => i.name === expr.name);
      if (item) return { ascending, nullsFirst, output: item.name, expr: item.expr };
    }
    return { ascending, nullsFirst, expr };
  });
}

/**
 * The output name at a 1-based select-list position (`GROUP BY 1`, `ORDER BY 2`).
 * Positions past a `*` need the expanded output names.
 */
export function positional(node: AstNode, items: SelectItem[], outputNames: string[] | undefined, ctx: ExprContext, clause: string): string {
  const n = Number(node.value);
  const names = outputNames ?? (items.some((i) => i.expr.kind === 'star') ? undefined : items.map((i) => i.name));
  const pos = positionOf(node);
  if (!names) throw unsupported(ctx.text, pos, `${clause} position ${n} after a * whose columns are unknown before analysis`, new RegExp(`${clause}[\\s\\S]*?\\b${n}\\b`, 'i'));
  if (!Number.isInteger(n) || n < 1 || n > names.length) {
    throw errorAt(ctx.text, pos, `${clause} position ${n} is not in the select list (1..${names.length})`, new RegExp(`${clause.replace(' ', '\\s+')}[\\s\\S]*?\\b${n}\\b`, 'i'));
  }
  return names[n - 1]!;
}

/** A Sort node from resolved keys, each key turned into an expression by `keyExpr`. */
export function sortPlan(input: LogicalPlan, keys: OrderKey[], keyExpr: (k: OrderKey) => ExprNode): LogicalPlan {
  const sortKeys: SortKey[] = keys.map((k) => ({ expr: keyExpr(k), ascending: k.ascending, nullsFirst: k.nullsFirst }));
  return { kind: 'sort', input, keys: sortKeys };
}

/** LIMIT n [OFFSET m] (or OFFSET alone) above `input`. */
export function limitPlan(input: LogicalPlan, limit: AstNode, text: string): LogicalPlan {
  const values: AstNode[] = limit?.value ?? [];
  if (values.length === 0) return input;
  const nums = values.map((v) => {
    if (v?.type !== 'number' || !Number.isInteger(Number(v.value)) || Number(v.value) < 0) {
      throw errorAt(text, positionOf(v), 'LIMIT and OFFSET take a non-negative integer literal', /\b(limit|offset)\b/i);
    }
    return Number(v.value);
  });
  const offsetOnly = values.length === 1 && String(limit.seperator).toLowerCase() === 'offset';
  const n = offsetOnly ? Number.MAX_SAFE_INTEGER : nums[0]!;
  const offset = offsetOnly ? nums[0]! : (nums[1] ?? 0);
  return { kind: 'limit', input, n, offset };
}
