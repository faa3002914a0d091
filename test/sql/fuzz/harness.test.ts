/**
 * The fuzzer's own parts: generation is deterministic per seed and stays within the features;
 * the shrinker keeps what makes a query fail and drops the rest; the TLP union and the result
 * comparison treat NULLs, floats and order as the runner expects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../frame/oracle/random.js';
import { compareOutcomes } from './compare-results.js';
import { withinFeatures } from './feature-check.js';
import { ALL_FEATURES, CI_FEATURES, parseFeatures } from './features.js';
import { QueryGen } from './query-gen.js';
import { shrink } from './shrink.js';
import { Printer, type Expr, type Query } from './sql-ast.js';
import { randomTables } from './table-gen.js';

const tables = randomTables(new Rng(1), 3);
const printer = new Printer(CI_FEATURES);
const generate = (seed: number): Query => new QueryGen(new Rng(seed), CI_FEATURES, tables).query();

test('the same seed generates the same query', () => {
  for (let seed = 0; seed < 50; seed++) assert.equal(printer.query(generate(seed)), printer.query(generate(seed)));
});

test('switched-off constructs are caught by the feature check', () => {
  const base = 'SELECT a1.i0a AS c1, a1.i1a AS c1 FROM t0 AS a1';
  // Two output columns of one name: on in CI and in `all`, off when its switch is.
  const repeated: Query = {
    k: 'select', distinct: false,
    items: [{ e: { k: 'col', t: 'int32', ref: 'a1.i0a' }, alias: 'c1' }, { e: { k: 'col', t: 'int32', ref: 'a1.i1a' }, alias: 'c1' }],
    from: [{ k: 'table', name: 't0', alias: 'a1' }],
  };
  assert.ok(printer.query(repeated).startsWith(base), printer.query(repeated));
  assert.equal(withinFeatures(repeated, CI_FEATURES), true);
  assert.equal(withinFeatures(repeated, ALL_FEATURES), true);
  assert.equal(withinFeatures(repeated, parseFeatures('-duplicateOutputNames')), false);
  // ln: a dialect difference DuckDB's text absorbs (its argument is NULL where ≤ 0).
  const ln: Expr = { k: 'fn', t: 'float64', name: 'ln', args: [{ k: 'col', t: 'float64', ref: 'a1.f0a' }] };
  assert.equal(printer.expr(ln), 'ln(a1.f0a)');
  assert.equal(new Printer(CI_FEATURES, 'duckdb').expr(ln), 'ln((CASE WHEN a1.f0a <= 0 THEN NULL ELSE a1.f0a END))');
  assert.throws(() => parseFeatures('noSuchFeature'), /unknown feature/);
});

test('the shrinker keeps the failing part and drops the rest', async () => {
  let checked = 0;
  for (let seed = 0; checked < 5 && seed < 200; seed++) {
    const q = generate(seed);
    const sql = printer.query(q);
    const m = /a\d+\.i0[abc]/.exec(sql);
    if (!m || sql.length < 200) continue;
    checked++;
    const fails = async (c: Query): Promise<boolean> => printer.query(c).includes(m[0]);
    const small = await shrink(q, fails, 2000);
    const out = printer.query(small);
    assert.ok(out.includes(m[0]), out);
    assert.ok(out.length < sql.length, `${out}\nis not shorter than\n${sql}`);
  }
  assert.equal(checked, 5);
});

test('results: NULLs equal NULLs, floats within tolerance, order only when asked, errors on one side differ', () => {
  const a = { rows: [{ x: 1, y: null }, { x: 0.1 + 0.2, y: 'b' }] };
  const b = { rows: [{ x: 0.3, y: 'b' }, { x: 1, y: null }] };
  assert.equal(compareOutcomes(a, b, false), undefined);
  assert.equal(compareOutcomes(a, b, true)?.kind, 'rows');
  assert.equal(compareOutcomes({ error: 'boom' }, b, false)?.kind, 'error-a');
  assert.equal(compareOutcomes({ error: 'x' }, { error: 'y' }, false), undefined);
  assert.equal(compareOutcomes({ rows: [{ x: 1 }] }, { rows: [{ x: 1 }, { x: 1 }] }, false)?.kind, 'rows');
});
