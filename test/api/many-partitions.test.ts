/**
 * Many partitions, many files: answers at large partition counts compared with
 * a naive reference on every backend, and the work per job guarded by counting
 * what the driver hands to tasks (entries of task payloads), not by timing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { InlineBackend } from '../../src/backend/inline-backend.js';
import type { TaskPayload } from '../../src/exec/task.js';
import { col, count, Session, sum, type Dataset } from '../../src/index.js';
import { compareKeys } from '../../src/serde/keys.js';
import { forEachBackend } from '../conformance/backends.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-many-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `n` one-line files `f00000.txt`... in a fresh directory. */
function lineFiles(n: number): string {
  const dir = join(tmp, `files-${n}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${String(i).padStart(5, '0')}.txt`), `line ${i}\n`);
  return dir;
}

// ---------------------------------------------------------------- counting payload entries

/**
 * Values a structured clone of `v` visits: one per primitive, object and array
 * element (shared memory and typed arrays count one; an object seen twice in a
 * message is cloned once).
 */
function entries(v: unknown, seen = new Set<object>()): number {
  if (v === null || typeof v !== 'object') return 1;
  if (ArrayBuffer.isView(v) || v instanceof SharedArrayBuffer || v instanceof ArrayBuffer) return 1;
  if (seen.has(v)) return 0;
  seen.add(v);
  let n = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += entries(x, seen);
  return n;
}

/** Counts entries of every task message posted to worker threads while `run` runs. */
async function postedEntries(run: () => Promise<unknown>): Promise<number> {
  const original = Worker.prototype.postMessage;
  let total = 0;
  Worker.prototype.postMessage = function (this: Worker, msg: unknown, transfer?: readonly unknown[]) {
    if ((msg as { type?: string }).type === 'run') total += entries(msg);
    return original.call(this, msg, transfer as never);
  };
  try {
    await run();
  } finally {
    Worker.prototype.postMessage = original;
  }
  return total;
}

/** Counts entries of every payload the inline backend runs, but its pipeline (inline, nothing is copied). */
async function inlineEntries(run: () => Promise<unknown>): Promise<number> {
  const original = InlineBackend.prototype.launch;
  let total = 0;
  InlineBackend.prototype.launch = function (this: InlineBackend, worker: string, payload: TaskPayload) {
    total += entries({ ...payload, node: undefined });
    return original.call(this, worker, payload);
  };
  try {
    await run();
  } finally {
    InlineBackend.prototype.launch = original;
  }
  return total;
}

/** Jobs whose size grows with a partition count `p` (or file count): the work per job must grow about linearly. */
const JOBS: Record<string, (s: Session, p: number) => Promise<unknown>> = {
  reduceByKey: (s, p) => s.parallelize(pairs(100), p).reduceByKey((a, b) => a + b).collect(),
  'cached reduceByKey read twice': async (s, p) => {
    const r = s.parallelize(pairs(100), p).reduceByKey((a, b) => a + b).cache();
    await r.count();
    return r.collect();
  },
  'reduceByKey then coalesce': (s, p) => s.parallelize(pairs(100), p).reduceByKey((a, b) => a + b).coalesce(Math.max(1, p / 10)).collect(),
  'DataFrame groupBy': (s, p) => {
    s.setShufflePartitions(p);
    return s.createDataFrame(rows(100)).repartition(p).groupBy('k').agg(sum('v').as('s')).collect();
  },
  textFile: (s, p) => s.textFile(lineFiles(p)).count(),
};

function pairs(n: number): Array<[number, number]> {
  return Array.from({ length: n }, (_, i) => [i % 13, i]);
}
function rows(n: number): Array<{ k: number; v: number }> {
  return Array.from({ length: n }, (_, i) => ({ k: i % 13, v: i }));
}

for (const [master, measure] of [['local[2]', postedEntries], ['inline', inlineEntries]] as const) {
  test(`${master}: what tasks are given grows linearly with the number of partitions (4x partitions, under 6x entries)`, async () => {
    const s = await Session.local({ master });
    try {
      for (const [name, job] of Object.entries(JOBS)) {
        const small = await measure(() => job(s, 40));
        const large = await measure(() => job(s, 160));
        // Linear is 4x; a table of every map output per task (P^2 per stage, P^3 per job) is 16x-64x.
        assert.ok(large / small < 6, `${name}: ${small} entries at 40 partitions, ${large} at 160 (${(large / small).toFixed(1)}x)`);
      }
    } finally {
      await s.stop();
    }
  });
}

