import type { PlanNode } from '../../plan/node.js';
import { userCallSite } from '../../util/call-site.js';
import { stageName } from './print-physical.js';
import type { ExprNode } from '../expr/expr-node.js';
import { defaultName } from '../expr/expr-node.js';
import { inferNullable, inferType } from '../expr/infer-type.js';
import type { LogicalPlan } from '../logical/plan.js';
import { findExpr, stripAlias } from '../logical/expr-utils.js';
import { mapNodeExprs, mapPlanUp } from '../logical/plan-walk.js';
import { printExpr } from '../logical/print.js';
import { SluiceError } from '../../util/errors.js';
import { bindExpr, columnAt, toSchema, type QField } from './bind.js';
import type { PhysOp } from './ops.js';
import { planAggregate } from './plan-aggregate.js';
import { planJoin } from './plan-join.js';
import { exchange, mergeDeps, satisfiesHash, toSingle, type Planned, type PlannerContext } from './planned.js';

/**
 * Turns an optimized logical plan into stages: physical operators, with the
 * shuffles each one needs inserted where its input is not distributed as it
 * requires (DataFusion's EnforceDistribution, done while planning bottom-up).
 * Returns the final stage as a lineage node the scheduler runs like any other.
 */
export function planPhysical(plan: LogicalPlan, ctx: Omit<PlannerContext, 'plan'>): PlanNode {
  rejectSubqueries(plan);
  const full: PlannerContext = { ...ctx, plan: (p) => planNode(p, full) };
  const top = full.plan(plan);
  return stageNode(top, full);
}

/**
 * Subqueries the optimizer's rewrites left in place cannot run: say which, here on the driver,
 * rather than in every task (where retrying would meet the same error).
 */
function rejectSubqueries(plan: LogicalPlan): void {
  mapPlanUp(plan, (p) =>
    mapNodeExprs(p, (e) => {
      const sub = findExpr(e, (x) => x.kind === 'scalarSubquery' || x.kind === 'exists' || x.kind === 'inSubquery');
      if (sub) {
        throw new SluiceError(
          `unsupported subquery: ${printExpr(sub)}. Correlated subqueries are supported when their references to the outer query are in their WHERE clause (for scalar subqueries: equalities inner = outer only), outside aggregates, GROUP BY, LIMIT and DISTINCT.`,
        );
      }
      return e;
    }),
  );
}

/** The stage that runs `top`'s operators. */
export function stageNode(top: Planned, ctx: PlannerContext): PlanNode {
  return { id: ctx.ids.nodeId(), op: stageName(top.op), site: userCallSite(), numPartitions: top.numPartitions, compute: { kind: 'frame', root: top.op }, deps: top.deps };
}

function planNode(p: LogicalPlan, ctx: PlannerContext): Planned {
  switch (p.kind) {
    case 'scan':
      return planScan(p, ctx);
    case 'subqueryAlias': {
      const c = ctx.plan(p.input);
      return { ...c, fields: c.fields.map((f) => ({ ...f, qualifier: p.alias })) };
    }
    case 'project':
      return project(ctx.plan(p.input), p.exprs);
    case 'filter': {
      const c = ctx.plan(p.input);
      return { ...c, op: { op: 'filter', schema: c.op.schema, input: c.op, predicate: bindExpr(p.predicate, c.fields) } };
    }
    case 'aggregate':
      return planAggregate(p, ctx.plan(p.input), ctx);
    case 'join':
      return planJoin(p, ctx.plan(p.left), ctx.plan(p.right), ctx);
    case 'sort':
      return planSort(p, undefined, ctx);
    case 'limit':
      return planLimit(p, ctx);
    case 'distinct':
      return dedup(ctx.plan(p.input), [], ctx);
    case 'dropDuplicates':
      return dedup(ctx.plan(p.input), p.keys, ctx);
    case 'union':
      return planUnion(p.inputs.map((i) => ctx.plan(i)), p.all, ctx);
    case 'repartition': {
      const c = ctx.plan(p.input);
      const keys = p.keys.map((k) => bindExpr(k, c.fields));
      return exchange(c, keys.length ? { kind: 'hash', keys, numPartitions: p.numPartitions } : { kind: 'roundRobin', numPartitions: p.numPartitions }, ctx);
    }
    case 'cache':
      return planCache(p, ctx);
  }
}

function planScan(p: Extract<LogicalPlan, { kind: 'scan' }>, ctx: PlannerContext): Planned {
  const src = p.source;
  const all: QField[] = p.schema.fields.map((f) => ({ ...f, qualifier: src.name }));
  if (src.kind === 'files') {
    const { partitions, fileSchema } = ctx.fileScan(src);
    const fields = p.projection ? p.projection.map((n) => all.find((f) => f.name === n)!) : all;
    const op: PhysOp = { op: 'scan', schema: toSchema(fields), scan: { kind: 'files', format: src.format, options: src.options, fileSchema, projection: p.projection ?? null, filters: p.filters, partitions } };
    return { op, fields, deps: [], numPartitions: Math.max(1, partitions.length), dist: { kind: 'unknown' } };
  }
  const base: Planned =
    src.kind === 'memory'
      ? { op: { op: 'scan', schema: toSchema(all), scan: { kind: 'memory', partitions: src.partitions } }, fields: all, deps: [], numPartitions: Math.max(1, src.partitions.length), dist: { kind: 'unknown' } }
      : { op: { op: 'records', schema: toSchema(all), dep: 0 }, fields: all, deps: [{ type: 'narrow', node: src.node }], numPartitions: src.node.numPartitions, dist: { kind: 'unknown' } };
  if (!p.projection) return base;
  return project(base, p.projection.map((n) => ({ kind: 'column', name: n })));
}

