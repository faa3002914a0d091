import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import { compileExpr, compilePredicate } from '../../../src/frame/expr/compile.js';
import type { AggFn, ExprNode } from '../../../src/frame/expr/expr-node.js';
import { resultTypeOfAgg } from '../../../src/frame/expr/infer-type.js';
import { aggStateFields } from '../../../src/frame/physical/agg-state.js';
import type { AggCall, PhysOp } from '../../../src/frame/physical/ops.js';
import type { DataType, Field, Schema } from '../../../src/frame/types.js';
import { MemoryBudget } from '../../../src/exec/memory-budget.js';
import type { FrameOpContext } from '../../../src/exec/frame/op-context.js';
import { hashAggregate } from '../../../src/exec/frame/hash-aggregate.js';
import { zeroMetrics } from '../../../src/util/metrics.js';

/** One temp directory per test process, removed on exit; each context gets a fresh subdirectory. */
const root = mkdtempSync(join(tmpdir(), 'sluice-agg-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

/** A FrameOpContext over a fresh budget and temp spill directory, compiling with the real expression compiler. */
export function makeCtx(budgetBytes = Infinity): FrameOpContext {
  return {
    budget: MemoryBudget.create(budgetBytes),
    spillDir: mkdtempSync(join(root, 'ctx-')),
    metrics: zeroMetrics(),
    partition: 0,
    compile: (e, s) => compileExpr(e, s),
    compilePredicate: (e, s) => compilePredicate(e, s),
  };
}

/** A bound column reference. */
export function col(schema: Schema, name: string): ExprNode {
  const index = schema.fields.findIndex((f) => f.name === name);
  if (index < 0) throw new Error(`no column ${name}`);
  return { kind: 'column', name, index };
}

export function schemaOf(cols: Record<string, DataType>): Schema {
  return { fields: Object.entries(cols).map(([name, type]) => ({ name, type, nullable: true })) };
}

/** One batch of `schema` from rows of JS values. */
export function batchOf(schema: Schema, rows: readonly unknown[][]): ColumnBatch {
  return { schema, columns: schema.fields.map((f, c) => vectorFromValues(f.type, rows.map((r) => r[c]))), numRows: rows.length };
}

/** Rows of JS values (getValue) of every batch. */
export function rowsOf(batches: Iterable<ColumnBatch>): unknown[][] {
  const out: unknown[][] = [];
  for (const b of batches) for (let i = 0; i < b.numRows; i++) out.push(b.columns.map((c) => getValue(c, i)));
  return out;
}

/** An aggregate call over the named columns. */
export function call(schema: Schema, fn: AggFn, args: string[], opts: { distinct?: boolean; params?: number[]; name?: string } = {}): AggCall {
  const name = opts.name ?? `${fn}${opts.distinct ? '_d' : ''}(${args.join(',')})`;
  return { fn, args: args.map((a) => col(schema, a)), distinct: opts.distinct ?? false, params: opts.params ?? [], name };
}

type AggOp = Extract<PhysOp, { op: 'hashAggregate' }>;

/** A single or partial hashAggregate over `input` grouped by the named columns. */
export function aggOp(mode: 'single' | 'partial', input: Schema, groupBy: string[], aggs: AggCall[]): AggOp {
  const keys: Field[] = groupBy.map((g) => input.fields.find((f) => f.name === g)!);
  const values: Field[] =
    mode === 'partial'
      ? aggs.flatMap((a) => aggStateFields(a, input))
      : aggs.map((a) => ({ name: a.name, type: resultType(a, input), nullable: true }));
  const source: PhysOp = { op: 'exchange', schema: input, dep: 0, broadcast: false };
  return { op: 'hashAggregate', schema: { fields: [...keys, ...values] }, input: source, mode, groupBy: groupBy.map((g) => col(input, g)), aggs };
}

/** The final hashAggregate reading the output of `partial`. */
export function finalOp(partial: AggOp, single: AggOp): AggOp {
  const k = partial.groupBy.length;
  const groupBy = partial.groupBy.map((_, i): ExprNode => ({ kind: 'column', name: partial.schema.fields[i]!.name, index: i }));
  return { ...single, mode: 'final', input: { op: 'exchange', schema: partial.schema, dep: 0, broadcast: false }, groupBy: groupBy.slice(0, k) };
}

function resultType(a: AggCall, input: Schema): DataType {
  const argType = a.args.length > 0 ? input.fields[(a.args[0] as { index: number }).index]!.type : 'null';
  return a.distinct && a.fn === 'avg' ? 'float64' : resultTypeOfAgg(a.fn, argType);
}

/** Runs single mode over `batches`. */
export function runSingle(op: AggOp, batches: ColumnBatch[], ctx = makeCtx()): unknown[][] {
  return rowsOf(hashAggregate(op, batches, ctx));
}

/** Runs partial mode over each partition, then final mode over all partial outputs (told how many, if `tellRows`, as over a shuffle). */
export function runTwoPhase(partial: AggOp, single: AggOp, partitions: ColumnBatch[][], ctx = makeCtx(), tellRows = false): unknown[][] {
  const states: ColumnBatch[] = [];
  for (const p of partitions) for (const b of hashAggregate(partial, p, ctx)) states.push(b);
  const rows = tellRows ? states.reduce((n, b) => n + b.numRows, 0) : undefined;
  return rowsOf(hashAggregate(finalOp(partial, single), states, ctx, rows));
}

/** Rows keyed by their first k values (JSON), for order-insensitive comparison. */
export function byKey(rows: unknown[][], k: number): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const r of rows) m.set(JSON.stringify(r.slice(0, k)), r.slice(k));
  return m;
}
