import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldBytes, batchBytes } from '../../../src/frame/batch/size.js';
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

test('HeldBytes counts a dictionary shared by several batches once', () => {
  const b = batchFromColumns({ s: Array.from({ length: 1000 }, (_, i) => `string-${i}`), n: Array.from({ length: 1000 }, (_, i) => i) });
  const parts = [sliceBatch(b, 0, 500), sliceBatch(b, 500, 1000)];
  const held = new HeldBytes();
  const first = held.add(parts[0]!);
  const second = held.add(parts[1]!);
  assert.equal(first, batchBytes(parts[0]!));
  assert.ok(second < batchBytes(parts[1]!) / 2, 'the second slice adds its values, not the dictionary again');
  assert.equal(held.total, first + second);
  held.clear();
  assert.equal(held.total, 0);
  assert.equal(held.add(parts[1]!), batchBytes(parts[1]!));
});
