import type { ExprNode } from '../expr/expr-node.js';
import type { LogicalPlan } from '../logical/plan.js';
import { columnsIn, conjunction, splitConjunction } from '../logical/expr-utils.js';
import { markName } from '../logical/scope.js';
import { bindExpr, findField, toSchema, type QField } from './bind.js';
import { project } from './planner.js';
import { exchange, mergeDeps, satisfiesHash, toSingle, type Planned, type PlannerContext } from './planned.js';

type Join = Extract<LogicalPlan, { kind: 'join' }>;

/**
 * Plans a join. Equality conjuncts between the two sides become hash keys; the
 * rest of the condition is a residual filter on matched pairs. Broadcast join
 * (chosen by the join-selection rule for a small build side): the build side
 * is shuffled whole to every task of the probe side, which stays where it is.
 * Otherwise both sides are hash-partitioned by their keys into the same
 * number of partitions (skipped for a side already partitioned that way), so
 * matching rows meet in one task. Without equality keys: a nested-loop join
 * against the broadcast right side (right and full joins in one task, with the
 * left side gathered there too).
 */
export function planJoin(p: Join, left: Planned, right: Planned, ctx: PlannerContext): Planned {
  const { leftKeys, rightKeys, residual } = p.using ? usingKeys(p.using) : splitCondition(p.on, left.fields, right.fields);
  const both = [...left.fields, ...right.fields];
  const outer = (f: QField[], nullable: boolean) => f.map((x) => ({ ...x, nullable: x.nullable || nullable }));
  // Semi, anti and mark joins keep each left row at most once, where it was.
  const semi = p.type === 'semi' || p.type === 'anti' || p.type === 'mark';
  const fields =
    p.type === 'mark'
      ? [...left.fields, { name: markName(p), type: 'bool' as const, nullable: false }]
      : semi
        ? left.fields
        : [...outer(left.fields, p.type === 'right' || p.type === 'full'), ...outer(right.fields, p.type === 'left' || p.type === 'full')];
  const filter = residual ? bindExpr(residual, both) : null;
  const schema = toSchema(fields);
  let joined: Planned;
  if (leftKeys.length === 0) {
    // Right and full joins keep the right rows no left row matched: only a task that sees every left row knows them.
    const l = p.type === 'right' || p.type === 'full' ? toSingle(left, ctx) : left;
    const b = exchange(right, { kind: 'single' }, ctx, true);
    const m = mergeDeps(l, b);
    joined = { op: { op: 'nestedLoopJoin', schema, left: l.op, right: m.right, type: p.type, filter }, fields, deps: m.deps, numPartitions: l.numPartitions, dist: l.dist };
  } else {
    const lk = leftKeys.map((k) => bindExpr(k, left.fields));
    const rk = rightKeys.map((k) => bindExpr(k, right.fields));
    const broadcastRight = p.strategy === 'broadcast' && p.type !== 'right' && p.type !== 'full';
    const broadcastLeft = p.strategy === 'broadcast' && p.type === 'right';
    let l = left;
    let r = right;
    let dist = left.dist;
    if (broadcastRight) r = exchange(right, { kind: 'single' }, ctx, true);
    else if (broadcastLeft) {
      l = exchange(left, { kind: 'single' }, ctx, true);
      dist = right.dist;
    } else {
      const n = ctx.shufflePartitions;
      if (!satisfiesHash(left.dist, lk, n)) l = exchange(left, { kind: 'hash', keys: lk, numPartitions: n }, ctx);
      if (!satisfiesHash(right.dist, rk, n)) r = exchange(right, { kind: 'hash', keys: rk, numPartitions: n }, ctx);
      dist = { kind: 'hash', keys: l.dist.kind === 'hash' ? l.dist.keys : [], numPartitions: n };
    }
    const m = mergeDeps(l, r);
    const numPartitions = broadcastLeft ? r.numPartitions : l.numPartitions;
    joined = { op: { op: 'hashJoin', schema, left: l.op, right: m.right, type: p.type, leftKeys: lk, rightKeys: rk, filter, build: broadcastLeft ? 'left' : 'right' }, fields, deps: m.deps, numPartitions, dist: semi || p.type === 'inner' ? dist : { kind: 'unknown' } };
  }
  return p.using && !semi ? usingOutput(joined, p.using, left.fields.length, p.type) : joined;
}

