import type { PlanNode } from '../plan/node.js';
import { compareKeys } from '../serde/keys.js';
import { SluiceError } from '../util/errors.js';
import { userCallSite } from '../util/call-site.js';
import type { Engine } from '../driver/engine.js';
import { saveFiles } from '../driver/checkpoint.js';
import { ship } from './plan-builders.js';
import { recordFormat, unpackChunks } from '../exec/exchange/chunk-format.js';
import type { AsyncOptions } from './types.js';

/**
 * The driver halves of actions: each runs one job (take may run a few) and
 * combines the per-partition results.
 */
export async function collect<T>(e: Engine, node: PlanNode): Promise<T[]> {
  return decodeAll(await e.run(node, { kind: 'collect' }, `collect at ${site(node)}`)) as T[];
}

export async function count(e: Engine, node: PlanNode): Promise<number> {
  const rs = await e.run(node, { kind: 'count' }, `count at ${site(node)}`);
  return rs.reduce((n, r) => n + (r.value as number), 0);
}

/** Scans partitions in growing batches until n records are found (as Spark's take does). */
export async function take<T>(e: Engine, node: PlanNode, n: number): Promise<T[]> {
  const out: T[] = [];
  let scanned = 0;
  let batch = 1;
  while (out.length < n && scanned < node.numPartitions) {
    const parts = [];
    for (let p = scanned; p < Math.min(node.numPartitions, scanned + batch); p++) parts.push(p);
    const rs = await e.run(node, { kind: 'take', n: n - out.length }, `take(${n}) at ${site(node)}`, parts);
    for (const x of decodeAll(rs) as T[]) if (out.length < n) out.push(x);
    scanned += parts.length;
    batch *= 4;
  }
  return out;
}

export async function takeOrdered<T>(e: Engine, node: PlanNode, n: number, compare: ((a: T, b: T) => number) | undefined, descending: boolean): Promise<T[]> {
  const spec = compare ? ship(compare, undefined, descending ? 'top' : 'takeOrdered') : undefined;
  const rs = await e.run(node, { kind: 'takeOrdered', n, compare: spec, descending }, `${descending ? 'top' : 'takeOrdered'}(${n}) at ${site(node)}`);
  const base = (compare ?? compareKeys) as (a: T, b: T) => number;
  const cmp = descending ? (a: T, b: T) => base(b, a) : base;
  return (decodeAll(rs) as T[]).sort(cmp).slice(0, n);
}

export async function reduce<T>(e: Engine, node: PlanNode, f: (a: T, b: T, env: never) => T, env: object | undefined): Promise<T> {
  const rs = await e.run(node, { kind: 'reduce', fn: ship(f, env, 'reduce') }, `reduce at ${site(node)}`);
  const parts = rs.map((r) => r.value as { empty: boolean; acc: T }).filter((v) => !v.empty);
  if (!parts.length) throw new SluiceError('reduce of an empty dataset: use fold() with a zero value instead');
  // Partition results merge here with the same function; an async one is awaited.
  let acc = parts[0]!.acc;
  for (const v of parts.slice(1)) acc = await f(acc, v.acc, env as never);
  return acc;
}

export async function aggregate<T, U>(
  e: Engine,
  node: PlanNode,
  zero: U,
  seqOp: (acc: U, x: T, env: never) => U,
  combOp: (a: U, b: U, env: never) => U,
  env: object | undefined,
  op: 'fold' | 'aggregate',
): Promise<U> {
  const action =
    op === 'fold'
      ? { kind: 'fold' as const, zero, fn: ship(seqOp, env, op) }
      : { kind: 'aggregate' as const, zero, seqOp: ship(seqOp, env, op), combOp: ship(combOp, env, op) };
  const rs = await e.run(node, action, `${op} at ${site(node)}`);
  let acc = structuredClone(zero);
  for (const r of rs) acc = await combOp(acc, r.value as U, env as never);
  return acc;
}

export async function foreach(e: Engine, node: PlanNode, kind: 'foreach' | 'foreachPartition', f: Function, env: object | undefined, opts?: AsyncOptions): Promise<void> {
  await e.run(node, { kind, fn: ship(f, env, kind, opts) }, `${kind} at ${site(node)}`);
}

/** Writes one file per partition into a temporary directory renamed into place only when the job succeeds. */
export function save(e: Engine, node: PlanNode, dir: string, format: 'text' | 'jsonLines'): Promise<void> {
  return saveFiles(e, node, dir, (tempDir) => ({ kind: 'save', format, tempDir }), `save ${format} to ${dir}`);
}

/** Where the user called the action, for job descriptions. */
function site(node: PlanNode): string {
  const s = userCallSite() ?? node.site;
  return s ? `${s.file.split('/').pop()}:${s.line}` : node.op;
}

/** Decodes and concatenates the records of collect-like partition results. */
function decodeAll(results: Array<{ records?: Uint8Array }>): unknown[] {
  const out: unknown[] = [];
  for (const r of results) if (r.records) for (const b of unpackChunks(recordFormat, r.records)) for (const x of b) out.push(x);
  return out;
}
