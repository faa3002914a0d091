import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchBytes } from '../../../src/frame/batch/size.js';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import { sliceBatch } from '../../../src/frame/batch/batch.js';

test('batchBytes counts typed arrays, validity and dictionary strings', () => {
  const b = batchFromColumns({ i: [1, 2, null, 4], s: ['abcd', 'abcd', 'xy', 'abcd'] });
  const i = b.columns[0]!;
  const s = b.columns[1]!;
  const bytes = batchBytes(b);
  const fixed = i.values!.byteLength + i.validity!.byteLength + s.values!.byteLength;
  assert.ok(bytes > fixed + 2 * (4 + 2), `${bytes} should include the 6 dictionary characters`);
  assert.ok(bytes < fixed + 200);
});

test('batchBytes grows with list contents and with rows', () => {
  const short = batchFromColumns({ l: Array.from({ length: 100 }, () => [1]) });
  const long = batchFromColumns({ l: Array.from({ length: 100 }, () => Array.from({ length: 50 }, (_, k) => `v${k}`)) });
  assert.ok(batchBytes(long) > 10 * batchBytes(short));
  const big = batchFromColumns({ f: Array.from({ length: 1000 }, (_, k) => k / 3) });
  assert.equal(batchBytes(big), 8000);
  assert.equal(batchBytes(sliceBatch(big, 0, 10)), 80);
});
