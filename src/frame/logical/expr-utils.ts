import type { ExprNode } from '../expr/expr-node.js';

/** Direct sub-expressions of `e` (subquery plans are not expressions and are not visited). */
export function exprChildren(e: ExprNode): ExprNode[] {
  switch (e.kind) {
    case 'binary':
      return [e.left, e.right];
    case 'unary':
    case 'cast':
    case 'alias':
    case 'like':
    case 'inSubquery':
      return [e.arg];
    case 'call':
    case 'agg':
    case 'udf':
      return e.args;
    case 'case':
      return [...e.branches.flatMap((b) => [b.when, b.then]), ...(e.otherwise ? [e.otherwise] : [])];
    case 'in':
      return [e.arg, ...e.list];
    default:
      return [];
  }
}

/** A copy of `e` with its direct children replaced (same order as `exprChildren`). */
export function withExprChildren(e: ExprNode, kids: ExprNode[]): ExprNode {
  switch (e.kind) {
    case 'binary':
      return { ...e, left: kids[0]!, right: kids[1]! };
    case 'unary':
    case 'cast':
    case 'alias':
    case 'like':
    case 'inSubquery':
      return { ...e, arg: kids[0]! };
    case 'call':
    case 'agg':
    case 'udf':
      return { ...e, args: kids };
    case 'case': {
      const branches = e.branches.map((_, i) => ({ when: kids[2 * i]!, then: kids[2 * i + 1]! }));
      return { ...e, branches, ...(e.otherwise ? { otherwise: kids[2 * e.branches.length]! } : {}) };
    }
    case 'in':
      return { ...e, arg: kids[0]!, list: kids.slice(1) };
    default:
      return e;
  }
}

/** Rewrites `e` bottom-up: children first, then `f` on the rebuilt node. */
export function mapExpr(e: ExprNode, f: (e: ExprNode) => ExprNode): ExprNode {
  const kids = exprChildren(e);
  const rebuilt = kids.length === 0 ? e : withExprChildren(e, kids.map((k) => mapExpr(k, f)));
  return f(rebuilt);
}

/** Rewrites `e` top-down: where `f` returns a node, that node replaces the subtree (not revisited). */
export function mapExprDown(e: ExprNode, f: (e: ExprNode) => ExprNode | undefined): ExprNode {
  const hit = f(e);
  if (hit) return hit;
  const kids = exprChildren(e);
  return kids.length === 0 ? e : withExprChildren(e, kids.map((k) => mapExprDown(k, f)));
}

/** True when `pred` holds for `e` or any sub-expression. */
export function anyExpr(e: ExprNode, pred: (e: ExprNode) => boolean): boolean {
  return pred(e) || exprChildren(e).some((k) => anyExpr(k, pred));
}

/** The first sub-expression of `e` (itself included, pre-order) for which `pred` holds. */
export function findExpr(e: ExprNode, pred: (e: ExprNode) => boolean): ExprNode | undefined {
  let found: ExprNode | undefined;
  anyExpr(e, (x) => (pred(x) ? ((found = x), true) : false));
  return found;
}

/** Every `column` node in `e`, in visiting order. */
export function columnsIn(e: ExprNode): Array<Extract<ExprNode, { kind: 'column' }>> {
  const out: Array<Extract<ExprNode, { kind: 'column' }>> = [];
  anyExpr(e, (x) => {
    if (x.kind === 'column') out.push(x);
    return false;
  });
  return out;
}

export function hasAgg(e: ExprNode): boolean {
  return anyExpr(e, (x) => x.kind === 'agg');
}

export function hasSubquery(e: ExprNode): boolean {
  return anyExpr(e, (x) => x.kind === 'inSubquery' || x.kind === 'exists' || x.kind === 'scalarSubquery');
}

/** UDFs are opaque: possibly expensive and non-deterministic, so rules never duplicate or reorder them freely. */
export function hasUdf(e: ExprNode): boolean {
  return anyExpr(e, (x) => x.kind === 'udf');
}

/** `a AND b AND c` → `[a, b, c]`. */
export function splitConjunction(e: ExprNode): ExprNode[] {
  return e.kind === 'binary' && e.op === 'and' ? [...splitConjunction(e.left), ...splitConjunction(e.right)] : [e];
}

/** `[a, b, c]` → `a AND b AND c` (left-deep), or null for an empty list. */
export function conjunction(parts: ExprNode[]): ExprNode | null {
  if (parts.length === 0) return null;
  return parts.reduce((acc, p) => ({ kind: 'binary', op: 'and', left: acc, right: p }));
}

export function stripAlias(e: ExprNode): ExprNode {
  return e.kind === 'alias' ? stripAlias(e.arg) : e;
}

export function column(name: string, qualifier?: string): ExprNode {
  return qualifier === undefined ? { kind: 'column', name } : { kind: 'column', name, qualifier };
}

export function alias(e: ExprNode, name: string): ExprNode {
  return { kind: 'alias', arg: stripAlias(e), name };
}
