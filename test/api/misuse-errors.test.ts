/**
 * Simple misuse gets a clear error at the call, naming the call and the argument, and leaves the
 * session usable: partition counts that are not positive integers, and createDataFrame of empty
 * data without a schema (Spark's rule: empty data needs a schema; with one, it is an empty frame).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromArrays } from 'apache-arrow';
import { HashPartitioner, RangePartitioner, Session, SluiceError, count, type Dataset } from '../../src/index.js';
import { checkPartitionCount } from '../../src/util/partition-count.js';

const BAD_RANGE: unknown[] = [0, -1, 2.5, NaN, Infinity, -Infinity];
const BAD_TYPE: unknown[] = ['2', null, true, [2], { n: 2 }, 2n];

/** Asserts `f` throws the right class for every bad value, with a message naming `call` and `argument`. */
function rejectsAll(f: (n: number) => unknown, call: string, argument = 'numPartitions'): void {
  for (const bad of BAD_RANGE) {
    assert.throws(() => f(bad as number), (e: unknown) => e instanceof RangeError && e.message.startsWith(`${call}: ${argument} must be a positive integer, got ${String(bad)}`), `${call}(${String(bad)})`);
  }
  for (const bad of BAD_TYPE) {
    assert.throws(() => f(bad as number), (e: unknown) => e instanceof TypeError && e.message.startsWith(`${call}: ${argument} must be a number`), `${call}(${typeof bad})`);
  }
}

test('checkPartitionCount accepts positive integers and describes what it rejects', () => {
  for (const n of [1, 2, 1000]) assert.equal(checkPartitionCount(n, 'f'), n);
  assert.throws(() => checkPartitionCount('2', 'f', 'k'), { name: 'TypeError', message: 'f: k must be a number, got "2"' });
  assert.throws(() => checkPartitionCount(undefined, 'f'), { message: 'f: numPartitions must be a number, got undefined' });
  assert.throws(() => checkPartitionCount(-1, 'f'), { name: 'RangeError', message: 'f: numPartitions must be a positive integer, got -1' });
});

describe('partition counts and empty data are checked at the call', () => {
  let s: Session;
  let dir: string;
  before(async () => {
    s = await Session.local({ master: 'local[2]' });
    dir = mkdtempSync(join(tmpdir(), 'sluice-misuse-'));
    writeFileSync(join(dir, 'a.txt'), 'x\ny\n');
    writeFileSync(join(dir, 'a.jsonl'), '{"a":1}\n');
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('sources: parallelize, range, textFile, jsonLines, createDataFrame, fromArrow, setShufflePartitions', async () => {
    rejectsAll((n) => s.parallelize([1, 2, 3], n), 'parallelize');
    rejectsAll((n) => s.range(0, 10, 1, n), 'range');
    rejectsAll((n) => s.textFile(join(dir, 'a.txt'), { minPartitions: n }), 'textFile', 'minPartitions');
    rejectsAll((n) => s.jsonLines(join(dir, 'a.jsonl'), { minPartitions: n }), 'jsonLines', 'minPartitions');
    rejectsAll((n) => s.createDataFrame([{ a: 1 }], { numPartitions: n }), 'createDataFrame');
    rejectsAll((n) => s.fromArrow(tableFromArrays({ a: Int32Array.from([1, 2]) }), { numPartitions: n }), 'fromArrow');
    rejectsAll((n) => s.setShufflePartitions(n), 'setShufflePartitions', 'n');
    assert.throws(() => s.parallelize('abc' as unknown as string[], 2), { name: 'TypeError', message: 'parallelize: data must be an array, got string' });
    assert.deepEqual(await s.parallelize([1, 2, 3], 3).collect(), [1, 2, 3], 'the session is still usable');
    assert.equal(await s.textFile(join(dir, 'a.txt'), { minPartitions: 3 }).count(), 2);
  });

  test('Dataset shuffles and partitioners: every numPartitions argument', () => {
    const pairs = s.parallelize<[string, number]>([['a', 1], ['b', 2]], 2);
    const ds: Dataset<number> = s.parallelize([1, 2, 3], 2);
    rejectsAll((n) => ds.repartition(n), 'repartition');
    rejectsAll((n) => ds.coalesce(n), 'coalesce');
    rejectsAll((n) => ds.coalesce(n, true), 'coalesce');
    rejectsAll((n) => ds.distinct(n), 'distinct');
    rejectsAll((n) => ds.sortBy((x) => x, true, n), 'sortBy');
    rejectsAll((n) => pairs.sortByKey(true, n), 'sortByKey');
    rejectsAll((n) => pairs.reduceByKey((a, b) => a + b, undefined, n), 'reduceByKey');
    rejectsAll((n) => pairs.foldByKey(0, (a, b) => a + b, undefined, n), 'foldByKey');
    rejectsAll((n) => pairs.aggregateByKey(0, (a, b) => a + b, (a, b) => a + b, undefined, n), 'aggregateByKey');
    rejectsAll((n) => pairs.groupByKey(n), 'groupByKey');
    rejectsAll((n) => pairs.cogroup(pairs, n), 'cogroup');
    rejectsAll((n) => pairs.join(pairs, n), 'join');
    rejectsAll((n) => pairs.leftOuterJoin(pairs, n), 'leftOuterJoin');
    rejectsAll((n) => pairs.rightOuterJoin(pairs, n), 'rightOuterJoin');
    rejectsAll((n) => pairs.fullOuterJoin(pairs, n), 'fullOuterJoin');
    rejectsAll((n) => new HashPartitioner(n), 'HashPartitioner');
    rejectsAll((n) => new RangePartitioner(n), 'RangePartitioner');
  });

  test('DataFrame repartition', () => {
    const df = s.createDataFrame([{ a: 1 }]);
    rejectsAll((n) => df.repartition(n), 'repartition', 'n');
  });

  test('createDataFrame of empty data needs a schema; with one it is an empty frame', async () => {
    const needsSchema = (e: unknown) => e instanceof SluiceError && /cannot infer a schema from empty data; give one: createDataFrame\(\[\], \{ schema:/.test(e.message);
    assert.throws(() => s.createDataFrame([]), needsSchema);
    assert.throws(() => s.createDataFrame({}), needsSchema);
    assert.throws(() => s.createDataFrame({ a: [], b: [] }), needsSchema);
    assert.throws(() => s.createDataFrame(null as unknown as []), /data must be an array of records or an object of columns, got null/);
    for (const parts of [1, 3]) {
      const empty = s.createDataFrame([], { schema: { a: 'int32', b: 'string' }, numPartitions: parts });
      assert.deepEqual(empty.schema.fields.map((f) => [f.name, f.type]), [['a', 'int32'], ['b', 'string']]);
      assert.deepEqual(await empty.collect(), []);
      assert.equal(await empty.count(), 0);
      assert.deepEqual(await empty.agg(count('*').as('n')).collect(), [{ n: 0 }]);
      assert.deepEqual(await empty.groupBy('b').count().collect(), []);
      assert.equal(await s.createDataFrame({ a: [] }, { schema: { a: 'float64' }, numPartitions: parts }).count(), 0);
    }
    assert.equal(await s.createDataFrame([{ a: 1 }]).count(), 1, 'the session is still usable');
  });
});
