import { makeBatch, takeRows } from '../../frame/batch/batch.js';
import { getValue } from '../../frame/batch/values.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import { udfVector } from '../../frame/expr/udf-eval.js';
import { anyExpr, mapExpr } from '../../frame/logical/expr-utils.js';
import { physExprs, type PhysOp } from '../../frame/physical/ops.js';
import type { Schema } from '../../frame/types.js';
import type { FnSpec } from '../../serde/function-spec.js';
import { SluiceError } from '../../util/errors.js';
import { DEFAULT_CONCURRENCY, mapBounded } from '../async-calls.js';
import type { FrameOpContext } from './op-context.js';

/**
 * Async UDFs in a frame stage. The executor pulls batches synchronously, so an
 * operator whose expressions call an async UDF is taken apart for its task:
 *
 *     Project [f(x) + 1, y]          AsyncEval project [#0 + 1, y], awaiting #0 = f(x)
 *       Scan                    →      Scan
 *
 *     Sort [f(x)]                    Project [x, y]
 *       Scan                    →      Sort [#0]
 *                                        AsyncEval project [x, y, #0], awaiting #0 = f(x)
 *                                          Scan
 *
 * An AsyncEval (project or filter) evaluates, per input batch, each async call's
 * arguments columnar, calls the function per row with at most `concurrency`
 * calls pending, builds the column from the results in row order, and then
 * evaluates its expressions columnar over the input plus those columns. Inner
 * async calls (`f(g(x))`) resolve first. Its whole output is awaited before
 * the stage's synchronous pull starts (see frame-task), so the operators above
 * it run unchanged.
 */
export interface AsyncEval {
  kind: 'project' | 'filter';
  input: PhysOp;
  /** The async calls, in resolving order; call k becomes column `input width + k`, its arguments bound to the columns before it. */
  calls: Array<Extract<ExprNode, { kind: 'udf' }>>;
  /** Project: expressions over the widened input. Filter: the predicate over it (rows of the input pass). */
  exprs: ExprNode[];
  schema: Schema;
}

export type IsAsyncUdf = (spec: FnSpec) => boolean;

/** Whether an expression of `op` itself (not of its inputs) calls an async UDF. */
export function callsAsyncUdf(op: PhysOp, isAsync: IsAsyncUdf): boolean {
  return physExprs(op).some((e) => anyExpr(e, (x) => x.kind === 'udf' && isAsync(x.fn)));
}

/**
 * `op` (calling async UDFs, its input already free of them) split into the
 * AsyncEval to await and what then runs over the AsyncEval's output (`leaf`,
 * the node that stands for it): `rest(leaf)`. `replaces`: the AsyncEval's
 * output is op's own (a project or filter), so `rest` is the leaf itself.
 */
export function splitAsync(op: PhysOp, isAsync: IsAsyncUdf): { ev: AsyncEval; rest: (leaf: PhysOp) => PhysOp; replaces: boolean } {
  const width = widthOf(op);
  const calls: AsyncEval['calls'] = [];
  const lift = (e: ExprNode): ExprNode =>
    mapExpr(e, (x) => {
      if (x.kind !== 'udf' || !isAsync(x.fn)) return x;
      calls.push(x);
      return { kind: 'column', name: `${x.name}#${calls.length - 1}`, index: width + calls.length - 1 };
    });
  switch (op.op) {
    case 'project':
      return { ev: { kind: 'project', input: op.input, calls, exprs: op.exprs.map(lift), schema: op.schema }, rest: (leaf) => leaf, replaces: true };
    case 'filter':
      return { ev: { kind: 'filter', input: op.input, calls, exprs: [lift(op.predicate)], schema: op.schema }, rest: (leaf) => leaf, replaces: true };
    case 'hashAggregate':
    case 'sort':
    case 'dedup': {
      const lifted = withOpExprs(op, lift);
      const fields = [...op.input.schema.fields, ...calls.map((c, k) => ({ name: `${c.name}#${k}`, type: c.returnType, nullable: true }))];
      const keep = (n: number): ExprNode[] => fields.slice(0, n).map((f, i) => ({ kind: 'column', name: f.name, index: i }));
      const ev: AsyncEval = { kind: 'project', input: op.input, calls, exprs: keep(fields.length), schema: { fields } };
      // Sort and dedup pass their input's columns on: the awaited ones are dropped above them.
      const rest = (leaf: PhysOp): PhysOp => {
        if (op.op === 'hashAggregate') return { ...lifted, input: leaf } as PhysOp;
        const x = { ...lifted, input: leaf, schema: leaf.schema } as PhysOp;
        return { op: 'project', schema: op.schema, input: x, exprs: keep(width) };
      };
      return { ev, rest, replaces: false };
    }
    default:
      throw new SluiceError(
        `an async UDF cannot be awaited in a ${op.op === 'hashJoin' || op.op === 'nestedLoopJoin' ? 'join condition' : op.op}; ` +
          'compute it into a column first (withColumn) and use that column',
      );
  }
}

