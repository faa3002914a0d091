import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lit, log } from '../../../src/frame/expr/functions.js';
import { DuckOracle } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { batchOf, evalExpr } from './helpers.js';

/** Spark's log: log(x) is the natural logarithm, log(base, x) the logarithm to a base; null unless both are > 0. */

const one = batchOf({ k: ['int32', [0]] });

test("Spark's documented log examples", () => {
  assert.equal(evalExpr(log(10, 100), one)[0], 2);
  assert.equal(evalExpr(log(2, 8), one)[0], 3);
  assert.equal(evalExpr(log(Math.E), one)[0], 1);
  assert.equal(evalExpr(log(1), one)[0], 0);
  assert.deepEqual(evalExpr(log(0), one), [null]);
  assert.deepEqual(evalExpr(log(-1, 8), one), [null]);
  assert.deepEqual(evalExpr(log(lit(null)), one), [null]);
});

test('log of generated numbers agrees with DuckDB ln (guarded) and ln(x) / ln(b)', async () => {
  const rng = new Rng(3);
  const pick = (): number | null => (rng.below(10) === 0 ? null : rng.below(5) === 0 ? -rng.float() * 10 : rng.float() * 1000);
  const x = Array.from({ length: 500 }, pick);
  const b = Array.from({ length: 500 }, pick);
  const db = await DuckOracle.open({ threads: 1 });
  await db.load('t', { k: x.map((_, i) => i), x, b }, { k: 'int32', x: 'float64', b: 'float64' });
  const batch = batchOf({ x: ['float64', x], b: ['float64', b] });
  const close = (g: unknown, w: unknown): boolean => (g === null || w === null ? g === w : Math.abs((g as number) - (w as number)) <= 1e-12 * Math.max(1, Math.abs(w as number)));
  const natural = (await db.query('SELECT CASE WHEN x > 0 THEN ln(x) END AS r FROM t ORDER BY k')).map((r) => r.r);
  evalExpr(log('x'), batch).forEach((g, i) => assert.ok(close(g, natural[i]), `log(${x[i]}): ${g} vs ${natural[i]}`));
  const based = (await db.query('SELECT CASE WHEN x > 0 AND b > 0 THEN ln(x) / ln(b) END AS r FROM t ORDER BY k')).map((r) => r.r);
  evalExpr(log('b', 'x'), batch).forEach((g, i) => assert.ok(close(g, based[i]), `log(${b[i]}, ${x[i]}): ${g} vs ${based[i]}`));
  db.close();
});
