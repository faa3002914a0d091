import type { ExprNode } from '../expr/expr-node.js';
import { AnalysisError, ambiguousColumn, unknownColumn } from './analysis-error.js';
import { mapExprDown } from './expr-utils.js';
import type { LogicalPlan } from './plan.js';
import { columnAt, findColumn, planScope, type ScopeField } from './scope.js';

/**
 * Name resolution of expressions against the scope of a node's input.
 *
 * Convention after resolution: a column keeps its `name`, and keeps a `qualifier`
 * only when the bare name is ambiguous in the input scope (the two `k` of
 * `a JOIN b ON a.k = b.k`); otherwise the qualifier is dropped, so rules can move
 * expressions between nodes without carrying table names that the new place
 * may not know. `index` is left for the physical planner.
 */
export interface ResolveContext {
  scope: ScopeField[];
  /** Columns of enclosing queries, for correlated subqueries (innermost first). */
  outer: ScopeField[];
  /** Analyzes a subquery plan, with this node's input (and `outer`) as its enclosing scope. */
  analyzeSubquery: (plan: LogicalPlan) => LogicalPlan;
}

/** Resolves every column of `e` in `ctx.scope`; a name found only in an outer scope becomes an `outer` reference. */
export function resolveExpr(e: ExprNode, ctx: ResolveContext): ExprNode {
  return mapExprDown(e, (x) => {
    switch (x.kind) {
      case 'column':
        return resolveColumn(x, ctx);
      case 'outer':
        return resolveOuter(x, ctx);
      case 'star':
        throw new AnalysisError('column', `${x.qualifier ? `${x.qualifier}.*` : '*'} is only allowed in a projection`);
      case 'inSubquery': {
        const plan = subquery(x.plan, ctx, 'IN');
        return { ...x, arg: resolveExpr(x.arg, ctx), plan };
      }
      case 'exists':
        return { ...x, plan: ctx.analyzeSubquery(x.plan) };
      case 'scalarSubquery':
        return { ...x, plan: subquery(x.plan, ctx, 'a scalar subquery') };
      default:
        return undefined;
    }
  });
}

function subquery(plan: LogicalPlan, ctx: ResolveContext, what: string): LogicalPlan {
  const analyzed = ctx.analyzeSubquery(plan);
  const width = planScope(analyzed).length;
  if (width !== 1) throw new AnalysisError('type', `the subquery of ${what} must return exactly one column, not ${width}`);
  return analyzed;
}

function resolveColumn(c: Extract<ExprNode, { kind: 'column' }>, ctx: ResolveContext): ExprNode {
  const hits = findColumn(ctx.scope, c);
  if (hits.length === 1) return columnAt(ctx.scope, hits[0]!);
  if (hits.length > 1) throw ambiguousColumn(c, ctx.scope, hits);
  const outer = findColumn(ctx.outer, c);
  if (outer.length === 1) return outerRef(ctx.outer, outer[0]!);
  throw unknownColumn(c, ctx.scope);
}

function resolveOuter(c: Extract<ExprNode, { kind: 'outer' }>, ctx: ResolveContext): ExprNode {
  const hits = findColumn(ctx.outer, c);
  if (hits.length === 1) return outerRef(ctx.outer, hits[0]!);
  if (hits.length > 1) throw ambiguousColumn(c, ctx.outer, hits);
  throw unknownColumn(c, ctx.outer);
}

/** Outer references keep a qualifier whenever the outer column has one: decorrelation needs it to tell sides apart. */
function outerRef(scope: ScopeField[], i: number): ExprNode {
  const f = scope[i]!;
  return f.qualifiers[0] === undefined ? { kind: 'outer', name: f.name } : { kind: 'outer', name: f.name, qualifier: f.qualifiers[0] };
}

/** Expands `*` and `t.*` in a projection list into the matching columns of `scope`. */
export function expandStars(exprs: ExprNode[], scope: ScopeField[]): ExprNode[] {
  return exprs.flatMap((e) => {
    if (e.kind !== 'star') return [e];
    const picked = scope.map((f, i) => ({ f, i })).filter(({ f }) => e.qualifier === undefined || f.qualifiers.includes(e.qualifier));
    if (picked.length === 0) {
      const tables = [...new Set(scope.flatMap((f) => f.qualifiers))].join(', ') || '(none)';
      throw new AnalysisError('table', `unknown table "${e.qualifier}" in ${e.qualifier}.*; available tables: ${tables}`, { name: e.qualifier ?? '*' });
    }
    return picked.map(({ i }) => columnAt(scope, i));
  });
}

/** Checks that each name exists (exactly once) in `scope`, for `using` lists and dropDuplicates keys. */
export function checkNames(names: string[], scope: ScopeField[], where: string): void {
  for (const name of names) {
    const hits = findColumn(scope, { name });
    if (hits.length === 0) {
      const err = unknownColumn({ name }, scope);
      throw new AnalysisError(err.kind, `${where}: ${err.message}`, { name, ...(err.suggestion ? { suggestion: err.suggestion } : {}) });
    }
    if (hits.length > 1) throw ambiguousColumn({ name }, scope, hits);
  }
}
