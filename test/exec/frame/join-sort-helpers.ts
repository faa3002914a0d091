/**
 * Test-only support for the join and sort operator tests: a FrameOpContext with
 * a tiny interpreter for bound expressions (columns, literals, comparisons,
 * and/or, arithmetic), tables from JS rows, and row-level canonical forms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch, ColumnVector } from '../../../src/frame/batch/vector.js';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import type { DataType, Schema } from '../../../src/frame/types.js';
import { MemoryBudget } from '../../../src/exec/memory-budget.js';
import type { FrameOpContext } from '../../../src/exec/frame/op-context.js';
import { zeroMetrics } from '../../../src/util/metrics.js';

export type Row = unknown[];

function evalRow(e: ExprNode, b: ColumnBatch, i: number): unknown {
  switch (e.kind) {
    case 'column':
      return getValue(b.columns[e.index!]!, i);
    case 'literal':
      return e.value;
    case 'binary': {
      const l = evalRow(e.left, b, i);
      const r = evalRow(e.right, b, i);
      if (e.op === 'and') return l === false || r === false ? false : l === null || r === null ? null : true;
      if (e.op === 'or') return l === true || r === true ? true : l === null || r === null ? null : false;
      if (l === null || r === null) return null;
      const a = l as number;
      const c = r as number;
      switch (e.op) {
        case '=': return a === c;
        case '!=': return a !== c;
        case '<': return a < c;
        case '<=': return a <= c;
        case '>': return a > c;
        case '>=': return a >= c;
        case '+': return a + c;
        case '-': return a - c;
        case '*': return a * c;
        default: throw new Error(`test compiler: unsupported op ${e.op}`);
      }
    }
    default:
      throw new Error(`test compiler: unsupported node ${e.kind}`);
  }
}

function typeOf(e: ExprNode, schema: Schema): DataType {
  if (e.kind === 'column') return schema.fields[e.index!]!.type;
  if (e.kind === 'literal') return e.type;
  if (e.kind === 'binary' && ['+', '-', '*'].includes(e.op)) return typeOf(e.left, schema);
  return 'bool';
}

/** Evaluates `e` row by row into a vector (slow, obviously correct). */
export function compileForTest(e: ExprNode, schema: Schema): (b: ColumnBatch) => ColumnVector {
  const t = typeOf(e, schema);
  return (b) => {
    if (e.kind === 'column') return b.columns[e.index!]!;
    const vals: unknown[] = [];
    for (let i = 0; i < b.numRows; i++) vals.push(evalRow(e, b, i));
    return vectorFromValues(t, vals);
  };
}

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
    compile: compileForTest,
    compilePredicate(e, schema) {
      const f = compileForTest(e, schema);
      return (b) => {
        const v = f(b);
        const sel: number[] = [];
        for (let i = 0; i < b.numRows; i++) if (getValue(v, i) === true) sel.push(i);
        return sel.length === b.numRows ? null : Int32Array.from(sel);
      };
    },
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

/** Rows as sorted JSON lines: a multiset to compare join results whose order is unspecified. */
export function canon(rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}