test('local[2]: a task message holds only what changes from task to task; its stage\'s pipeline and output go once per thread', async () => {
  const original = Worker.prototype.postMessage;
  const messages: Array<{ stage?: unknown; payload: { stageId: number; shuffleInputs?: unknown } }> = [];
  Worker.prototype.postMessage = function (this: Worker, msg: unknown, transfer?: readonly unknown[]) {
    if ((msg as { type?: string }).type === 'run') messages.push(msg as (typeof messages)[number]);
    return original.call(this, msg, transfer as never);
  };
  const s = await Session.local({ master: 'local[2]' });
  try {
    const got = await s.parallelize(pairs(100), 200).reduceByKey((a, b) => a + b).collect();
    assert.deepEqual(byKey(got), sumByKey(pairs(100)));
  } finally {
    Worker.prototype.postMessage = original;
    await s.stop();
  }
  assert.equal(messages.length, 400);
  // Two stages on two threads: at most 4 messages carry a pipeline with its stage's output.
  assert.ok(messages.filter((m) => m.stage).length <= 4);
  // A map task is its ids alone (before: ~40 entries with the output's function, the budget, the spill folder...).
  const mapTasks = messages.filter((m) => !m.stage && !m.payload.shuffleInputs);
  assert.ok(mapTasks.length >= 190);
  for (const m of mapTasks) {
    // Beside its ids, a task names where the blocks it reads are: here its parallelize slice, one of the driver's.
    const { blocks, ...rest } = m as typeof m & { blocks?: Record<string, unknown> };
    assert.ok(entries(rest) <= 12, `${entries(rest)} entries: ${JSON.stringify(rest)}`);
    assert.ok(Object.keys(blocks ?? {}).length <= 1, JSON.stringify(blocks));
  }
});

/** Blocks attached to map-task messages (tasks reading no stored input) while `run` runs on local[N]. */
async function blocksAttachedToMapTasks(run: () => Promise<unknown>): Promise<number> {
  const post = Worker.prototype.postMessage;
  let n = 0;
  Worker.prototype.postMessage = function (this: Worker, msg: unknown, transfer?: readonly unknown[]) {
    const m = msg as { type?: string; payload?: Partial<TaskPayload>; blocks?: Record<string, unknown> };
    if (m.type === 'run' && !m.payload?.shuffleInputs) n += Object.keys(m.blocks ?? {}).length;
    return post.call(this, msg, transfer as never);
  };
  try {
    await run();
  } finally {
    Worker.prototype.postMessage = post;
  }
  return n;
}

test('local[2]: the 500 freed map outputs of a query are not attached to the next query\'s map tasks', async () => {
  const s = await Session.local({ master: 'local[2]' });
  try {
    s.setShufflePartitions(500);
    const query = async (): Promise<void> => {
      const got = await s.createDataFrame(rows(100), { numPartitions: 500 }).groupBy('k').agg(sum('v').as('s')).collect();
      assert.equal(got.length, 13);
    };
    await query(); // its 500 map outputs are freed when it ends
    // A task carries where the blocks it reads are, and nothing else: map tasks of a memory table read none.
    assert.equal(await blocksAttachedToMapTasks(async () => (await query(), await query())), 0);
  } finally {
    await s.stop();
  }
});

// ---------------------------------------------------------------- answers at large partition counts

/** Sorted by key, for comparing multisets of pairs. */
const byKey = <T extends [unknown, unknown]>(xs: T[]): T[] => [...xs].sort((a, b) => compareKeys(a[0], b[0]) || compareKeys(a[1], b[1]));

function sumByKey(xs: Array<[number, number]>): Array<[number, number]> {
  const m = new Map<number, number>();
  for (const [k, v] of xs) m.set(k, (m.get(k) ?? 0) + v);
  return byKey([...m]);
}

/** Records whose keys spread over many partitions, some empty and some with several keys. */
const DATA: Array<[number, number]> = Array.from({ length: 3000 }, (_, i) => [(i * 7919) % 1200, i % 97]);

