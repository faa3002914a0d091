/**
 * Packing files into partitions (Spark's openCostInBytes / maxPartitionBytes): the rule on random
 * units, the partitions a scan of many tiny files plans, and the rows read back compared with a
 * naive reference on inline and local[2].
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { packUnits, packUnitsEvenly, partitionBytes } from '../../../src/io/frame/scan-units.js';
import { forEachBackend } from '../../conformance/backends.js';
import { tempDir } from './scan-helpers.js';

const tmp = tempDir();
const MIB = 1024 * 1024;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Unit {
  file: string;
  bytes: number;
}

test('packUnits keeps the units in order, stays within the budget, and closes a partition only when the next unit does not fit', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const units: Unit[] = [];
    const n = Math.floor(r() * 40);
    for (let i = 0; i < n; i++) {
      // Runs of units of one file (row groups, splits) and files of every size around the budget.
      const file = r() < 0.3 && i > 0 ? units[i - 1]!.file : `f${i}`;
      units.push({ file, bytes: Math.floor(r() ** 3 * 3000) });
    }
    const maxBytes = 1 + Math.floor(r() * 2000);
    const openCost = r() < 0.2 ? 0 : Math.floor(r() * 500);
    const parts = packUnits(units, (u) => u.bytes, (u) => u.file, { maxBytes, openCost });
    assert.ok(parts.length >= 1);
    assert.deepEqual(parts.flat(), units, `seed ${seed}: every unit once, in order`);
    /** A partition's cost: bytes, plus an open per run of one file. */
    const cost = (p: Unit[]): number => p.reduce((s, u, i) => s + u.bytes + (i > 0 && p[i - 1]!.file === u.file ? 0 : openCost), 0);
    parts.forEach((p, i) => {
      if (units.length === 0) return assert.deepEqual(p, []);
      assert.ok(p.length > 0, `seed ${seed}: no empty partition`);
      const last = p[p.length - 1]!;
      // Spark's check: the bytes of the unit that joins, against what the partition holds before it.
      assert.ok(p.length === 1 || cost(p.slice(0, -1)) + last.bytes <= maxBytes, `seed ${seed}: partition ${i} over budget`);
      const next = parts[i + 1]?.[0];
      if (next) assert.ok(cost(p) + next.bytes > maxBytes, `seed ${seed}: partition ${i} closed though the next unit fit`);
    });
  }
});

test('partitionBytes spreads small inputs over the parallelism, within [openCost, splitBytes]', () => {
  assert.equal(partitionBytes([10, 10, 10], 32 * MIB, 4 * MIB, 2), Math.floor((30 + 12 * MIB) / 2));
  assert.equal(partitionBytes([100], 32 * MIB, 4 * MIB, 8), 4 * MIB); // never under the open cost
  assert.equal(partitionBytes(new Array(1000).fill(10), 32 * MIB, 4 * MIB, 2), 32 * MIB); // never over splitBytes
  assert.equal(partitionBytes([], 32 * MIB, 0, 2), 1);
});

/** `n` CSV files of `rows(i)` rows each (some only a header) in a fresh folder; returns it with the rows in file order. */
function csvFiles(name: string, n: number, rows: (i: number) => number): { dir: string; expected: Array<{ k: number; v: string }> } {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const expected: Array<{ k: number; v: string }> = [];
  for (let i = 0; i < n; i++) {
    const lines = ['k,v'];
    for (let j = 0; j < rows(i); j++) {
      const row = { k: i * 100 + j, v: `s${i}-${j}` };
      expected.push(row);
      lines.push(`${row.k},${row.v}`);
    }
    writeFileSync(join(dir, `f${String(i).padStart(5, '0')}.csv`), lines.join('\n') + '\n');
  }
  return { dir, expected };
}

test('a scan of N tiny files plans N/128 partitions with the default open cost (two for a few files), each a run of files in order', () => {
  for (const n of [1, 2, 7, 128, 255, 256, 257, 1000]) {
    const { dir } = csvFiles(`tiny-${n}`, n, () => 1);
    const plan = planFileScan('csv', dir, {}, { parallelism: 2 });
    // 256 KiB open cost per file, 32 MiB per partition: 128 files each (before: all N in one partition);
    // under 256 files, the total cost is spread over the 2 workers.
    assert.equal(plan.partitions.length, n === 1 ? 1 : n < 256 ? 2 : Math.ceil(n / 128), `${n} files`);
    const paths = plan.partitions.flat().map((u) => (u as { split: { path: string } }).split.path);
    assert.deepEqual(paths, [...paths].sort());
    assert.equal(new Set(paths).size, n);
  }
  const { dir } = csvFiles('tiny-options', 100, () => 1);
  // Bytes only: half the bytes each, and a rest when the files do not halve evenly.
  const spread = planFileScan('csv', dir, { openCostBytes: 0 }, { parallelism: 2 }).partitions.length;
  assert.ok(spread === 2 || spread === 3, `bytes only: ${spread} partitions`);
  assert.equal(planFileScan('csv', dir, { openCostBytes: 0 }).partitions.length, 1);
  assert.equal(planFileScan('csv', dir, { openCostBytes: 8 * MIB, splitBytes: 16 * MIB }, { parallelism: 2 }).partitions.length, 50);
  assert.equal(planFileScan('csv', dir, { openCostBytes: 4 * MIB }, { parallelism: 2 }).partitions.length, Math.ceil(100 / 8), "Spark's default");
  assert.throws(() => planFileScan('csv', dir, { openCostBytes: -1 }), /openCostBytes must be a number of bytes/);
  assert.throws(() => planFileScan('csv', dir, { splitBytes: 0 }), /splitBytes must be a number of bytes/);
});

