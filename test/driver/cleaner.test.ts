import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const index = fileURLToPath(new URL('../../src/index.js', import.meta.url));

/**
 * A job script: `job()` (written by the caller, using `s`) returns two counts;
 * the script prints them with the number of spill files right after the job and
 * after collecting garbage for up to a second. Garbage collection is only
 * observable with --expose-gc, so the script runs in a child process.
 */
function jobScript(imports: string, job: string): string {
  return `
import { ${imports} } from ${JSON.stringify(index)};
import { readdirSync } from 'node:fs';
const s = await Session.local({ master: 'local[2]', memory: '64k' });
const spillDir = s.engine.driver.spillDir;
const files = () => readdirSync(spillDir).length;
${job}
const [a, b] = await job();
const during = files();
for (let i = 0; i < 20 && files() > 0; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 50));
}
console.log(JSON.stringify({ a, b, during, after: files() }));
await s.stop();
`;
}

const script = jobScript(
  'Session',
  `async function job() {
  const counts = s.range(0, 20000, 1, 4).map((x) => [x % 5000, 1]).reduceByKey((a, b) => a + b).cache();
  return [await counts.count(), await counts.count()];
}`,
);

/** Runs a job script in a child process with --expose-gc and checks that its spill files were there, then gone. */
function checkFreed(body: string, what: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cleaner-'));
  const file = join(dir, 'job.mjs');
  writeFileSync(file, body);
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 60_000 });
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { a: number; b: number; during: number; after: number };
  assert.equal(out.a, 5000);
  assert.equal(out.b, 5000);
  assert.ok(out.during > 0, 'with a 64 KiB budget the shuffle blocks and cached partitions are files');
  assert.equal(out.after, 0, `the files are deleted once nothing refers to the ${what}`);
}

test('blocks of shuffles and cached partitions nothing can reach are freed after garbage collection', () => {
  checkFreed(script, 'datasets');
});

// The same for DataFrames: a query's shuffles and a cache() nothing refers to any more.
const frameScript = jobScript(
  'Session, col, sum',
  `async function job() {
  const df = s.createDataFrame({ k: Array.from({ length: 20000 }, (_, i) => i % 5000), v: Array.from({ length: 20000 }, () => 1) }, { numPartitions: 4 });
  const sums = df.groupBy('k').agg(sum('v').as('s')).cache();
  return [await sums.count(), await sums.filter(col('s').eq(4)).count()];
}`,
);

test('DataFrame shuffles and caches nothing can reach are freed after garbage collection', () => {
  checkFreed(frameScript, 'DataFrames');
});
