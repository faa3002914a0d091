import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { abortJob, commitJob, commitTask, prepareOutputDir, taskOutputPath, writeTextPart } from '../../src/io/output-committer.js';
import { SluiceError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-commit-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('commit produces part files and _SUCCESS, atomically at the end', () => {
  const out = path.join(tmp, 'nested', 'out');
  const { tempDir } = prepareOutputDir(out);
  assert.equal(path.dirname(tempDir), path.dirname(out));
  assert.match(path.basename(tempDir), /^\.out\.sluice-tmp-[0-9a-f]+$/);
  const parts = [[['a', 'b'], ['c']], [], [['é😀', '']]];
  for (const [p, batches] of parts.entries()) {
    const attempt = taskOutputPath(tempDir, p, 0, '.txt');
    assert.equal(path.relative(tempDir, attempt), path.join('_attempts', `part-0000${p}.a0.txt`));
    const stats = writeTextPart(attempt, batches);
    assert.equal(stats.records, batches.flat().length);
    assert.equal(stats.bytes, fs.statSync(attempt).size);
    commitTask(tempDir, attempt, p, '.txt');
  }
  assert.equal(fs.existsSync(out), false, 'nothing at the destination before commitJob');
  commitJob(tempDir, out, 3);
  assert.deepEqual(fs.readdirSync(out).sort(), ['_SUCCESS', 'part-00000.txt', 'part-00001.txt', 'part-00002.txt']);
  assert.equal(fs.readFileSync(path.join(out, 'part-00000.txt'), 'utf8'), 'a\nb\nc\n');
  assert.equal(fs.readFileSync(path.join(out, 'part-00001.txt'), 'utf8'), '');
  assert.equal(fs.readFileSync(path.join(out, 'part-00002.txt'), 'utf8'), 'é😀\n\n');
  assert.equal(fs.existsSync(tempDir), false);
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['out']);
});

test('commitTask is idempotent: the first attempt wins, later ones are deleted', () => {
  const out = path.join(tmp, 'dup');
  const { tempDir } = prepareOutputDir(out);
  const a1 = taskOutputPath(tempDir, 0, 1, 'json');
  const a2 = taskOutputPath(tempDir, 0, 2, 'json');
  writeTextPart(a1, [['first']]);
  writeTextPart(a2, [['second']]);
  commitTask(tempDir, a1, 0, 'json');
  commitTask(tempDir, a2, 0, 'json');
  commitTask(tempDir, a2, 0, 'json');
  assert.equal(fs.existsSync(a2), false);
  assert.equal(fs.readFileSync(path.join(tempDir, 'part-00000.json'), 'utf8'), 'first\n');
  commitJob(tempDir, out);
  assert.deepEqual(fs.readdirSync(out).sort(), ['_SUCCESS', 'part-00000.json']);
});

test('commitJob refuses when partitions are missing', () => {
  const out = path.join(tmp, 'missing');
  const { tempDir } = prepareOutputDir(out);
  const a = taskOutputPath(tempDir, 1, 0, '.txt');
  writeTextPart(a, [['x']]);
  commitTask(tempDir, a, 1, '.txt');
  assert.throws(() => commitJob(tempDir, out, 2), (e: unknown) => e instanceof SluiceError && /partitions 0\b/.test(e.message));
  assert.equal(fs.existsSync(out), false);
  abortJob(tempDir);
});

test('abort leaves nothing behind', () => {
  const out = path.join(tmp, 'aborted');
  const { tempDir } = prepareOutputDir(out);
  writeTextPart(taskOutputPath(tempDir, 0, 0, '.txt'), [['x']]);
  abortJob(tempDir);
  abortJob(tempDir);
  assert.equal(fs.existsSync(tempDir), false);
  assert.equal(fs.existsSync(out), false);
  assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes('aborted')), []);
});

test('an existing output directory is an error naming it', () => {
  const out = path.join(tmp, 'exists');
  fs.mkdirSync(out);
  assert.throws(() => prepareOutputDir(out), (e: unknown) => e instanceof SluiceError && e.message.includes(out) && /delete it or choose another/.test(e.message));
  assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.includes('exists')), ['exists']);
});

test('writeTextPart removes its partial file when the input fails', () => {
  const file = path.join(tmp, 'partial', 'part.txt');
  function* failing(): Generator<string[]> {
    yield ['ok'];
    throw new Error('boom');
  }
  assert.throws(() => writeTextPart(file, failing()), /boom/);
  assert.equal(fs.existsSync(file), false);
});

test('writeTextPart streams large outputs', () => {
  const file = path.join(tmp, 'large.txt');
  const batch = Array.from({ length: 10_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 80)}`);
  const stats = writeTextPart(file, (function* () {
    for (let i = 0; i < 50; i++) yield batch;
  })());
  assert.equal(stats.records, 500_000);
  const expected = Buffer.byteLength(batch.join('\n') + '\n') * 50;
  assert.equal(stats.bytes, expected);
  assert.equal(fs.statSync(file).size, expected);
});
