import { defaultName, type ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import { findIdentifier, sqlErrorAt } from './sql-error.js';
import { mapExprDown } from '../frame/logical/expr-utils.js';
import { sameExpr } from './expr-utils.js';

/** One item of a select list: its expression (alias stripped), its alias, and its output name. */
export interface SelectItem {
  expr: ExprNode;
  alias: string | undefined;
  name: string;
}

/** The aggregate part of a grouped query, and how to express things over its output. */
export interface Aggregation {
  /** Aggregate, then the HAVING filter if any. */
  plan: LogicalPlan;
  /** Rewrites an expression over the input into one over `plan`'s output (group keys and aggregates become column references). */
  rewrite(e: ExprNode): ExprNode;
  /** Output column names of the Aggregate node, in order. */
  outputNames: string[];
}

/**
 * Plans a grouped query: one Aggregate computing every aggregate the select
 * list, HAVING and ORDER BY need (even those only HAVING uses), the HAVING
 * filter over its output, and a rewrite for the expressions above it.
 * `extra` are ORDER BY expressions over the input.
 */
export function planAggregation(
  text: string,
  input: LogicalPlan,
  groupBy: ExprNode[],
  items: SelectItem[],
  having: ExprNode | undefined,
  extra: ExprNode[],
): Aggregation {
  const taken = new Set<string>();
  const groupNames = groupBy.map((g) => uniqueName(defaultName(g), taken));
  const groupExprs = groupBy.map((g, i) => (groupNames[i] === defaultName(g) ? g : ({ kind: 'alias', arg: g, name: groupNames[i]! } as ExprNode)));

  const aggs: Array<{ agg: ExprNode; name: string }> = [];
  const addAggs = (e: ExprNode, preferred?: string): void => {
    mapExprDown(e, (x) => {
      if (x.kind !== 'agg') return undefined;
      if (!aggs.some((a) => sameExpr(a.agg, x))) {
        const wanted = preferred !== undefined && !taken.has(preferred) && e === x ? preferred : defaultName(x);
        aggs.push({ agg: x, name: uniqueName(wanted, taken) });
      }
      return x;
    });
  };
  for (const item of items) addAggs(item.expr, item.alias);
  if (having) addAggs(having);
  for (const e of extra) addAggs(e);

  const aggExprs = aggs.map(({ agg, name }) => (name === defaultName(agg) ? agg : ({ kind: 'alias', arg: agg, name } as ExprNode)));
  const rewrite = (e: ExprNode): ExprNode =>
    mapExprDown(e, (x) => {
      const g = groupBy.findIndex((k) => sameExpr(k, x));
      if (g >= 0) return { kind: 'column', name: groupNames[g]! };
      const a = aggs.find((k) => sameExpr(k.agg, x));
      if (a) return { kind: 'column', name: a.name };
      if (x.kind === 'column') throw notGrouped(text, x.name, x.qualifier);
      return undefined;
    });
  let plan: LogicalPlan = { kind: 'aggregate', input, groupBy: groupExprs, aggs: aggExprs };
  if (having) plan = { kind: 'filter', input: plan, predicate: rewrite(having) };
  return { plan, rewrite, outputNames: [...groupNames, ...aggs.map((a) => a.name)] };
}

/**
 * The final projection of a grouped query; undefined when it would only
 * repeat the Aggregate's output columns in order.
 */
export function groupedProjection(items: SelectItem[], agg: Aggregation): ExprNode[] | undefined {
  const exprs = items.map((item): ExprNode => {
    const e = agg.rewrite(item.expr);
    return defaultName(e) === item.name ? e : { kind: 'alias', arg: e, name: item.name };
  });
  const identity = exprs.length === agg.outputNames.length && exprs.every((e, i) => e.kind === 'column' && e.name === agg.outputNames[i]);
  return identity ? undefined : exprs;
}

function uniqueName(wanted: string, taken: Set<string>): string {
  let name = wanted;
  for (let i = 1; taken.has(name); i++) name = `${wanted}_${i}`;
  taken.add(name);
  return name;
}

function notGrouped(text: string, name: string, qualifier: string | undefined): Error {
  const shown = qualifier === undefined ? name : `${qualifier}.${name}`;
  const offset = findIdentifier(text, name);
  return sqlErrorAt(text, Math.max(0, offset), `Column '${shown}' must appear in the GROUP BY clause or be used in an aggregate function`);
}