/** A projection: each expression one output column (its alias or default name; bare columns keep their qualifier). */
export function project(c: Planned, exprs: ExprNode[]): Planned {
  const schema = toSchema(c.fields);
  const bound = exprs.map((e) => bindExpr(stripAlias(e), c.fields));
  const fields: QField[] = exprs.map((e, i) => {
    const b = bound[i]!;
    const name = e.kind === 'alias' ? e.name : defaultName(e);
    const qualifier = e.kind === 'column' ? c.fields[b.kind === 'column' ? b.index! : -1]?.qualifier : undefined;
    return { name, qualifier, type: inferType(b, schema), nullable: inferNullable(b, schema) };
  });
  const keep = c.dist.kind === 'single' ? c.dist : { kind: 'unknown' as const };
  return { op: { op: 'project', schema: toSchema(fields), input: c.op, exprs: bound }, fields, deps: c.deps, numPartitions: c.numPartitions, dist: keep };
}

function sortKeys(p: Extract<LogicalPlan, { kind: 'sort' }>, c: Planned) {
  return p.keys.map((k) => ({ expr: bindExpr(k.expr, c.fields), ascending: k.ascending, nullsFirst: k.nullsFirst }));
}

/** A global sort: one partition (a top-k in every input partition first when a limit follows). */
function planSort(p: Extract<LogicalPlan, { kind: 'sort' }>, limit: number | undefined, ctx: PlannerContext): Planned {
  let c = ctx.plan(p.input);
  const keys = sortKeys(p, c);
  if (limit !== undefined && c.numPartitions > 1) c = { ...c, op: { op: 'sort', schema: c.op.schema, input: c.op, keys, limit } };
  c = toSingle(c, ctx);
  return { ...c, op: { op: 'sort', schema: c.op.schema, input: c.op, keys: sortKeys(p, c), limit } };
}

function planLimit(p: Extract<LogicalPlan, { kind: 'limit' }>, ctx: PlannerContext): Planned {
  const keep = p.n + p.offset;
  let c: Planned;
  if (p.input.kind === 'sort') c = planSort(p.input, keep, ctx);
  else {
    c = ctx.plan(p.input);
    if (c.numPartitions > 1) c = toSingle({ ...c, op: { op: 'limit', schema: c.op.schema, input: c.op, n: keep, offset: 0 } }, ctx);
  }
  return { ...c, op: { op: 'limit', schema: c.op.schema, input: c.op, n: p.n, offset: p.offset } };
}

/** DISTINCT / dropDuplicates: rows hashed by their keys to one partition, where the first of each key is kept. */
function dedup(c: Planned, keyNames: string[], ctx: PlannerContext): Planned {
  const keys = keyNames.length ? keyNames.map((n) => bindExpr({ kind: 'column', name: n }, c.fields)) : c.fields.map((_, i) => columnAt(c.fields, i));
  let input = c;
  if (!satisfiesHash(c.dist, keys) && c.dist.kind !== 'single') input = c.numPartitions === 1 ? c : exchange(c, { kind: 'hash', keys, numPartitions: ctx.shufflePartitions }, ctx);
  return { ...input, op: { op: 'dedup', schema: input.op.schema, input: input.op, keys } };
}

function planUnion(inputs: Planned[], all: boolean, ctx: PlannerContext): Planned {
  let acc: Planned = inputs[0]!;
  const ops: PhysOp[] = [acc.op];
  for (const next of inputs.slice(1)) {
    const m = mergeDeps(acc, next);
    ops.push(m.right);
    acc = { ...acc, deps: m.deps };
  }
  const fields = inputs[0]!.fields.map((f, i) => ({ ...f, qualifier: undefined, nullable: inputs.some((x) => x.fields[i]!.nullable) }));
  const u: Planned = {
    op: { op: 'union', schema: toSchema(fields), inputs: ops, partitions: inputs.map((x) => x.numPartitions) },
    fields,
    deps: acc.deps,
    numPartitions: inputs.reduce((n, x) => n + x.numPartitions, 0),
    dist: { kind: 'unknown' },
  };
  return all ? u : dedup(u, [], ctx);
}

function planCache(p: Extract<LogicalPlan, { kind: 'cache' }>, ctx: PlannerContext): Planned {
  const { node, fields, dist } = ctx.cachedStage(p.id, () => {
    const c = ctx.plan(p.input);
    return { node: { ...stageNode(c, ctx), cached: true, op: 'cache' }, fields: c.fields, dist: c.dist };
  });
  return { op: { op: 'cached', schema: toSchema(fields), dep: 0 }, fields, deps: [{ type: 'narrow', node }], numPartitions: node.numPartitions, dist };
}
