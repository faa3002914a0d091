import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HashPartitioner, type SluiceEvent } from '../../src/index.js';
import { forEachBackend } from '../conformance/backends.js';
import { canon } from '../conformance/reference.js';

forEachBackend((_name, getSession) => {
  test('joining datasets hash-partitioned the same way reads them without a new shuffle', async () => {
    const s = getSession();
    const left = s.parallelize([[1, 'a'], [2, 'b'], [3, 'c'], [1, 'd']] as Array<[number, string]>, 3).partitionBy(new HashPartitioner(4)).cache();
    const right = left.mapValues((v) => v.toUpperCase()); // keeps the partitioning
    await left.count();
    const stages: string[] = [];
    const off = s.on((e: SluiceEvent) => {
      if (e.type === 'stageSubmitted') stages.push(e.name);
    });
    const joined = await left.join(right).collect();
    off();
    assert.deepEqual(canon(joined), canon([
      [1, ['a', 'A']], [1, ['a', 'D']], [1, ['d', 'A']], [1, ['d', 'D']], [2, ['b', 'B']], [3, ['c', 'C']],
    ]));
    // One stage: both sides come from the cached partitions, nothing is shuffled.
    assert.equal(stages.length, 1, `stages run: ${stages.join(' | ')}`);
    assert.match(left.join(right).toDebugString(), /cogroup/);
    assert.doesNotMatch(left.join(right).toDebugString().split('partitionBy')[0]!, /shuffle/);
  });

  test('a join with a differently partitioned side shuffles only that side', async () => {
    const s = getSession();
    const left = s.parallelize([[1, 'a'], [2, 'b']] as Array<[number, string]>, 2).partitionBy(new HashPartitioner(3));
    const right = s.parallelize([[2, 'x'], [1, 'y'], [5, 'z']] as Array<[number, string]>, 2);
    assert.deepEqual(canon(await left.join(right, 3).collect()), canon([[1, ['a', 'y']], [2, ['b', 'x']]]));
    assert.deepEqual(canon(await left.fullOuterJoin(right, 5).collect()), canon([[1, ['a', 'y']], [2, ['b', 'x']], [5, [undefined, 'z']]]));
  });
});
