import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lit, ltrim, rtrim, trim } from '../../../src/frame/expr/functions.js';
import { DuckOracle } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { batchOf, evalExpr } from './helpers.js';

/** trim, ltrim, rtrim remove spaces only (Spark; JS String.trim also removes tabs, newlines, NBSP), or given characters. */

const one = batchOf({ k: ['int32', [0]] });
const value = (e: ReturnType<typeof trim>): unknown => evalExpr(e, one)[0];

test("Spark's trim examples: spaces only, or the given characters", () => {
  assert.equal(value(trim(lit('    SparkSQL   '))), 'SparkSQL');
  assert.equal(value(ltrim(lit('    SparkSQL   '))), 'SparkSQL   ');
  assert.equal(value(rtrim(lit('    SparkSQL   '))), '    SparkSQL');
  assert.equal(value(trim(lit('SSparkSQLS'), 'SL')), 'parkSQ');
  assert.equal(value(trim(lit('\tx\n'))), '\tx\n');
  assert.equal(value(trim(lit('\u00a0x '))), '\u00a0x');
  assert.equal(value(trim(lit('😀a😀'), '😀')), 'a');
});

test('trim of generated strings agrees with DuckDB trim/ltrim/rtrim (spaces, and given characters)', async () => {
  const rng = new Rng(17);
  // No NBSP here: DuckDB trims Unicode spaces, Spark only U+0020.
  const alphabet = [' ', ' ', 'a', 'x', '\t', '\n'];
  const s = Array.from({ length: 400 }, () => (rng.below(10) === 0 ? null : Array.from({ length: rng.below(7) }, () => alphabet[rng.below(alphabet.length)]).join('')));
  const db = await DuckOracle.open({ threads: 1 });
  await db.load('t', { k: s.map((_, i) => i), s }, { k: 'int32', s: 'string' });
  const batch = batchOf({ s: ['string', s] });
  const cases: [string, ReturnType<typeof trim>][] = [
    ['trim(s)', trim('s')], ['ltrim(s)', ltrim('s')], ['rtrim(s)', rtrim('s')],
    ["trim(s, 'x ')", trim('s', 'x ')], ["ltrim(s, 'ax')", ltrim('s', 'ax')], ["rtrim(s, chr(9))", rtrim('s', '\t')],
  ];
  for (const [sql, e] of cases) {
    const want = (await db.query(`SELECT ${sql} AS r FROM t ORDER BY k`)).map((r) => r.r);
    assert.deepEqual(evalExpr(e, batch), want, sql);
  }
  db.close();
});
