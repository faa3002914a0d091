import type { ExprNode } from '../frame/expr/expr-node.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { aggregateNames, aggregateSpec, EXTRACT_PARTS } from './functions.js';
import { closest } from '../frame/logical/analysis-error.js';
import { lookupFunction, scalarFunctionNames } from '../frame/expr/scalar-functions.js';
import { exprToNode } from './expr-to-node.js';
import { udfCall } from '../frame/expr/expr-node.js';
import { nameList, nodeAs, type FuncCall, type Node } from './pg-ast.js';

/** Functions PostgreSQL spells with keywords (`TRIM(x)`, `EXTRACT(y FROM d)`) under the names it gives them. */
const SQL_SYNTAX: Record<string, string> = { btrim: 'trim', ltrim: 'ltrim', rtrim: 'rtrim', substring: 'substring' };

/** A function call: a scalar function, an aggregate (with DISTINCT, FILTER or WITHIN GROUP), or EXTRACT. */
export function functionToNode(f: FuncCall, ctx: ExprContext, at: number | undefined): ExprNode {
  const name = nameList(f.funcname).join('.').toLowerCase();
  if (f.over) throw unsupported(ctx.text, at, 'window functions (OVER)', /\bover\b/i);
  if (f.func_variadic) throw unsupported(ctx.text, at, 'VARIADIC arguments');
  if (f.funcformat === 'COERCE_SQL_SYNTAX') {
    if (name === 'extract') return extractToNode(f, ctx, at);
    if (!Object.hasOwn(SQL_SYNTAX, name)) throw unsupported(ctx.text, at, `the SQL form of ${name}()`);
  }
  const spec = aggregateSpec(name);
  if (!spec) {
    if (f.agg_star || f.agg_distinct || f.agg_filter || f.agg_order || f.agg_within_group) throw unsupported(ctx.text, at, `${name}() is not an aggregate function`);
    return scalarCall(SQL_SYNTAX[name] ?? name, (f.args ?? []).map((a) => exprToNode(a, ctx, at)), ctx, at);
  }
  let agg: ExprNode;
  if (f.agg_within_group) agg = withinGroup(name, f, ctx, at);
  else if (f.agg_order?.length) throw unsupported(ctx.text, at, `ORDER BY inside ${name}()`);
  else if (f.agg_star) {
    if (name !== 'count') throw unsupported(ctx.text, at, `${name}(*)`);
    agg = { kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] };
  } else agg = aggCall(name, (f.args ?? []).map((a) => exprToNode(a, ctx, at)), f.agg_distinct === true, ctx, at);
  return f.agg_filter ? withFilter(agg, exprToNode(f.agg_filter, ctx, at)) : agg;
}

/** A scalar function call under our function library's canonical name; unknown names are a SqlError with a suggestion. */
function scalarCall(name: string, args: ExprNode[], ctx: ExprContext, at: number | undefined): ExprNode {
  if ((name === 'date_diff' || name === 'datediff') && args.length === 3) return dateDiff(args, ctx, at);
  if (name === 'date_diff') return { kind: 'call', fn: 'datediff', args };
  const udf = ctx.catalog?.udf?.(name);
  if (udf) return udfCall(udf, args);
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
function dateDiff(args: ExprNode[], ctx: ExprContext, at: number | undefined): ExprNode {
  const part = args[0]!;
  if (part.kind !== 'literal' || typeof part.value !== 'string' || !/^days?$/i.test(part.value)) {
    throw unsupported(ctx.text, at, "date_diff with a unit other than 'day'");
  }
  return { kind: 'call', fn: 'datediff', args: [args[2]!, args[1]!] };
}

/** `EXTRACT(part FROM x)` (PostgreSQL: `extract('part', x)`) as the function of the same name (`year(x)`). */
function extractToNode(f: FuncCall, ctx: ExprContext, at: number | undefined): ExprNode {
  const [partNode, source] = f.args ?? [];
  const part = String(nodeAs(partNode, 'A_Const')?.sval?.sval).toLowerCase();
  if (!EXTRACT_PARTS.has(part)) throw unsupported(ctx.text, at, `EXTRACT(${part.toUpperCase()} FROM ...)`);
  return { kind: 'call', fn: part, args: [exprToNode(source, ctx, at)] };
}

/** An aggregate call from its SQL name and translated arguments (trailing literal parameters become `params`). */
function aggCall(name: string, args: ExprNode[], distinct: boolean, ctx: ExprContext, at: number | undefined): ExprNode {
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
function withinGroup(name: string, f: FuncCall, ctx: ExprContext, at: number | undefined): ExprNode {
  const spec = aggregateSpec(name);
  const orderBy = (f.agg_order ?? []).map((o: Node) => nodeAs(o, 'SortBy'));
  if (!spec || spec.params !== 1 || orderBy.length !== 1 || f.args?.length !== 1) throw unsupported(ctx.text, at, `${name}() WITHIN GROUP`, /\bwithin\s+group\b/i);
  const p = fraction(exprToNode(f.args[0], ctx, at), name, ctx, at);
  const x = exprToNode(orderBy[0]?.node, ctx, at);
  const descending = orderBy[0]?.sortby_dir === 'SORTBY_DESC';
  return { kind: 'agg', fn: spec.fn, args: [x], distinct: false, params: [descending ? 1 - p : p] };
}

function fraction(e: ExprNode, name: string, ctx: ExprContext, at: number | undefined): number {
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
