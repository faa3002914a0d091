import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bround, lit, round } from '../../../src/frame/expr/functions.js';
import { roundDecimal } from '../../../src/frame/expr/decimal-round.js';
import { DuckOracle } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { batchOf, evalExpr } from './helpers.js';

/** round is HALF_UP and bround HALF_EVEN, on the decimal a double prints as (Spark's BigDecimal semantics). */

const one = batchOf({ k: ['int32', [0]] });
const value = (e: ReturnType<typeof round>): unknown => evalExpr(e, one)[0];

test("Spark's documented round and bround examples", () => {
  assert.equal(value(round(lit(2.5))), 3);
  assert.equal(value(round(lit(-2.5))), -3);
  assert.equal(value(bround(lit(2.5))), 2);
  assert.equal(value(bround(lit(3.5))), 4);
  assert.equal(value(bround(lit(-2.5))), -2);
  assert.equal(value(bround(lit(25), -1)), 20);
  assert.equal(value(round(lit(25), -1)), 30);
  assert.equal(value(round(lit(0.285), 2)), 0.29);
  assert.equal(value(bround(lit(0.285), 2)), 0.28);
  assert.equal(roundDecimal(1e-7, 3, false), 0);
  assert.equal(roundDecimal(1.5e300, 2, false), 1.5e300);
  assert.ok(Number.isNaN(roundDecimal(NaN, 0, true)));
});

/** Half to even of n / 1000 at `d` decimals (d <= 3), in exact integer arithmetic: a naive reference. */
function naiveHalfEven(n: number, d: number): number {
  const scale = 10 ** (3 - d);
  const q = Math.trunc(n / scale);
  const r = Math.abs(n - q * scale);
  const away = 2 * r > scale || (2 * r === scale && q % 2 !== 0);
  const m = away ? q + Math.sign(n) : q;
  return Number(`${m}e${-d}`) || 0;
}

test('round of generated decimals agrees with DuckDB DECIMAL round; bround with an exact naive reference', async () => {
  const rng = new Rng(9);
  const n = Array.from({ length: 1500 }, () => rng.below(200001) - 100000);
  const x = n.map((k) => k / 1000);
  const digits = [-2, -1, 0, 1, 2];
  const db = await DuckOracle.open({ threads: 1 });
  await db.load('t', { k: x.map((_, i) => i), x }, { k: 'int32', x: 'float64' });
  const batch = batchOf({ x: ['float64', x] });
  for (const d of digits) {
    const dec = 'CAST(CAST(x AS VARCHAR) AS DECIMAL(18, 3))';
    const rows = await db.query(`SELECT CAST(round(${dec}, ${d}) AS DOUBLE) AS up FROM t ORDER BY k`);
    const up = evalExpr(round('x', d), batch);
    const even = evalExpr(bround('x', d), batch);
    rows.forEach((r, i) => {
      assert.equal(up[i], r.up, `round(${x[i]}, ${d})`);
      assert.equal(even[i], naiveHalfEven(n[i]!, d), `bround(${x[i]}, ${d})`);
    });
  }
  db.close();
});
