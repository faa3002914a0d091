/**
 * Greedy minimization of a failing query tree: try every one-step simplification (drop a clause, a
 * select item, a FROM item or an IN element; replace an expression by a like-typed child or a NULL;
 * replace a join or a set operation by one side) and keep the first that still fails the same way,
 * until none does or the attempt budget runs out.
 */
import { childExprs, nullOf } from './expr-gen.js';
import type { Expr } from './sql-ast.js';

type Node = Record<string, unknown>;

const EXPR_KINDS = new Set(['col', 'lit', 'bin', 'not', 'neg', 'isnull', 'between', 'in', 'like', 'case', 'fn', 'cast', 'agg', 'inq', 'exists', 'scalarq']);
const isObj = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const isExpr = (v: Node): boolean => EXPR_KINDS.has(v.k as string) && typeof v.t === 'string';

/** Simplifications of the node itself (not of its children). */
function ownVariants(n: Node): Node[] {
  const out: Node[] = [];
  const without = (...keys: string[]): Node => {
    const c = { ...n };
    for (const k of keys) delete c[k];
    return c;
  };
  if (isExpr(n)) {
    const e = n as unknown as Expr;
    if (e.k === 'cast' && e.e.k === 'lit' && e.e.sql === 'NULL') return out; // a typed NULL is already minimal
    for (const c of childExprs(e)) if (c.t === e.t) out.push(c as unknown as Node);
    if (e.k !== 'lit' && !(e.k === 'cast' && e.e.k === 'lit')) out.push(nullOf(e.t) as unknown as Node);
    if (e.t === 'bool' && e.k !== 'lit') out.push({ k: 'lit', t: 'bool', sql: 'TRUE' });
    if (e.k === 'in' && e.list.length > 1) e.list.forEach((_, i) => out.push({ ...n, list: e.list.filter((__, j) => j !== i) }));
    if (e.k === 'case' && e.whens.length > 1) e.whens.forEach((_, i) => out.push({ ...n, whens: e.whens.filter((__, j) => j !== i) }));
    if (e.k === 'case' && e.else) out.push(without('else'));
    if ('neg' in e && e.neg) out.push({ ...n, neg: false });
    if (e.k === 'agg' && e.distinct) out.push({ ...n, distinct: false });
    return out;
  }
  switch (n.k) {
    case 'select': {
      for (const k of ['where', 'having', 'groupBy', 'orderBy', 'offset', 'limit']) if (n[k] !== undefined) out.push(without(k));
      if (n.orderBy) out.push(without('orderBy', 'limit', 'offset'));
      if (n.distinct) out.push({ ...n, distinct: false });
      const items = n.items as unknown[];
      if (items.length > 1) items.forEach((_, i) => out.push({ ...n, items: items.filter((__, j) => j !== i) }));
      const from = n.from as unknown[];
      if (from.length > 1) from.forEach((_, i) => out.push({ ...n, from: from.filter((__, j) => j !== i) }));
      break;
    }
    case 'setop':
      out.push(n.l as Node, n.r as Node);
      if (n.orderBy) out.push(without('orderBy', 'limit'));
      if (n.op !== 'UNION ALL') out.push({ ...n, op: 'UNION ALL' });
      break;
    case 'join':
      out.push(n.l as Node, n.r as Node);
      if (n.type !== 'inner' && n.type !== 'cross') out.push({ ...n, type: 'inner' });
      if (n.on) out.push({ ...without('on'), type: 'cross' });
      break;
  }
  return out;
}

/** Every tree one simplification away from `n`, smallest changes near the root first. */
export function* variants(n: unknown): Generator<unknown> {
  if (Array.isArray(n)) {
    for (let i = 0; i < n.length; i++) for (const v of variants(n[i])) yield n.map((x, j) => (j === i ? v : x));
    return;
  }
  if (!isObj(n)) return;
  yield* ownVariants(n);
  for (const key of Object.keys(n)) {
    const child = n[key];
    if (typeof child !== 'object' || child === null) continue;
    for (const v of variants(child)) yield { ...n, [key]: v };
  }
}

/** Shrinks `tree` while `fails` holds, within `budget` attempts; returns the smallest failing tree found. */
export async function shrink<T>(tree: T, fails: (t: T) => Promise<boolean>, budget = 250): Promise<T> {
  let current = tree;
  let attempts = 0;
  let improved = true;
  while (improved && attempts < budget) {
    improved = false;
    for (const v of variants(current)) {
      if (++attempts > budget) break;
      if (await fails(v as T)) {
        current = v as T;
        improved = true;
        break;
      }
    }
  }
  return current;
}
