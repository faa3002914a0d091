/**
 * Conformance of the Dataset features around the operators, on every backend:
 * cache/unpersist, broadcasts, accumulators under retries, text and JSON-lines
 * sources (globs, gzip, malformed lines), and the typing of pair operators.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { importModule, Session, SluiceError, TaskFailedError, type Dataset, type SluiceEvent } from '../../src/index.js';
import { BACKENDS, forEachBackend } from './backends.js';
import * as ref from './reference.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-feat-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NUMS = Array.from({ length: 100 }, (_, i) => i);

/** node:fs on the worker, typed as the module it resolves to there. */
const workerFs = () => importModule('node:fs') as unknown as typeof import('node:fs');

// Input files shared by the suites (written once).
const inputs = join(tmp, 'inputs');
mkdirSync(inputs);
const aLines = Array.from({ length: 50 }, (_, i) => `a line ${i}`);
const bLines = Array.from({ length: 30 }, (_, i) => `b line ${i} ${'x'.repeat(i)}`);
const gzLines = Array.from({ length: 40 }, (_, i) => `gz line ${i}`);
writeFileSync(join(inputs, 'a.txt'), aLines.join('\n') + '\n');
writeFileSync(join(inputs, 'b.txt'), bLines.join('\n')); // no final newline
writeFileSync(join(inputs, 'c.txt.gz'), gzipSync(gzLines.join('\n') + '\n'));
writeFileSync(join(inputs, '_hidden.txt'), 'not data\n');
const big = Array.from({ length: 2000 }, (_, i) => `line ${String(i).padStart(5, '0')} ${'y'.repeat(i % 17)}`);
writeFileSync(join(tmp, 'big.txt'), big.join('\n') + '\n');

const json = join(tmp, 'json');
mkdirSync(json);
const good1 = [{ id: 1, tags: ['a'] }, { id: 2, tags: [] }, [1, 2], 'str', null];
writeFileSync(join(json, 'one.jsonl'), [JSON.stringify(good1[0]), JSON.stringify(good1[1]), '{"id": 3, broken', '', JSON.stringify(good1[2]), JSON.stringify(good1[3]), JSON.stringify(good1[4])].join('\n') + '\n');
writeFileSync(join(json, 'two.jsonl'), ['{"id": 10}', '   ', 'not json at all', '{"id": 11}'].join('\n'));
const goodFile = join(tmp, 'good.jsonl');
writeFileSync(goodFile, good1.map((x) => JSON.stringify(x)).join('\n') + '\n');

