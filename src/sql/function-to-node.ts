import type { ExprNode } from '../frame/expr/expr-node.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { aggregateNames, aggregateSpec, EXTRACT_PARTS } from './functions.js';
import { closest } from '../frame/logical/analysis-error.js';
import { lookupFunction, scalarFunctionNames } from '../frame/expr/scalar-functions.js';
import { exprToNode } from './expr-to-node.js';
import type { AstNode, AstPosition } from './parse.js';

/** A `function` node: a scalar call, an aggregate node-sql-parser does not know as one (median, corr...), or EXISTS. */
export function functionToNode(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const parts = node.name?.name;
  const name = String(Array.isArray(parts) ? parts[parts.length - 1]?.value : node.name).toLowerCase();
  if (node.over) throw unsupported(ctx.text, at, 'window functions (OVER)', /\bover\b/i);
  const argNodes: AstNode[] = node.args?.value ?? [];
  if (name === 'exists') {
    if (!ctx.subquery || !argNodes[0]?.ast) throw unsupported(ctx.text, at, 'EXISTS in this position', /\bexists\b/i);
    return { kind: 'exists', plan: ctx.subquery(argNodes[0].ast), negated: false };
  }
  const args = argNodes.map((a) => exprToNode(a, ctx, at));
  // node-sql-parser reads `NOT (x)` as a call of a function named NOT.
  if (name === 'not' && args.length === 1) return { kind: 'unary', op: 'not', arg: args[0]! };
  if (aggregateSpec(name)) return aggCall(name, args, node.args?.distinct === 'DISTINCT', ctx, at);
  return scalarCall(name, args, ctx, at);
}

/** A scalar function call under our function library's canonical name; unknown names are a SqlError with a suggestion. */
function scalarCall(name: string, args: ExprNode[], ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  if ((name === 'date_diff' || name === 'datediff') && args.length === 3) return dateDiff(args, ctx, at);
  if (name === 'date_diff') return { kind: 'call', fn: 'datediff', args };
  let fn: string;
  try {
    fn = lookupFunction(name).name;
  } catch {
    const suggestion = closest(name, [...scalarFunctionNames(), ...aggregateNames()]);
    const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}()?`;
    throw errorAt(ctx.text, at, `Unknown function ${name}().${hint}`, new RegExp(`\\b${name}\\s*\\(`, 'i'));
  }
  return { kind: 'call', fn, args };
}

/** DuckDB's `date_diff('day', start, end)` as our `datediff(end, start)` (whole days). */
function dateDiff(args: ExprNode[], ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const part = args[0]!;
  if (part.kind !== 'literal' || typeof part.value !== 'string' || !/^days?$/i.test(part.value)) {
    throw unsupported(ctx.text, at, "date_diff with a unit other than 'day'");
  }
  return { kind: 'call', fn: 'datediff', args: [args[2]!, args[1]!] };
}

/** An `aggr_func` node: COUNT/SUM/AVG/MIN/MAX/ARRAY_AGG..., with DISTINCT, FILTER or WITHIN GROUP. */
export function aggregateToNode(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const name = String(node.name).toLowerCase();
  if (node.over) throw unsupported(ctx.text, at, 'window functions (OVER)', /\bover\b/i);
  if (node.args?.orderby?.length) throw unsupported(ctx.text, at, `ORDER BY inside ${name}()`);
  if (node.args?.separator) throw unsupported(ctx.text, at, `${name}() with a separator`);
  let argNode = node.args?.expr;
  let distinct = node.args?.distinct === 'DISTINCT';
  // Only COUNT takes `DISTINCT x` in node-sql-parser; `sum(DISTINCT (x))` arrives as sum(distinct(x)).
  if (argNode?.type === 'function' && String(argNode.name?.name?.[0]?.value).toUpperCase() === 'DISTINCT' && argNode.args?.value?.length === 1) {
    distinct = true;
    argNode = argNode.args.value[0];
  }
  let agg: ExprNode;
  if (node.within_group_orderby) {
    agg = withinGroup(name, argNode, node.within_group_orderby, ctx, at);
  } else if (argNode?.type === 'star') {
    if (name !== 'count') throw unsupported(ctx.text, at, `${name}(*)`);
    agg = { kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] };
  } else {
    const args = argNode === undefined || argNode === null ? [] : [exprToNode(argNode, ctx, at)];
    agg = aggCall(name, args, distinct, ctx, at);
  }
  return node.filter?.where ? withFilter(agg, exprToNode(node.filter.where, ctx, at)) : agg;
}

/** `EXTRACT(part FROM x)` as the function of the same name (`year(x)`). */
export function extractToNode(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const part = String(node.args?.field).toLowerCase();
  if (!EXTRACT_PARTS.has(part)) throw unsupported(ctx.text, at, `EXTRACT(${part.toUpperCase()} FROM ...)`);
  return { kind: 'call', fn: part, args: [exprToNode(node.args.source, ctx, at)] };
}

/** An aggregate call from its SQL name and translated arguments (trailing literal parameters become `params`). */
function aggCall(name: string, args: ExprNode[], distinct: boolean, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const spec = aggregateSpec(name);
  if (!spec) throw unsupported(ctx.text, at, `aggregate function ${name}`);
  const expected = spec.args + spec.params;
  if (args.length !== expected) {
    throw errorAt(ctx.text, at, `${name}() takes ${expected} argument${expected === 1 ? '' : 's'}, got ${args.length}`);
  }
  if (args.some(hasAgg)) throw errorAt(ctx.text, at, `Aggregate function calls cannot be nested (in ${name}())`);
  const params = args.slice(spec.args).map((p) => fraction(p, name, ctx, at));
  const input = args.slice(0, spec.args);
  if (spec.fn === 'count' && distinct) return { kind: 'agg', fn: 'count_distinct', args: input, distinct: false, params };
  return { kind: 'agg', fn: spec.fn, args: input, distinct, params };
}

/** `percentile_cont(p) WITHIN GROUP (ORDER BY x [DESC])`. */
function withinGroup(name: string, pNode: AstNode, orderBy: AstNode[], ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const spec = aggregateSpec(name);
  if (!spec || spec.params !== 1 || orderBy.length !== 1) throw unsupported(ctx.text, at, `${name}() WITHIN GROUP`, /\bwithin\s+group\b/i);
  const p = fraction(exprToNode(pNode, ctx, at), name, ctx, at);
  const x = exprToNode(orderBy[0].expr, ctx, at);
  const descending = String(orderBy[0].type).toUpperCase() === 'DESC';
  return { kind: 'agg', fn: spec.fn, args: [x], distinct: false, params: [descending ? 1 - p : p] };
}

function fraction(e: ExprNode, name: string, ctx: ExprContext, at: AstPosition | undefined): number {
  if (e.kind !== 'literal' || typeof e.value !== 'number' || e.value < 0 || e.value > 1) {
    throw errorAt(ctx.text, at, `${name}() needs a fraction between 0 and 1 given as a number literal`);
  }
  return e.value;
}

/**
 * `agg(x) FILTER (WHERE c)` as `agg(CASE WHEN c THEN x END)`: the aggregates
 * we support skip nulls, so rows failing `c` do not count.
 */
function withFilter(agg: ExprNode, cond: ExprNode): ExprNode {
  if (agg.kind !== 'agg') return agg;
  const guard = (arg: ExprNode): ExprNode => ({ kind: 'case', branches: [{ when: cond, then: arg }] });
  if (agg.fn === 'count_star') return { ...agg, fn: 'count', args: [guard({ kind: 'literal', value: 1, type: 'int32' })] };
  return { ...agg, args: agg.args.map(guard) };
}