forEachBackend((_name, s) => {
  test('reduceByKey over 700 partitions gives the reference sums', async () => {
    const got = await s().parallelize(DATA, 700).reduceByKey((a, b) => a + b, undefined, 700).collect();
    assert.deepEqual(byKey(got), sumByKey(DATA));
  });

  test('reduceByKey, sortByKey and repartition into 3,000 partitions (map tasks keep buffers only for reducers they write to)', async () => {
    const got = await s().parallelize(DATA, 40).reduceByKey((a, b) => a + b, undefined, 3000).collect();
    assert.deepEqual(byKey(got), sumByKey(DATA));
    const sorted = await s().parallelize(DATA, 40).sortByKey(true, 2000).keys().collect();
    assert.deepEqual(sorted, DATA.map(([k]) => k).sort((a, b) => a - b));
    const moved = await s().parallelize(DATA, 40).repartition(2500).collect();
    assert.deepEqual(byKey(moved), byKey(DATA));
  });

  test('groupByKey and a join across 300 and 500 partitions', async () => {
    const left = s().parallelize(DATA, 300);
    const right = s().parallelize(DATA.filter(([k]) => k % 3 === 0).map(([k, v]) => [k, -v] as [number, number]), 500);
    const groups = await left.groupByKey().mapValues((vs) => vs.length).collect();
    const counts = new Map<number, number>();
    for (const [k] of DATA) counts.set(k, (counts.get(k) ?? 0) + 1);
    assert.deepEqual(byKey(groups), byKey([...counts]));
    const joined = await left.join(right).count();
    let expected = 0;
    for (const [k] of DATA) if (k % 3 === 0) expected += counts.get(k)!;
    assert.equal(joined, expected);
  });

  test('coalesce after a shuffle reads each shuffle partition once (no key lost or doubled)', async () => {
    const reduced = s().parallelize(DATA, 8).reduceByKey((a, b) => a + b, undefined, 400);
    assert.deepEqual(byKey(await reduced.coalesce(7).collect()), sumByKey(DATA));
    assert.deepEqual(byKey(await reduced.coalesce(1).collect()), sumByKey(DATA));
  });

  test('a union of shuffled datasets with different partition counts reads each side\'s own partitions', async () => {
    const a = s().parallelize(DATA, 5).reduceByKey((x, y) => x + y, undefined, 3);
    const b = s().parallelize(DATA, 5).reduceByKey((x, y) => x + y, undefined, 250);
    const got = await a.union(b).collect();
    assert.equal(got.length, 2 * sumByKey(DATA).length);
    assert.deepEqual(byKey(got), byKey([...sumByKey(DATA), ...sumByKey(DATA)]));
  });

  test('sortByKey over 300 partitions and a cached 600-partition shuffle read twice', async () => {
    const sorted = await s().parallelize(DATA, 40).sortByKey(true, 300).keys().collect();
    assert.deepEqual(sorted, DATA.map(([k]) => k).sort((a, b) => a - b));
    const cached: Dataset<[number, number]> = s().parallelize(DATA, 600).reduceByKey((a, b) => a + b).cache();
    assert.equal(await cached.count(), sumByKey(DATA).length);
    assert.deepEqual(byKey(await cached.collect()), sumByKey(DATA));
    cached.unpersist();
  });

  test('DataFrame groupBy, joins and a union over 400 shuffle partitions', async () => {
    s().setShufflePartitions(400);
    const df = s().createDataFrame(DATA.map(([k, v]) => ({ k, v })), { numPartitions: 50 });
    const got = await df.groupBy('k').agg(sum('v').as('s'), count('*').as('n')).collect();
    assert.deepEqual(byKey(got.map((r) => [r.k as number, Number(r.s)] as [number, number])), sumByKey(DATA));
    const other = s().createDataFrame(DATA.filter(([k]) => k % 3 === 0).map(([k, v]) => ({ k2: k, w: v })), { numPartitions: 30 });
    const inner = await df.join(other, col('k').eq(col('k2'))).count(); // small: a broadcast join
    const full = await df.join(other, col('k').eq(col('k2')), 'full').count(); // a shuffle join
    const counts = new Map<number, number>();
    for (const [k] of DATA) counts.set(k, (counts.get(k) ?? 0) + 1);
    let expected = 0;
    for (const [k, n] of counts) if (k % 3 === 0) expected += n * n;
    assert.equal(inner, expected);
    assert.equal(full, expected + DATA.filter(([k]) => k % 3 !== 0).length); // plus unmatched left rows
    const agg = df.groupBy('k').agg(count('*').as('n'));
    assert.equal(await agg.union(agg).count(), 2 * counts.size);
  });

  test('textFile over 300 one-line files reads every line once', async () => {
    const lines = await s().textFile(lineFiles(300)).collect();
    assert.deepEqual(lines.sort(), Array.from({ length: 300 }, (_, i) => `line ${i}`).sort());
  });
});