test('one mid-sized file is cut so that both workers get a part; a small one stays whole', () => {
  const big = join(tmp, 'mid.csv');
  const row = 'x'.repeat(99);
  writeFileSync(big, `k\n${`${row}\n`.repeat(100_000)}`); // 10 MB
  const plan = planFileScan('csv', big, {}, { parallelism: 2 });
  assert.equal(plan.partitions.length, 2);
  const small = join(tmp, 'small.csv');
  writeFileSync(small, 'k\n1\n2\n');
  assert.equal(planFileScan('csv', small, {}, { parallelism: 2 }).partitions.length, 1);
});

forEachBackend((_name, s) => {
  test('read.csv and read.jsonLines of 300 small files (some header-only) give every row once, in file order', async () => {
    const r = rng(42);
    const sizes = Array.from({ length: 300 }, () => (r() < 0.2 ? 0 : 1 + Math.floor(r() * 4)));
    const { dir, expected } = csvFiles(`e2e-${_name.replace(/\W/g, '')}`, 300, (i) => sizes[i]!);
    const jdir = `${dir}-json`;
    mkdirSync(jdir);
    for (let i = 0; i < 300; i++) {
      const mine = expected.filter((x) => Math.floor(x.k / 100) === i);
      writeFileSync(join(jdir, `f${String(i).padStart(5, '0')}.jsonl`), mine.map((x) => JSON.stringify(x) + '\n').join(''));
    }
    for (const openCostBytes of [undefined, 0, 4 * MIB]) {
      const csv = s().read.csv(dir, { openCostBytes, schema: { k: 'int32', v: 'string' } });
      assert.deepEqual(await csv.collect(), expected, `csv, open cost ${openCostBytes}`);
      assert.equal(await csv.count(), expected.length);
      const json = s().read.jsonLines(jdir, { openCostBytes });
      assert.deepEqual((await json.collect()).map((x) => ({ k: Number(x.k), v: x.v })), expected, `json lines, open cost ${openCostBytes}`);
      assert.equal(await json.count(), expected.length);
    }
    // The default packs 128 files per partition: tasks for both workers, not one for all files.
    assert.equal(s().read.csv(dir).toDataset().numPartitions, Math.ceil(300 / 128));
  });
});

test('packUnitsEvenly makes a multiple of the parallelism of even partitions, in unit order, within maxBytes', () => {
  const file = (u: Unit) => u.file;
  const size = (u: Unit) => u.bytes;
  // 82 row groups of one file, about 2.6 MB each: plain packing at 32 MiB makes 7 partitions.
  const rand = rng(7);
  const groups: Unit[] = Array.from({ length: 82 }, () => ({ file: 'g.parquet', bytes: Math.round(2.4e6 + rand() * 4e5) }));
  const packing = { maxBytes: 32 * MIB, openCost: 256 * 1024 };
  assert.equal(packUnits(groups, size, file, packing).length, 7);
  for (const p of [2, 3, 4]) {
    const parts = packUnitsEvenly(groups, size, file, packing, p);
    assert.equal(parts.length % p, 0, `parallelism ${p}: ${parts.length} partitions`);
    assert.deepEqual(parts.flat(), groups, 'every unit once, in order');
    const costs = parts.map((part) => part.reduce((s, u) => s + u.bytes, 0));
    assert.ok(Math.max(...costs) <= packing.maxBytes);
    assert.ok(Math.max(...costs) - Math.min(...costs) <= 2 * 2.8e6, `even: ${costs}`);
  }
  // No change when one worker, when the count is already a multiple, or when there are few partitions.
  assert.deepEqual(packUnitsEvenly(groups, size, file, packing, 1), packUnits(groups, size, file, packing));
  assert.deepEqual(packUnitsEvenly(groups, size, file, packing, 7), packUnits(groups, size, file, packing));
  assert.deepEqual(packUnitsEvenly(groups, size, file, packing, 8), packUnits(groups, size, file, packing));
  // Random sizes and files: the same units in order, within maxBytes (single units aside), and either
  // a multiple of the parallelism or the plain packing.
  for (let trial = 0; trial < 300; trial++) {
    const r = rng(100 + trial);
    const units: Unit[] = Array.from({ length: 1 + Math.floor(r() * 60) }, () => ({ file: `f${Math.floor(r() * 4)}`, bytes: Math.floor(r() ** 3 * 40 * MIB) }));
    const pk = { maxBytes: (4 + r() * 40) * MIB, openCost: Math.floor(r() * 4 * MIB) };
    const p = 1 + Math.floor(r() * 4);
    const parts = packUnitsEvenly(units, size, file, pk, p);
    const plain = packUnits(units, size, file, pk);
    assert.deepEqual(parts.flat(), units);
    assert.ok(parts.length >= plain.length);
    if (parts.length !== plain.length) assert.equal(parts.length % p, 0);
    for (const part of parts) {
      let cost = 0;
      part.forEach((u, i) => (cost += u.bytes + (i === 0 || u.file !== part[i - 1]!.file ? pk.openCost : 0)));
      assert.ok(part.length === 1 || cost <= pk.maxBytes + pk.openCost, `trial ${trial}: ${cost} > ${pk.maxBytes}`);
    }
  }
});