forEachBackend((name, s) => {
  test(`${name}: cache() keeps partitions: a second action does not recompute; unpersist() does`, async () => {
    const calls = s().accumulator(0);
    const ds = s().parallelize(NUMS, 4).map((x, env) => (env.calls.add(1), x + 1), { calls }).cache();
    assert.equal(await ds.count(), 100);
    assert.equal(calls.value, 100);
    assert.equal(await ds.count(), 100);
    assert.equal(calls.value, 100, 'second count reads the cache');
    assert.deepEqual(await ds.collect(), NUMS.map((x) => x + 1));
    const sums = await ds.map((x) => [x % 3, x] as const).reduceByKey((a, b) => a + b).collect();
    assert.deepEqual(ref.canon(sums), ref.canon(ref.reduceByKey(NUMS.map((x) => [(x + 1) % 3, x + 1] as [number, number]), (a, b) => a + b)));
    assert.equal(calls.value, 100, 'downstream jobs read the cache too');
    ds.unpersist();
    assert.equal(await ds.count(), 100);
    assert.equal(calls.value, 200, 'after unpersist the partitions are computed again');
    assert.equal(await ds.count(), 100);
    assert.equal(calls.value, 300, 'and are no longer kept');
  });

  test(`${name}: cache() after a shuffle; a partial take does not leave a broken cache`, async () => {
    const calls = s().accumulator(0);
    const grouped = s()
      .parallelize(NUMS, 3)
      .map((x, env) => (env.calls.add(1), [x % 5, x] as [number, number]), { calls })
      .groupByKey(2)
      .mapValues((vs) => vs.length)
      .cache();
    assert.equal((await grouped.take(1)).length, 1);
    const first = await grouped.collect();
    assert.deepEqual(ref.canon(first), [[0, 20], [1, 20], [2, 20], [3, 20], [4, 20]]);
    const before = calls.value;
    assert.equal(before, 100, 'the map stage ran once (its shuffle output is reused)');
    assert.deepEqual(ref.canon(await grouped.collect()), ref.canon(first));
    assert.equal(calls.value, before);
  });

  test(`${name}: broadcast values reach the tasks`, async () => {
    const names = s().broadcast(new Map<number, string>([[1, 'one'], [2, 'two'], [3, 'three']]));
    const got = await s().parallelize([1, 2, 3, 4], 3).map((x, env) => env.names.value.get(x) ?? 'none', { names }).collect();
    assert.deepEqual(got, ['one', 'two', 'three', 'none']);
    const table = s().broadcast(Array.from({ length: 10000 }, (_, i) => i * 2));
    const sum = await s().range(0, 10000, 1, 4).map((i, env) => env.table.value[i]!, { table }).reduce((a, b) => a + b);
    assert.equal(sum, 9999 * 10000);
    // the same broadcast in a second job and in a shuffle function
    const joined = await s().parallelize([[1, 10], [2, 20], [1, 5]] as Array<[number, number]>, 2).reduceByKey((a, b, env) => a + b + env.table.value[1]!, { table }).collect();
    assert.deepEqual(ref.canon(joined), [[1, 17], [2, 20]]);
    table.destroy();
    assert.throws(() => s().range(3).map((x, env) => env.table.value[x], { table }), SluiceError);
  });

  test(`${name}: accumulators count a task's adds once, even when an attempt fails and is retried`, async () => {
    const marker = join(tmp, `fail-once-${name}`);
    const acc = s().accumulator(0);
    const failures: SluiceEvent[] = [];
    const off = s().on((e) => void (e.type === 'taskEnd' && !e.ok && failures.push(e)));
    try {
      const out = await s()
        .parallelize(NUMS, 4)
        .map(
          (x, env) => {
            env.acc.add(1);
            // x = 60 is in the middle of partition 2: ten adds happen before the throw.
            if (x === env.trigger && !env.fs.existsSync(env.marker)) {
              env.fs.writeFileSync(env.marker, 'failed once');
              throw new Error('injected failure on the first attempt');
            }
            return x * 2;
          },
          { acc, fs: workerFs(), marker, trigger: 60 },
        )
        .collect();
      assert.deepEqual(out, NUMS.map((x) => x * 2));
    } finally {
      off();
    }
    assert.equal(failures.length, 1, 'exactly one attempt failed');
    assert.equal(failures[0]!.type === 'taskEnd' && failures[0]!.partition, 2);
    assert.equal(acc.value, 100, 'the failed attempt’s adds are not counted');
  });

  test(`${name}: textFile reads a glob of several files, including gzip`, async () => {
    // hidden files (_name, .name) are not data, as in Hadoop's input formats
    const all = await s().textFile(join(inputs, '*')).collect();
    assert.deepEqual(ref.canon(all), ref.canon([...aLines, ...bLines, ...gzLines]));
    const txt = await s().textFile(join(inputs, '*.txt')).collect();
    assert.deepEqual(ref.canon(txt), ref.canon([...aLines, ...bLines]));
    assert.deepEqual(await s().textFile(join(inputs, '_hidden.txt')).collect(), ['not data'], 'named explicitly, it is read');
    // a directory: its non-hidden files
    const dir = await s().textFile(inputs).collect();
    assert.deepEqual(ref.canon(dir), ref.canon([...aLines, ...bLines, ...gzLines]));
    // a list of paths, gzip alone
    assert.deepEqual(await s().textFile([join(inputs, 'c.txt.gz')]).collect(), gzLines);
    assert.equal(await s().textFile([join(inputs, 'a.txt'), join(inputs, 'c.txt.gz')]).count(), 90);
    assert.throws(() => s().textFile(join(inputs, 'nothing-*.csv')), /matches no files/);
  });

  test(`${name}: textFile splits a big file into line-aligned byte ranges`, async () => {
    const ds = s().textFile(join(tmp, 'big.txt'), { minPartitions: 5 });
    assert.ok(ds.numPartitions >= 5, `at least 5 splits, got ${ds.numPartitions}`);
    assert.deepEqual(await ds.collect(), big, 'every line once, in file order');
    const words = await ds.flatMap((l) => l.split(' ')).filter((w) => w.startsWith('y')).count();
    assert.equal(words, big.filter((l) => l.split(' ')[2]).length);
  });

  test(`${name}: jsonLines parses one value per line`, async () => {
    assert.deepEqual(await s().jsonLines(goodFile).collect(), good1);
    const typed: Dataset<{ id: number }> = s().jsonLines<{ id: number }>(join(json, 'two.jsonl'), { mode: 'permissive' });
    assert.deepEqual(await typed.map((r) => r.id).collect(), [10, 11]);
  });

  test(`${name}: jsonLines with a malformed line fails naming the file and line`, async () => {
    const bad = join(json, 'one.jsonl');
    await assert.rejects(s().jsonLines(bad).collect(), (e: unknown) => {
      assert.ok(e instanceof TaskFailedError, `a TaskFailedError, got ${String(e)}`);
      assert.ok(e.message.includes(`${bad}:3`), `message names file:line: ${e.message}`);
      assert.ok(e.info.message.includes(`${bad}:3`));
      assert.equal(e.info.errorName, 'InputError');
      return true;
    });
  });

  test(`${name}: jsonLines permissive mode drops malformed lines and counts them`, async () => {
    const dropped = s().accumulator(0);
    const recs = await s().jsonLines(join(json, '*.jsonl'), { mode: 'permissive', dropped }).collect();
    assert.deepEqual(ref.canon(recs), ref.canon([...good1, { id: 10 }, { id: 11 }]));
    assert.equal(dropped.value, 2, 'one bad line in each file; blank lines are not records and not dropped');
  });

  test(`${name}: pair operators type-check without casts`, async () => {
    const ds = s().parallelize([{ k: 'a' }, { k: 'b' }, { k: 'a' }], 2);
    // compiled by tsc with this file: literal types from `as const` widen to number
    const counts: Dataset<[string, number]> = ds.map((x) => [x.k, 1] as const).reduceByKey((a, b) => a + b);
    assert.deepEqual(ref.canon(await counts.collect()), [['a', 2], ['b', 1]]);
    const joined: Dataset<[string, [number, string]]> = counts.join(ds.map((x) => [x.k, x.k.toUpperCase()] as [string, string]));
    assert.equal(await joined.count(), 3);
    // @ts-expect-error reduceByKey needs a dataset of pairs
    assert.ok(s().parallelize([1, 2]).reduceByKey((a: number, b: number) => a + b));
  });
});

describe('cache beyond the memory budget', () => {
  for (const master of BACKENDS) {
    test(`${master}: cached partitions larger than the budget spill to disk and are still reused`, async () => {
      const s = await Session.local({ master, memory: '2m' });
      try {
        const calls = s.accumulator(0);
        const N = 100_000; // ~9 MB of strings over a 2 MB budget
        const ds = s.range(0, N, 1, 4).map((x, env) => (env.calls.add(1), `${x}-${'p'.repeat(80)}`), { calls }).cache();
        assert.equal(await ds.count(), N);
        assert.equal(calls.value, N);
        const all = await ds.collect();
        assert.equal(all.length, N);
        assert.ok(all.every((v, i) => v === `${i}-${'p'.repeat(80)}`));
        assert.equal(await ds.filter((v) => v.startsWith('5')).count(), all.filter((v) => v.startsWith('5')).length);
        assert.equal(calls.value, N, 'every later job read the cache');
        ds.unpersist();
        assert.equal(await ds.count(), N);
        assert.equal(calls.value, 2 * N);
      } finally {
        await s.stop();
      }
    });
  }
});
