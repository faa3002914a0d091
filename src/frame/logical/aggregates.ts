import { defaultName, type ExprNode } from '../expr/expr-node.js';
import { AnalysisError, unknownColumn } from './analysis-error.js';
import { anyExpr, hasAgg, mapExprDown, stripAlias } from './expr-utils.js';
import type { LogicalPlan } from './plan.js';
import { printExpr } from './print.js';
import { columnAt, findColumn, planScope } from './scope.js';

type Aggregate = Extract<LogicalPlan, { kind: 'aggregate' }>;

/** An aggregate under a node, directly or below HAVING filters and sorts, and how to put a changed one back. */
export interface AggregateBelow {
  agg: Aggregate;
  rebuild: (agg: Aggregate) => LogicalPlan;
}

export function findAggregateBelow(input: LogicalPlan): AggregateBelow | undefined {
  if (input.kind === 'aggregate') return { agg: input, rebuild: (a) => a };
  if (input.kind === 'filter' || input.kind === 'sort') {
    const below = findAggregateBelow(input.input);
    return below && { agg: below.agg, rebuild: (a) => ({ ...input, input: below.rebuild(a) }) };
  }
  return undefined;
}

/**
 * Rewrites an expression evaluated above an aggregate (SELECT list, HAVING,
 * ORDER BY) into references to the aggregate's outputs: a sub-expression equal
 * to a group key or an aggregate (after analysis over the aggregate's input)
 * becomes a column of the aggregate; an aggregate call it does not compute yet
 * is appended to `added`. Any other column must be an output of the aggregate:
 * a column of its input that is not grouped is the classic GROUP BY error.
 *
 * `analyzeInInput` resolves and coerces an expression over the aggregate's input
 * (undefined when it does not resolve there).
 */
export function rewriteOverAggregate(
  e: ExprNode,
  agg: Aggregate,
  analyzeInInput: (x: ExprNode) => ExprNode | undefined,
  added: ExprNode[],
): ExprNode {
  const outScope = planScope(agg);
  const inScope = planScope(agg.input);
  const known = [...agg.groupBy, ...agg.aggs, ...added].map((k) => printExpr(stripAlias(k)));
  return mapExprDown(e, (x) => {
    if (x.kind === 'column') {
      const hits = findColumn(outScope, x);
      if (hits.length === 1) return columnAt(outScope, hits[0]!);
      if (hits.length === 0 && findColumn(inScope, x).length > 0) {
        throw new AnalysisError('aggregate', `column "${printExpr(x)}" must appear in the GROUP BY list or be used in an aggregate function`, { name: printExpr(x) });
      }
      throw unknownColumn(x, outScope);
    }
    if (x.kind === 'literal' || x.kind === 'alias' || x.kind === 'outer') return undefined;
    if (x.kind !== 'agg' && !couldBeGroupKey(x)) return undefined;
    const analyzed = analyzeInInput(x);
    if (!analyzed) return undefined;
    const i = known.indexOf(printExpr(analyzed));
    if (i >= 0) return i < outScope.length ? columnAt(outScope, i) : { kind: 'column', name: defaultName(added[i - outScope.length]!) };
    if (x.kind !== 'agg') return undefined;
    checkAggCall(analyzed);
    added.push(analyzed);
    known.push(printExpr(analyzed));
    return { kind: 'column', name: defaultName(analyzed) };
  });
}

/** Sub-expressions without aggregates may equal a group key (`year(d)` grouped by `year(d)`). */
function couldBeGroupKey(x: ExprNode): boolean {
  return !hasAgg(x);
}

/** An aggregate list entry must be one aggregate call (optionally aliased) whose arguments hold no aggregate. */
export function checkAggCall(e: ExprNode): void {
  const call = stripAlias(e);
  if (call.kind !== 'agg') {
    throw new AnalysisError('aggregate', `${printExpr(e)} in an aggregate list is not an aggregate function call`, { name: printExpr(e) });
  }
  if (call.args.some(hasAgg)) {
    throw new AnalysisError('aggregate', `aggregate function calls cannot be nested: ${printExpr(call)}`, { name: printExpr(call) });
  }
}

/** Rejects aggregates where they cannot be computed (WHERE, GROUP BY keys, join conditions...). */
export function rejectAggs(e: ExprNode, where: string): void {
  if (anyExpr(e, (x) => x.kind === 'agg')) {
    throw new AnalysisError('aggregate', `aggregate functions are not allowed in ${where}: ${printExpr(e)}`, { name: printExpr(e) });
  }
}
