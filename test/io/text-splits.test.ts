import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandInputPaths, planTextSplits } from '../../src/io/text-splits.js';
import { InputError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-splits-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const MIB = 1024 * 1024;

function file(rel: string, size: number): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, Buffer.alloc(size, 'a'));
  return p;
}

test('a 10 MiB file with minPartitions 4 gives 4 contiguous splits', () => {
  const p = file('big.txt', 10 * MIB);
  const splits = planTextSplits(p, { minPartitions: 4 });
  assert.equal(splits.length, 4);
  assert.equal(splits[0]!.start, 0);
  assert.equal(splits[3]!.end, 10 * MIB);
  for (let i = 1; i < 4; i++) assert.equal(splits[i]!.start, splits[i - 1]!.end);
  assert.ok(splits.every((s) => !s.gzip && s.fileSize === 10 * MIB && s.path === p));
});

test('maxSplitBytes caps the split size; minSplitBytes bounds it from below', () => {
  const p = file('cap.txt', 10 * MIB);
  assert.equal(planTextSplits(p, { maxSplitBytes: MIB }).length, 10);
  assert.equal(planTextSplits(p, { minPartitions: 100, minSplitBytes: 5 * MIB }).length, 2);
  assert.equal(planTextSplits(p).length, 1);
});

test('total splits reach minPartitions over several files', () => {
  const dir = path.join(tmp, 'multi');
  for (const [i, size] of [5, 1, 7, 3].entries()) file(`multi/f${i}.txt`, size);
  for (let m = 1; m <= 16; m++) assert.ok(planTextSplits(dir, { minPartitions: m }).length >= m, `minPartitions ${m}`);
});

test('gzip files are one split each and count towards minPartitions', () => {
  const dir = path.join(tmp, 'gz');
  file('gz/a.gz', 1000);
  file('gz/b.txt', 1000);
  const splits = planTextSplits(dir, { minPartitions: 3 });
  assert.deepEqual(
    splits.map((s) => [path.basename(s.path), s.gzip, s.start, s.end]),
    [
      ['a.gz', true, 0, 1000],
      ['b.txt', false, 0, 500],
      ['b.txt', false, 500, 1000],
    ],
  );
});

test('directories list non-hidden files, sorted, not recursive', () => {
  const dir = path.join(tmp, 'out');
  file('out/part-00001', 3);
  file('out/part-00000', 3);
  file('out/_SUCCESS', 0);
  file('out/.part-00000.crc', 3);
  file('out/sub/part-9', 3);
  assert.deepEqual(expandInputPaths(dir).map((p) => path.basename(p)), ['part-00000', 'part-00001']);
});

test('globs expand to sorted absolute paths, deduplicated across patterns', () => {
  file('g/b.log', 2);
  file('g/a.log', 2);
  file('g/c.txt', 2);
  const got = expandInputPaths([path.join(tmp, 'g/*.log'), path.join(tmp, 'g/a.log'), path.join(tmp, 'g/*.{txt,log}')]);
  assert.deepEqual(got, ['a.log', 'b.log', 'c.txt'].map((n) => path.join(tmp, 'g', n)));
  file('g/_tmp.log', 2);
  file('g/.x.log', 2);
  assert.deepEqual(expandInputPaths(path.join(tmp, 'g/*.log')).length, 2, 'globs skip hidden files');
  assert.deepEqual(expandInputPaths(path.join(tmp, 'g/_*.log')), [path.join(tmp, 'g/_tmp.log')]);
  const rel = path.relative(process.cwd(), path.join(tmp, 'g')) + '/*.txt';
  assert.deepEqual(expandInputPaths(rel), [path.join(tmp, 'g', 'c.txt')]);
});

test('a pattern matching nothing is an InputError naming it', () => {
  const pattern = path.join(tmp, 'nothing-*.csv');
  assert.throws(() => planTextSplits([path.join(tmp, 'g/a.log'), pattern]), (e: unknown) => e instanceof InputError && e.message.includes(pattern));
  const missing = path.join(tmp, 'missing.txt');
  assert.throws(() => planTextSplits(missing), (e: unknown) => e instanceof InputError && e.message.includes(missing));
});

test('empty files give no split, but empty input still gives one partition', () => {
  file('e/empty1.txt', 0);
  file('e/empty2.txt', 0);
  const splits = planTextSplits(path.join(tmp, 'e'), { minPartitions: 4 });
  assert.deepEqual(splits, [{ path: path.join(tmp, 'e/empty1.txt'), start: 0, end: 0, gzip: false, fileSize: 0 }]);
  file('e/data.txt', 10);
  assert.ok(planTextSplits(path.join(tmp, 'e'), { minPartitions: 4 }).every((s) => s.path.endsWith('data.txt')));
});

test('roundTo makes the split count a multiple of the workers, so no round of tasks leaves one idle', () => {
  const p = file('rounded.txt', 17 * MIB + 5);
  assert.equal(planTextSplits(p, { maxSplitBytes: MIB }).length, 18);
  const rounded = planTextSplits(p, { maxSplitBytes: MIB, roundTo: 4 });
  assert.equal(rounded.length, 20);
  assert.equal(rounded[19]!.end, 17 * MIB + 5);
  assert.equal(planTextSplits(p, { minPartitions: 3, maxSplitBytes: 64 * MIB, roundTo: 2 }).length, 4);
});
