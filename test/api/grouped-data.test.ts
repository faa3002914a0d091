import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, col } from '../../src/index.js';

/** GroupedData shortcuts with no column names aggregate every numeric column, as in Spark (its documented example). */

let s: Session;
before(async () => {
  s = await Session.local({ master: 'inline' });
});
after(() => s.stop());

const rows = [
  { age: 2, name: 'Alice', height: 80 },
  { age: 3, name: 'Alice', height: 100 },
  { age: 5, name: 'Bob', height: 120 },
  { age: 10, name: 'Bob', height: 140 },
];
const df = () => s.createDataFrame(rows, { schema: { age: 'int32', name: 'string', height: 'float64' }, numPartitions: 2 });

test('groupBy(name).avg() averages every numeric column', async () => {
  const out = await df().groupBy('name').avg().orderBy(col('name').asc()).collect();
  assert.deepEqual(out, [
    { name: 'Alice', 'avg(age)': 2.5, 'avg(height)': 90 },
    { name: 'Bob', 'avg(age)': 7.5, 'avg(height)': 130 },
  ]);
});

test('groupBy().sum(), min(), max() with no names cover every numeric column; names still choose', async () => {
  assert.deepEqual(await df().groupBy().sum().collect(), [{ 'sum(age)': 20, 'sum(height)': 440 }]);
  assert.deepEqual(await df().groupBy().min().collect(), [{ 'min(age)': 2, 'min(height)': 80 }]);
  assert.deepEqual(await df().groupBy().max().collect(), [{ 'max(age)': 10, 'max(height)': 140 }]);
  assert.deepEqual(await df().groupBy().mean('age').collect(), [{ 'avg(age)': 5 }]);
});
