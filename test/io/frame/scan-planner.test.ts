import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { planTextSplits } from '../../../src/io/text-splits.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-scan-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Calls of fs.statSync while `run` runs (the ESM bindings of node:fs follow the patched object). */
function countStats<T>(run: () => T): { result: T; stats: number } {
  const original = fs.statSync;
  let stats = 0;
  const writable = fs as { statSync: typeof original };
  writable.statSync = ((...args: Parameters<typeof original>) => {
    stats++;
    return original(...args);
  }) as typeof original;
  syncBuiltinESMExports();
  try {
    return { result: run(), stats };
  } finally {
    writable.statSync = original;
    syncBuiltinESMExports();
  }
}

test('planning a scan of N small files looks at each file once, and finds every file', () => {
  for (const n of [20, 80]) {
    const dir = join(tmp, `csv-${n}`);
    mkdirSync(dir);
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `f${String(i).padStart(3, '0')}.csv`), `k,v\n${i},${i * 2}\n`);
    for (const paths of [dir, `${dir}/*.csv`]) {
      const { result, stats } = countStats(() => planFileScan('csv', paths, { header: true }));
      const files = new Set(result.partitions.flat().map((u) => (u as { split: { path: string } }).split.path));
      assert.equal(files.size, n);
      // Before: the listing, then the split planner's expansion and its own stat: 3 per file.
      assert.ok(stats <= n + 8, `${stats} stats for ${n} files (${paths})`);
    }
    const { result, stats } = countStats(() => planTextSplits(dir));
    assert.equal(result.length, n);
    assert.ok(stats <= n + 8, `textFile: ${stats} stats for ${n} files`);
  }
});

test('files in hive folders get their folder\'s partition values, worked out once per folder', async () => {
  const pathModule = (await import('node:path')).default as { relative: (a: string, b: string) => string };
  const dir = join(tmp, 'hive');
  for (const y of [2023, 2024]) {
    for (const m of ['a', 'b']) {
      mkdirSync(join(dir, `year=${y}`, `m=${m}`), { recursive: true });
      for (let i = 0; i < 50; i++) writeFileSync(join(dir, `year=${y}`, `m=${m}`, `f${i}.csv`), `k\n${i}\n`);
    }
  }
  const original = pathModule.relative;
  let calls = 0;
  pathModule.relative = (a, b) => {
    calls++;
    return original(a, b);
  };
  syncBuiltinESMExports();
  try {
    const plan = planFileScan('csv', dir, {});
    const units = plan.partitions.flat() as Array<{ split: { path: string }; partitionValues: string[] }>;
    assert.equal(units.length, 200);
    for (const u of units) assert.deepEqual(u.partitionValues, /year=(\d+)\/m=(\w)/.exec(u.split.path)!.slice(1));
    assert.deepEqual(plan.schema.fields.map((f) => f.name), ['k', 'year', 'm']);
  } finally {
    pathModule.relative = original;
    syncBuiltinESMExports();
  }
  assert.ok(calls <= 4 + 2, `${calls} path.relative calls for 200 files in 4 folders`);
});
