/**
 * Support for the join and sort operator tests: a FrameOpContext over the real
 * expression compiler, tables from JS rows, and row-level canonical forms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashRows } from '../../../src/frame/batch/hash.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { compileExpr, compilePredicate } from '../../../src/frame/expr/compile.js';
import type { DataType, Schema } from '../../../src/frame/types.js';
import { MemoryBudget } from '../../../src/exec/memory-budget.js';
import type { FrameOpContext } from '../../../src/exec/frame/op-context.js';
import { zeroMetrics } from '../../../src/util/metrics.js';

export type Row = unknown[];

export interface TestCtx extends FrameOpContext {
  dispose(): void;
}

/** A context with a fresh budget of `limit` bytes, metrics and a temp spill dir. */
export function testCtx(limit = Infinity): TestCtx {
  const spillDir = mkdtempSync(join(tmpdir(), 'sluice-join-sort-'));
  return {
    budget: MemoryBudget.create(limit),
    spillDir,
    metrics: zeroMetrics(),
    partition: 0,
    compile: (e, schema) => compileExpr(e, schema),
    compilePredicate: (e, schema) => compilePredicate(e, schema),
    dispose: () => rmSync(spillDir, { recursive: true, force: true }),
  };
}

export const col = (index: number, name = `c${index}`): ExprNode => ({ kind: 'column', name, index });
export const bin = (op: '=' | '<' | '>' | '<=' | '>=' | '!=' | 'and' | '+', left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'binary', op, left, right });

/** A schema of nullable fields named after their types and positions. */
export function schemaOf(prefix: string, types: DataType[]): Schema {
  return { fields: types.map((type, i) => ({ name: `${prefix}${i}`, type, nullable: true })) };
}

/** Column batches of `rows`, cut at the given sizes (cycled). */
export function batchesOf(schema: Schema, rows: readonly Row[], sizes: readonly number[] = [rows.length || 1]): ColumnBatch[] {
  const out: ColumnBatch[] = [];
  let k = 0;
  for (let at = 0; at < rows.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    const part = rows.slice(at, at + n);
    at += n;
    out.push({ schema, numRows: part.length, columns: schema.fields.map((f, c) => vectorFromValues(f.type, part.map((r) => r[c]))) });
  }
  return out;
}

/** Every row of a stream as JS values (dates as numbers of ms). */
export function rowsOf(stream: Iterable<ColumnBatch>): Row[] {
  const out: Row[] = [];
  for (const b of stream) {
    for (let i = 0; i < b.numRows; i++) out.push(b.columns.map((c) => norm(getValue(c, i))));
  }
  return out;
}

function norm(v: unknown): unknown {
  return v instanceof Date ? v.getTime() : v;
}

/** One content hash per row, sorted: a cheap multiset fingerprint for large results. */
export function rowFingerprint(stream: Iterable<ColumnBatch>): Int32Array {
  const parts: Int32Array[] = [];
  let n = 0;
  for (const b of stream) {
    parts.push(hashRows(b.columns, b.numRows));
    n += b.numRows;
  }
  const out = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out.sort();
}

/** Rows as sorted JSON lines: a multiset to compare join results whose order is unspecified. */
export function canon(rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