function usingKeys(using: string[]): { leftKeys: ExprNode[]; rightKeys: ExprNode[]; residual: ExprNode | null } {
  // Bound by position later: the left key is the first column of that name, the right key the right side's.
  return { leftKeys: using.map((n) => ({ kind: 'column', name: n })), rightKeys: using.map((n) => ({ kind: 'column', name: n })), residual: null };
}

/** USING columns appear once (coalesced for right and full joins), then the other columns of each side. */
function usingOutput(j: Planned, using: string[], nLeft: number, type: Join['type']): Planned {
  const ref = (i: number): ExprNode => ({ kind: 'column', name: j.fields[i]!.name, qualifier: j.fields[i]!.qualifier, index: i });
  const rightIndex = (n: string) => nLeft + j.fields.slice(nLeft).findIndex((f) => f.name === n);
  const exprs: ExprNode[] = using.map((n) => {
    const li = j.fields.findIndex((f) => f.name === n);
    if (type === 'right') return { kind: 'alias', arg: ref(rightIndex(n)), name: n };
    if (type === 'full') return { kind: 'alias', arg: { kind: 'call', fn: 'coalesce', args: [ref(li), ref(rightIndex(n))] }, name: n };
    return { kind: 'alias', arg: ref(li), name: n };
  });
  j.fields.forEach((f, i) => {
    if (!using.includes(f.name)) exprs.push({ kind: 'alias', arg: ref(i), name: f.name });
  });
  // Keep qualifiers of non-key columns, so `a.x` still resolves above the join.
  const out = project(j, exprs);
  out.fields.forEach((f, i) => {
    if (i >= using.length) {
      const src = exprs[i]!.kind === 'alias' ? (exprs[i] as { arg: ExprNode }).arg : exprs[i]!;
      if (src.kind === 'column') f.qualifier = j.fields[src.index!]!.qualifier;
    }
  });
  return out;
}

/** Splits `on` into equality pairs (left expr, right expr) and the remaining conjuncts. */
function splitCondition(on: ExprNode | null, left: QField[], right: QField[]): { leftKeys: ExprNode[]; rightKeys: ExprNode[]; residual: ExprNode | null } {
  const leftKeys: ExprNode[] = [];
  const rightKeys: ExprNode[] = [];
  const rest: ExprNode[] = [];
  const side = (e: ExprNode): 'left' | 'right' | 'both' | 'none' => {
    const cols = columnsIn(e);
    if (!cols.length) return 'none';
    const inL = cols.every((c) => findField(left, c.name, c.qualifier) >= 0 && (c.qualifier !== undefined || findField(right, c.name) < 0));
    const inR = cols.every((c) => findField(right, c.name, c.qualifier) >= 0 && (c.qualifier !== undefined || findField(left, c.name) < 0));
    return inL ? 'left' : inR ? 'right' : 'both';
  };
  // A literal TRUE condition (left by simplification) joins everything: no conjunct.
  for (const c of on ? splitConjunction(on).filter((x) => !(x.kind === 'literal' && x.value === true)) : []) {
    if (c.kind === 'binary' && c.op === '=') {
      const a = side(c.left);
      const b = side(c.right);
      if (a === 'left' && b === 'right') {
        leftKeys.push(c.left);
        rightKeys.push(c.right);
        continue;
      }
      if (a === 'right' && b === 'left') {
        leftKeys.push(c.right);
        rightKeys.push(c.left);
        continue;
      }
    }
    rest.push(c);
  }
  const residual = conjunction(rest);
  return { leftKeys, rightKeys, residual };
}
