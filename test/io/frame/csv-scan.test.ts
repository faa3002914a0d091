import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { InputError } from '../../../src/util/errors.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test('CSV schema inference picks the narrowest type per column', () => {
  const p = write('types.csv', [
    'i,l,f,b,d,ts,s,n',
    '1,3000000000,1.5,true,2024-01-31,2024-01-31T10:00:00Z,x,',
    '-2,4,2,FALSE,2023-12-01,2024-02-01 11:30:00,7,',
    '',
  ].join('\n'));
  const plan = planFileScan('csv', p, {});
  assert.deepEqual(
    plan.schema.fields.map((f) => [f.name, f.type]),
    [['i', 'int32'], ['l', 'int64'], ['f', 'float64'], ['b', 'bool'], ['d', 'date'], ['ts', 'timestamp'], ['s', 'string'], ['n', 'string']],
  );
  const { rows } = scanAll('csv', p);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0], { i: 1, l: 3000000000, f: 1.5, b: true, d: new Date('2024-01-31'), ts: new Date('2024-01-31T10:00:00Z'), s: 'x', n: null });
  // A timestamp without a zone is UTC, not local time.
  assert.deepEqual(rows[1]!.ts, new Date('2024-02-01T11:30:00Z'));
  assert.equal(rows[1]!.b, false);
});

test('CSV: header false, custom delimiter, quotes, given schema and projection order', () => {
  const p = write('semi.csv', '1;"a;b";"say ""hi"""\n2;plain;\n');
  const inferred = planFileScan('csv', p, { header: false, delimiter: ';' });
  assert.deepEqual(inferred.schema.fields.map((f) => f.name), ['_c0', '_c1', '_c2']);
  const { rows } = scanAll('csv', p, { header: false, delimiter: ';', schema: { id: 'int64', a: 'string', b: 'string' } }, ['b', 'id']);
  assert.deepEqual(rows, [{ b: 'say "hi"', id: 1 }, { b: null, id: 2 }]);
});

test('CSV failfast: a malformed line throws an InputError naming the file and the line number', () => {
  const p = write('bad.csv', 'a,b\n1,x\n2,y\n\n3\n4,z\n');
  assert.throws(() => scanAll('csv', p), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 5);
    assert.match(e.message, /bad\.csv:5: .*expected 2 fields, found 1/);
    return true;
  });
  const typed = write('badtype.csv', 'a,b\n1,x\n2,y\nthree,z\n');
  assert.throws(() => scanAll('csv', typed, { schema: { a: 'int32', b: 'string' } }), /badtype\.csv:4: .*column a: 'three' is not a int32/);
});

test('CSV dropMalformed: bad lines are dropped and counted', () => {
  const p = write('drop.csv', 'a,b\n1,x\n2\n"3,y\nfour,z\n5,w\n');
  const r = scanAll('csv', p, { mode: 'dropMalformed', schema: { a: 'int32', b: 'string' } });
  assert.deepEqual(r.rows, [{ a: 1, b: 'x' }, { a: 5, b: 'w' }]);
  assert.equal(r.dropped, 3);
});

test('CSV byte-range splits of one file read back exactly the rows of a single split', () => {
  const lines = ['k,v,s'];
  for (let i = 0; i < 3000; i++) lines.push(`${i},${i * 0.5},"s,${i % 17}"`);
  const p = write('big.csv', lines.join('\n') + '\n');
  const whole = scanAll('csv', p);
  const split = scanAll('csv', p, { splitBytes: 4096 });
  assert.equal(whole.partitions, 1);
  assert.ok(split.partitions > 5, `expected several partitions, got ${split.partitions}`);
  assert.equal(split.rows.length, 3000);
  assert.deepEqual(split.rows, whole.rows);
  assert.deepEqual(split.rows[2999], { k: 2999, v: 1499.5, s: 's,7' });
});

test('CSV failfast line numbers are absolute in a split that starts mid-file', () => {
  const lines = ['k,v'];
  for (let i = 0; i < 2000; i++) lines.push(i === 1500 ? 'oops' : `${i},${i}`);
  const p = write('late-bad.csv', lines.join('\n') + '\n');
  assert.throws(() => scanAll('csv', p, { splitBytes: 2048, schema: { k: 'int32', v: 'int32' } }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 1502);
    return true;
  });
});

test('a directory is read recursively, skipping hidden files, and col=value folders add partition columns', () => {
  const root = path.join(dir, 'events');
  fs.mkdirSync(path.join(root, 'day=2024-01-01', 'n=1'), { recursive: true });
  fs.mkdirSync(path.join(root, 'day=2024-01-02', 'n=2'), { recursive: true });
  fs.writeFileSync(path.join(root, 'day=2024-01-01', 'n=1', 'a.csv'), 'x\n1\n2\n');
  fs.writeFileSync(path.join(root, 'day=2024-01-02', 'n=2', 'b.csv'), 'x\n3\n');
  fs.writeFileSync(path.join(root, 'day=2024-01-02', 'n=2', '_SUCCESS'), '');
  fs.writeFileSync(path.join(root, 'day=2024-01-02', 'n=2', '.b.csv.crc'), 'garbage');
  const r = scanAll('csv', root);
  assert.deepEqual(r.spec.fileSchema.fields.map((f) => [f.name, f.type]), [['x', 'int32'], ['day', 'date'], ['n', 'int32']]);
  assert.deepEqual(r.rows, [
    { x: 1, day: new Date('2024-01-01'), n: 1 },
    { x: 2, day: new Date('2024-01-01'), n: 1 },
    { x: 3, day: new Date('2024-01-02'), n: 2 },
  ]);
  // Partition values prune whole files.
  const pruned = scanAll('csv', root, {}, ['x'], [{ kind: 'binary', op: '=', left: { kind: 'column', name: 'n' }, right: { kind: 'literal', value: 2, type: 'int32' } }]);
  assert.deepEqual(pruned.rows, [{ x: 3 }]);
  assert.equal(pruned.unitsSkipped, 1);
});

test('a path that matches nothing is a clear error', () => {
  assert.throws(() => planFileScan('csv', path.join(dir, 'nope-*.csv'), {}), /matches no files/);
});

test('a gzip CSV is read whole as one split', async () => {
  const { gzipSync } = await import('node:zlib');
  const p = path.join(dir, 'z.csv.gz');
  fs.writeFileSync(p, gzipSync('a,b\n1,2\n3,4\n'));
  const r = scanAll('csv', p, { splitBytes: 4 });
  assert.equal(r.partitions, 1);
  assert.deepEqual(r.rows, [{ a: 1, b: 2 }, { a: 3, b: 4 }]);
});
