import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, udf } from '../../../src/frame/expr/functions.js';
import { compilePredicate, compileExpr } from '../../../src/frame/expr/compile.js';
import { FreeVariableError } from '../../../src/util/errors.js';
import { compileFunction } from '../../../src/serde/compile-function.js';
import { batchOf, evalExpr, valuesOf } from './helpers.js';

const b = batchOf({ x: ['int32', [1, 2, null, 4]], s: ['string', ['a', 'b', 'c', null]], d: ['date', [0, 1, 2, null]] });

test('a udf gets JS values (null, Date) and its env; results take the declared type', () => {
  const f = udf((x: number | null, s: string | null, env: { k: number }) => (x === null ? -1 : x * env.k + (s ?? '?').length), 'int', { k: 10 });
  assert.deepEqual(evalExpr(f('x', 's'), b), [11, 21, -1, 41]);
  const g = udf((d: Date | null) => (d ? d.toISOString().slice(0, 10) : null), 'string');
  assert.deepEqual(evalExpr(g(col('d')), b), ['1970-01-01', '1970-01-02', '1970-01-03', null]);
});

test('a udf using a variable it was not given fails at definition', () => {
  const k = 3;
  assert.throws(() => udf((x: number) => x * k, 'int'), FreeVariableError);
});

test('a udf returning the wrong type is a clear error; the task can supply the compiler', () => {
  const bad = udf((x: number) => `n${x}`, 'double');
  assert.throws(() => evalExpr(bad('x'), b), /udf .* returned string n1 at row 0, but was declared to return float64/);
  const calls: string[] = [];
  const f = udf((x: number) => x + 1, 'int');
  const run = compileExpr(f('x').node, b.schema, {
    udf: (spec) => {
      calls.push(spec.op);
      return compileFunction(spec) as (...a: unknown[]) => unknown;
    },
  });
  // UDFs see nulls (null + 1 is 1 in JS), as Spark UDFs do.
  assert.deepEqual(valuesOf(run(b)), [2, 3, 1, 5]);
  assert.deepEqual(calls, ['udf']);
});

test('compilePredicate selects rows where the predicate is true; null is false; all rows gives null', () => {
  assert.deepEqual(Array.from(compilePredicate(col('x').gt(1).node, b.schema)(b)!), [1, 3]);
  assert.equal(compilePredicate(col('x').gt(1).or(col('x').isNull()).or(col('x').le(1)).node, b.schema)(b), null);
  assert.deepEqual(Array.from(compilePredicate(col('s').eq('zzz').node, b.schema)(b)!), []);
  assert.throws(() => compilePredicate(col('x').node, b.schema), /filter condition must be boolean, got int32: x/);
});

test('unknown columns and functions name the alternatives; aggregates cannot be evaluated per row', () => {
  assert.throws(() => compileExpr(col('nope').node, b.schema), /column "nope" not found among: x, s, d/);
  assert.throws(() => compileExpr({ kind: 'call', fn: 'frobnicate', args: [] }, b.schema), /unknown function frobnicate\(\); known functions: .*lower/);
  assert.throws(() => compileExpr({ kind: 'call', fn: 'lower', args: [] }, b.schema), /lower\(s\) takes 1 argument\(s\), got 0/);
  assert.throws(() => compileExpr({ kind: 'agg', fn: 'sum', args: [col('x').node], distinct: false, params: [] }, b.schema), /aggregate sum\(x\)/);
});

test('bound columns use their index', () => {
  const node = { kind: 'column' as const, name: 'whatever', index: 1 };
  assert.deepEqual(valuesOf(compileExpr(node, b.schema)(b)), ['a', 'b', 'c', null]);
});
