import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { PhysOp } from '../../../src/frame/physical/ops.js';
import { limitOp } from '../../../src/exec/frame/limit.js';
import { batchesOf, rowsOf, schemaOf } from './join-sort-helpers.js';

const S = schemaOf('c', ['int32', 'string']);
const limitOf = (n: number, offset: number): Extract<PhysOp, { op: 'limit' }> => ({ op: 'limit', schema: S, input: { op: 'scan', schema: S, scan: { kind: 'memory', partitions: [] } }, n, offset });

test('limit with offset returns rows [offset, offset + n) across batch boundaries (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 45 }), fc.integer({ min: 1, max: 8 }), (total, n, offset, size) => {
      const rows = Array.from({ length: total }, (_, i) => [i, `r${i}`]);
      const out = [...limitOp(limitOf(n, offset), batchesOf(S, rows, [size]))];
      assert.ok(out.every((b) => b.numRows > 0));
      assert.deepEqual(rowsOf(out), rows.slice(offset, offset + n));
    }),
    { numRuns: 200 },
  );
});

test('limit stops pulling its input once n rows are out, and closes it', () => {
  let pulled = 0;
  let closed = false;
  const batches = batchesOf(S, Array.from({ length: 100 }, (_, i) => [i, 'x']), [10]);
  function* input(): Generator<ColumnBatch> {
    try {
      for (const b of batches) {
        pulled++;
        yield b;
      }
    } finally {
      closed = true;
    }
  }
  assert.equal(rowsOf(limitOp(limitOf(15, 3), input())).length, 15);
  assert.equal(pulled, 2, 'only the batches holding rows 3..17');
  assert.equal(closed, true);
  let touched = false;
  const untouched = (function* () {
    touched = true;
    yield* batches;
  })();
  assert.deepEqual([...limitOp(limitOf(0, 0), untouched)], []);
  assert.equal(touched, false, 'limit 0 never pulls');
});

test('a negative limit is a clear error', () => {
  assert.throws(() => [...limitOp(limitOf(-1, 0), [])], /limit: invalid n -1/);
});
