import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PhysOp } from '../../../src/frame/physical/ops.js';
import type { Schema } from '../../../src/frame/types.js';
import { dedup } from '../../../src/exec/frame/dedup.js';
import { batchOf, col, makeCtx, rowsOf, schemaOf } from './agg-fixtures.js';

const schema = schemaOf({ a: 'string', b: 'int32', c: 'float64' });

function op(keys: string[], s: Schema = schema): Extract<PhysOp, { op: 'dedup' }> {
  return { op: 'dedup', schema: s, input: { op: 'exchange', schema: s, dep: 0, broadcast: false }, keys: keys.map((k) => col(s, k)) };
}

test('keeps the first row of each key combination, in input order, across batches', () => {
  const row = fc.tuple(fc.option(fc.constantFrom('x', 'y'), { nil: null }), fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }), fc.integer({ min: 0, max: 3 }));
  fc.assert(
    fc.property(fc.array(fc.array(row, { maxLength: 20 }), { maxLength: 4 }), fc.constantFrom<string[]>([], ['a'], ['b', 'a'], ['c']), (batches, keys) => {
      const idx = (keys.length ? keys : ['a', 'b', 'c']).map((k) => schema.fields.findIndex((f) => f.name === k));
      const seen = new Set<string>();
      const expected = batches.flat().filter((r) => {
        const k = JSON.stringify(idx.map((i) => r[i]));
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      const out = rowsOf(dedup(op(keys), batches.map((b) => batchOf(schema, b)), makeCtx()));
      assert.deepEqual(out, expected);
    }),
    { numRuns: 60 },
  );
});

test('reserves its key table from the budget and releases it at the end', () => {
  const ctx = makeCtx();
  const rows = Array.from({ length: 5000 }, (_, i) => [`k${i % 2000}`, i % 3, i]);
  const it = dedup(op(['a']), [batchOf(schema, rows)], ctx)[Symbol.iterator]();
  assert.equal(it.next().value!.numRows, 2000);
  assert.ok(ctx.budget.used() > 0);
  assert.equal(it.next().done, true);
  assert.equal(ctx.budget.used(), 0);
});
