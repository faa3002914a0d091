import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { parseJsonLines } from '../../src/io/json-lines.js';
import { planTextSplits, type TextSplit } from '../../src/io/text-splits.js';
import { InputError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-jsonl-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function parseAll(splits: TextSplit[], opts: Parameters<typeof parseJsonLines>[1] = {}): unknown[] {
  return splits.flatMap((s) => [...parseJsonLines(s, opts)].flat());
}

const records = Array.from({ length: 500 }, (_, i) => ({ id: i, name: `n${i}`, tags: ['é', '😀'].slice(0, i % 3) }));

test('parses records across splits; blank and whitespace-only lines are skipped', () => {
  const lines = records.map((r) => JSON.stringify(r));
  lines.splice(10, 0, '', '   ', '\t');
  const p = path.join(tmp, 'ok.jsonl');
  fs.writeFileSync(p, lines.join('\r\n') + '\n\n');
  for (const minPartitions of [1, 3, 17]) {
    assert.deepEqual(parseAll(planTextSplits(p, { minPartitions }), { batchSize: 7, chunkSize: 100 }), records);
  }
});

test('a bad line in a later split names the file and the exact line number', () => {
  const lines = records.map((r) => JSON.stringify(r));
  const badIndex = 401;
  lines[badIndex] = '{"id": 401, "name": oops}';
  lines.splice(50, 0, ''); // a blank line before it still counts as a line
  const p = path.join(tmp, 'bad.jsonl');
  fs.writeFileSync(p, lines.join('\n'));
  const expectedLine = badIndex + 2;
  for (const minPartitions of [1, 2, 5, 40]) {
    const splits = planTextSplits(p, { minPartitions });
    let err: unknown;
    try {
      parseAll(splits, { chunkSize: 64 });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof InputError, `minPartitions ${minPartitions}`);
    assert.equal(err.file, p);
    assert.equal(err.line, expectedLine);
    assert.match(err.message, new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${expectedLine}: malformed JSON line`));
    assert.ok(err.message.includes('"name": oops'), err.message);
  }
});

test('gzip JSON lines report line numbers too', () => {
  const p = path.join(tmp, 'bad.jsonl.gz');
  fs.writeFileSync(p, zlib.gzipSync('{"a":1}\n\n{"a":2}\n[1,\n'));
  assert.throws(() => parseAll(planTextSplits(p)), (e: unknown) => e instanceof InputError && e.line === 4 && e.file === p);
});

test('long bad lines are cut in the message', () => {
  const p = path.join(tmp, 'long.jsonl');
  fs.writeFileSync(p, `{"x": "${'y'.repeat(1000)}"\n`);
  assert.throws(() => parseAll(planTextSplits(p)), (e: unknown) => e instanceof InputError && e.message.length < 400 && e.message.includes('…'));
});

test('permissive mode drops bad lines and reports the count once per split', () => {
  const lines = records.map((r) => JSON.stringify(r));
  const bad = [3, 100, 101, 499];
  for (const i of bad) lines[i] = `{broken ${i}`;
  const p = path.join(tmp, 'perm.jsonl');
  fs.writeFileSync(p, lines.join('\n') + '\n');
  for (const minPartitions of [1, 4]) {
    const counts: number[] = [];
    const got = parseAll(planTextSplits(p, { minPartitions }), { mode: 'permissive', onDropped: (n) => counts.push(n) });
    assert.deepEqual(got, records.filter((_, i) => !bad.includes(i)));
    assert.equal(counts.reduce((a, b) => a + b, 0), bad.length);
    assert.ok(counts.every((n) => n > 0));
  }
  const okCounts: number[] = [];
  parseAll(planTextSplits(path.join(tmp, 'ok.jsonl')), { mode: 'permissive', onDropped: (n) => okCounts.push(n) });
  assert.deepEqual(okCounts, []);
});
