/**
 * Jobs over data several times the memory budget complete with the right
 * result: ~50 MB of records through a 4 MB budget per worker on local[2], for a
 * many-key reduceByKey, a groupByKey, an external merge sort and a join. Each
 * job must actually spill (spilledBytes > 0 in its task metrics). Records are
 * generated on the workers by the same function the plain-JS reference uses.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session, type SluiceEvent } from '../../src/index.js';

const N = 400_000; // records of ~120 bytes: ~50 MB
const KEYS = 150_000;

/** Record i: a key and a ~110-character value (shipped to the workers in env). */
function gen(i: number): [number, string] {
  return [i % 150_000, `${String((i * 7919) % 1_000_003).padStart(7, '0')}|${'v'.repeat(90)}|${i}`];
}

/** A 32-bit string hash, for checksums computed on the workers and in the reference alike. */
function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

describe('spill: data many times the memory budget (local[2], 4 MB per worker)', () => {
  let s: Session;
  let spilled = 0;
  before(async () => {
    s = await Session.local({ master: 'local[2]', memory: '4m' });
    s.on((e: SluiceEvent) => {
      if (e.type === 'taskEnd' && e.ok && e.metrics) spilled += e.metrics.spilledBytes;
    });
  });
  after(async () => {
    await s.stop();
  });

  /** Runs `body` and returns its result and how many bytes its jobs spilled. */
  async function measure<T>(body: () => Promise<T>): Promise<{ result: T; spilledBytes: number }> {
    const start = spilled;
    const result = await body();
    return { result, spilledBytes: spilled - start };
  }

  const records = () => s.range(0, N, 1, 8).map((i, env) => env.gen(i), { gen });

  test('reduceByKey with many distinct keys', async (t) => {
    const { result, spilledBytes } = await measure(() => records().reduceByKey((a, b) => (a > b ? a : b), undefined, 6).collect());
    const expected = new Map<number, string>();
    for (let i = 0; i < N; i++) {
      const [k, v] = gen(i);
      const cur = expected.get(k);
      if (cur === undefined || v > cur) expected.set(k, v);
    }
    assert.equal(result.length, KEYS);
    for (const [k, v] of result) assert.equal(v, expected.get(k), `key ${k}`);
    assert.equal(new Set(result.map(([k]) => k)).size, KEYS, 'each key once');
    t.diagnostic(`spilled ${spilledBytes} bytes`);
    assert.ok(spilledBytes > 0, 'the job spilled');
  });

  test('groupByKey with big groups', async (t) => {
    const { result, spilledBytes } = await measure(() =>
      records()
        .map(([k, v]) => [k % 4000, v] as [number, string])
        .groupByKey(5)
        .mapValues((vs, env) => {
          let sum = 0;
          let min = vs[0]!;
          for (const v of vs) {
            sum = (sum + env.hash(v)) % 1_000_000_007;
            if (v < min) min = v;
          }
          return [vs.length, sum, min] as [number, number, string];
        }, { hash })
        .collect(),
    );
    const expected = new Map<number, [number, number, string]>();
    for (let i = 0; i < N; i++) {
      const [k0, v] = gen(i);
      const k = k0 % 4000;
      const cur = expected.get(k);
      if (!cur) expected.set(k, [1, hash(v) % 1_000_000_007, v]);
      else expected.set(k, [cur[0] + 1, (cur[1] + hash(v)) % 1_000_000_007, v < cur[2] ? v : cur[2]]);
    }
    assert.equal(result.length, 4000);
    for (const [k, got] of result) assert.deepEqual(got, expected.get(k), `group ${k}`);
    t.diagnostic(`spilled ${spilledBytes} bytes`);
    assert.ok(spilledBytes > 0, 'the job spilled');
  });

  test('sortBy (external merge sort)', async (t) => {
    const sorted = records()
      .map(([, v]) => v)
      .sortBy((v) => v, true, 6);
    // Summaries per partition, not 50 MB back to the driver: count, checksum, first, last, and whether it is in order.
    const { result: parts, spilledBytes } = await measure(() =>
      sorted
        .mapPartitionsWithIndex((p, it, env) => {
          let n = 0;
          let sum = 0;
          let first: string | undefined;
          let prev: string | undefined;
          let ordered = true;
          for (const v of it) {
            if (prev !== undefined && v < prev) ordered = false;
            if (first === undefined) first = v;
            prev = v;
            n++;
            sum = (sum + env.hash(v)) % 1_000_000_007;
          }
          return [[p, n, sum, first, prev, ordered] as [number, number, number, string | undefined, string | undefined, boolean]];
        }, { hash })
        .collect(),
    );
    let total = 0;
    let sum = 0;
    for (let i = 0; i < N; i++) sum = (sum + hash(gen(i)[1])) % 1_000_000_007;
    let prevLast: string | undefined;
    for (const [p, n, partSum, first, last, ordered] of parts.sort((a, b) => a[0] - b[0])) {
      assert.ok(ordered, `partition ${p} is sorted`);
      if (n > 0 && prevLast !== undefined) assert.ok(prevLast <= first!, `partition ${p} starts after the previous one ends`);
      if (n > 0) prevLast = last;
      total += n;
      sum = (sum - partSum + 1_000_000_007) % 1_000_000_007;
    }
    assert.equal(total, N);
    assert.equal(sum, 0, 'the same records (checksum)');
    assert.ok(parts.filter((p) => p[1] > 0).length >= 4, 'the range partitioner spread the data');
    const all = Array.from({ length: N }, (_, i) => gen(i)[1]).sort();
    assert.deepEqual(await sorted.take(5), all.slice(0, 5));
    t.diagnostic(`spilled ${spilledBytes} bytes`);
    assert.ok(spilledBytes > 0, 'the job spilled');
  });

  test('join of a big and a small side', async (t) => {
    const left = records(); // 400k records over 150k keys
    const right = s.range(0, KEYS, 2, 4).map((k) => [k, `right-${k}`] as [number, string]); // even keys only
    const { result, spilledBytes } = await measure(() =>
      left
        .join(right, 6)
        .map(([k, [v, w]], env) => (k + env.hash(v) + env.hash(w)) % 1_000_000_007, { hash })
        .aggregate([0, 0] as [number, number], (acc, x) => [acc[0] + 1, (acc[1] + x) % 1_000_000_007] as [number, number], (a, b) => [a[0] + b[0], (a[1] + b[1]) % 1_000_000_007] as [number, number]),
    );
    let count = 0;
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const [k, v] = gen(i);
      if (k % 2 !== 0) continue;
      count++;
      sum = (sum + ((k + hash(v) + hash(`right-${k}`)) % 1_000_000_007)) % 1_000_000_007;
    }
    assert.deepEqual(result, [count, sum]);
    t.diagnostic(`spilled ${spilledBytes} bytes`);
    assert.ok(spilledBytes > 0, 'the job spilled');
  });
});
