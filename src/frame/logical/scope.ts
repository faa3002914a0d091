import type { ExprNode } from '../expr/expr-node.js';
import { defaultName } from '../expr/expr-node.js';
import { mapExpr } from './expr-utils.js';
import type { LogicalPlan } from './plan.js';

/**
 * The output columns of a plan as names plus the table qualifiers that may
 * prefix them (`t.x`). Schemas have no qualifiers, so name resolution — by the
 * analyzer, by rules that move expressions between nodes, and by the physical
 * planner binding indexes — goes through the scope.
 *
 * Qualifiers come from scans (the source name) and `subqueryAlias`; a projected
 * or grouped bare column keeps its input's qualifiers; computed columns have none.
 * A `using` join column is reachable through either side's qualifier.
 */
export interface ScopeField {
  name: string;
  qualifiers: string[];
}

export type ColumnRef = { name: string; qualifier?: string };

/** The qualified output columns of `plan`, in output order. */
export function planScope(plan: LogicalPlan): ScopeField[] {
  switch (plan.kind) {
    case 'scan': {
      const names = plan.projection ?? plan.schema.fields.map((f) => f.name);
      return names.map((name) => ({ name, qualifiers: [plan.source.name] }));
    }
    case 'project':
      return exprScope(plan.exprs, planScope(plan.input));
    case 'aggregate': {
      const input = planScope(plan.input);
      return [...exprScope(plan.groupBy, input), ...plan.aggs.map((a) => ({ name: defaultName(a), qualifiers: [] }))];
    }
    case 'join':
      return joinScope(plan);
    case 'union':
      return planScope(plan.inputs[0]!);
    case 'subqueryAlias':
      return planScope(plan.input).map((f) => ({ name: f.name, qualifiers: [plan.alias] }));
    default:
      return planScope(plan.input);
  }
}

function exprScope(exprs: ExprNode[], input: ScopeField[]): ScopeField[] {
  return exprs.map((e) => {
    if (e.kind !== 'column') return { name: defaultName(e), qualifiers: [] };
    const hits = findColumn(input, e);
    return { name: e.name, qualifiers: hits.length === 1 ? input[hits[0]!]!.qualifiers : e.qualifier ? [e.qualifier] : [] };
  });
}

/** Where each output column of a join comes from: a side and an index in that side's output. */
export interface JoinColumnSource {
  /** 'mark': the boolean column a mark join adds (index 0). */
  side: 'left' | 'right' | 'mark';
  index: number;
  /** A `using` column: present on both sides (its value depends on the join type). */
  using: boolean;
}

/** The origin of every output column of `join` (semi/anti joins output only the left side). */
export function joinColumnSources(join: Extract<LogicalPlan, { kind: 'join' }>): JoinColumnSource[] {
  return columnSources(join, planScope(join.left), () => planScope(join.right));
}

// The sides' scopes are computed once per join and passed down: computing them
// again here made planScope of a left-deep chain of n joins cost 2^n.
function columnSources(join: Extract<LogicalPlan, { kind: 'join' }>, left: ScopeField[], right: () => ScopeField[]): JoinColumnSource[] {
  const out: JoinColumnSource[] = left.map((f, index) => ({ side: 'left', index, using: join.using?.includes(f.name) ?? false }));
  if (join.type === 'semi' || join.type === 'anti') return out;
  if (join.type === 'mark') return [...out, { side: 'mark', index: 0, using: false }];
  right().forEach((f, index) => {
    if (!join.using?.includes(f.name)) out.push({ side: 'right', index, using: false });
  });
  return out;
}

function joinScope(join: Extract<LogicalPlan, { kind: 'join' }>): ScopeField[] {
  const left = planScope(join.left);
  let rightScope: ScopeField[] | undefined;
  const right = (): ScopeField[] => (rightScope ??= planScope(join.right));
  return columnSources(join, left, right).map((s) => {
    if (s.side === 'mark') return { name: markName(join), qualifiers: [] };
    if (s.side === 'right') return right()[s.index]!;
    const f = left[s.index]!;
    if (!s.using) return f;
    const r = right().find((x) => x.name === f.name);
    return { name: f.name, qualifiers: [...f.qualifiers, ...(r?.qualifiers ?? [])] };
  });
}

/** The name of a mark join's boolean column. */
export function markName(join: Extract<LogicalPlan, { kind: 'join' }>): string {
  if (join.mark === undefined) throw new Error('a mark join needs the name of its mark column');
  return join.mark;
}

/** Scope of the left and right inputs together, as a join's `on` condition sees them. */
export function joinConditionScope(join: Extract<LogicalPlan, { kind: 'join' }>): ScopeField[] {
  return [...planScope(join.left), ...planScope(join.right)];
}

/** Indexes of the scope fields a column reference can mean (exact name; qualifier when given). */
export function findColumn(scope: ScopeField[], ref: ColumnRef): number[] {
  const out: number[] = [];
  scope.forEach((f, i) => {
    if (f.name === ref.name && (ref.qualifier === undefined || f.qualifiers.includes(ref.qualifier))) out.push(i);
  });
  return out;
}

/** The single field index `ref` resolves to, or -1 when unknown or ambiguous. */
export function resolveIndex(scope: ScopeField[], ref: ColumnRef): number {
  const hits = findColumn(scope, ref);
  return hits.length === 1 ? hits[0]! : -1;
}

/**
 * A column node naming field `i` of `scope`, qualified only when the bare name
 * would be ambiguous in that scope (the convention the analyzer establishes).
 */
export function columnAt(scope: ScopeField[], i: number): ExprNode {
  const f = scope[i]!;
  const unique = scope.filter((g) => g.name === f.name).length === 1;
  const qualifier = f.qualifiers[0];
  return unique || qualifier === undefined ? { kind: 'column', name: f.name } : { kind: 'column', name: f.name, qualifier };
}

/** True when `columnAt(scope, i)` names field `i` and nothing else. */
export function isAddressable(scope: ScopeField[], i: number): boolean {
  return resolveIndex(scope, columnAt(scope, i) as ColumnRef) === i;
}

/**
 * Rewrites the column references of `e` (resolved in `from`) through `map`, which
 * gives the replacement for field i, or null when that column cannot move; the
 * whole result is null when any column is unresolvable or unmappable.
 */
export function rebaseColumns(e: ExprNode, from: ScopeField[], map: (i: number) => ExprNode | null): ExprNode | null {
  let ok = true;
  const out = mapExpr(e, (x) => {
    if (x.kind !== 'column') return x;
    const i = resolveIndex(from, x);
    const to = i < 0 ? null : map(i);
    if (!to) ok = false;
    return to ?? x;
  });
  return ok ? out : null;
}