/**
 * An inner join whose residual condition (not its keys) calls an async UDF, as
 * a filter above the join without it: the same rows, and the filter can await.
 */
export function residualAsFilter(op: PhysOp, isAsync: IsAsyncUdf): PhysOp {
  if ((op.op !== 'hashJoin' && op.op !== 'nestedLoopJoin') || (op.type !== 'inner' && op.type !== 'cross') || !op.filter) return op;
  const join = { ...op, filter: null };
  if (callsAsyncUdf(join, isAsync)) return op;
  return { op: 'filter', schema: op.schema, input: join, predicate: op.filter };
}

/** Evaluates an AsyncEval over one input batch: awaits its calls, then its expressions. Empty filter output is null. */
export function asyncEvaluator(ev: AsyncEval, ctx: FrameOpContext, call: (spec: FnSpec) => (...args: unknown[]) => unknown): (b: ColumnBatch) => Promise<ColumnBatch | null> {
  const inFields = ev.input.schema.fields;
  const fields = [...inFields, ...ev.calls.map((c, k) => ({ name: `${c.name}#${k}`, type: c.returnType, nullable: true }))];
  const steps = ev.calls.map((c, k) => ({
    name: c.name,
    type: c.returnType,
    args: c.args.map((a) => ctx.compile(a, { fields: fields.slice(0, inFields.length + k) })),
    fn: call(c.fn),
    limit: c.fn.concurrency ?? DEFAULT_CONCURRENCY,
  }));
  const wide: Schema = { fields };
  const project = ev.kind === 'project' ? ev.exprs.map((e) => ctx.compile(e, wide)) : [];
  const select = ev.kind === 'filter' ? ctx.compilePredicate(ev.exprs[0]!, wide) : undefined;
  return async (b) => {
    const n = b.numRows;
    const columns = [...b.columns];
    for (let k = 0; k < steps.length; k++) {
      const s = steps[k]!;
      const sofar = { schema: { fields: fields.slice(0, columns.length) }, columns, numRows: n };
      const args = s.args.map((a) => a(sofar));
      const rows = new Array<number>(n);
      for (let i = 0; i < n; i++) rows[i] = i;
      const results = await mapBounded(rows, (i) => s.fn(...args.map((v) => getValue(v, i as number))), s.limit);
      columns.push(udfVector(s.name, s.type, results));
    }
    const w = makeBatch(wide, columns, n);
    if (select) {
      const sel = select(w);
      return sel === null ? b : sel.length ? takeRows(b, sel) : null;
    }
    return makeBatch(ev.schema, project.map((f) => f(w)), n);
  };
}

/** Columns of the input the expressions of `op` are bound to. */
function widthOf(op: PhysOp): number {
  return 'input' in op ? op.input.schema.fields.length : 0;
}

function withOpExprs(op: Extract<PhysOp, { op: 'hashAggregate' | 'sort' | 'dedup' }>, f: (e: ExprNode) => ExprNode): PhysOp {
  switch (op.op) {
    case 'hashAggregate':
      return { ...op, groupBy: op.groupBy.map(f), aggs: op.aggs.map((a) => ({ ...a, args: a.args.map(f) })) };
    case 'sort':
      return { ...op, keys: op.keys.map((k) => ({ ...k, expr: f(k.expr) })) };
    case 'dedup':
      return { ...op, keys: op.keys.map(f) };
  }
}
