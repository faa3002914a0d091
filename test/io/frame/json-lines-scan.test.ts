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

test('JSON lines schema inference widens numbers, keeps first-seen order, lists and nested objects', () => {
  const p = write('a.jsonl', [
    '{"id": 1, "name": "a", "score": 1, "tags": [1, 2]}',
    '',
    '{"id": 2, "score": 2.5, "extra": {"k": 1}, "ok": true}',
    '{"id": 3000000000, "name": null, "score": null}',
  ].join('\n'));
  const plan = planFileScan('jsonLines', p, {});
  assert.deepEqual(
    plan.schema.fields.map((f) => [f.name, f.type]),
    [['id', 'int64'], ['name', 'string'], ['score', 'float64'], ['tags', { list: 'int32' }], ['extra', 'string'], ['ok', 'bool']],
  );
  const { rows } = scanAll('jsonLines', p, {}, ['id', 'extra', 'tags', 'ok']);
  assert.deepEqual(rows, [
    { id: 1, extra: null, tags: [1, 2], ok: null },
    { id: 2, extra: '{"k":1}', tags: null, ok: true },
    { id: 3000000000, extra: null, tags: null, ok: null },
  ]);
});

test('JSON lines: a malformed line fails with file and line number, or is dropped and counted', () => {
  const p = write('bad.jsonl', '{"a": 1}\n{"a": 2}\n{"a": \n{"a": "x"}\n[1]\n{"a": 5}\n');
  const schema = { a: 'int32' };
  assert.throws(() => scanAll('jsonLines', p, { schema }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 3);
    assert.match(e.message, /bad\.jsonl:3: malformed line \(not a JSON object\)/);
    return true;
  });
  const r = scanAll('jsonLines', p, { schema, mode: 'dropMalformed' });
  assert.deepEqual(r.rows, [{ a: 1 }, { a: 2 }, { a: 5 }]);
  assert.equal(r.dropped, 3);
});

test('JSON lines with dates and timestamps given by the schema, read in several splits', () => {
  const lines: string[] = [];
  for (let i = 0; i < 500; i++) lines.push(JSON.stringify({ i, d: '2024-03-0' + ((i % 9) + 1), t: `2024-03-01T00:00:${String(i % 60).padStart(2, '0')}Z` }));
  const p = write('dates.jsonl', lines.join('\n'));
  const r = scanAll('jsonLines', p, { schema: { i: 'int32', d: 'date', t: 'timestamp' }, splitBytes: 2000 });
  assert.ok(r.partitions > 3);
  assert.equal(r.rows.length, 500);
  assert.deepEqual(r.rows[10], { i: 10, d: new Date('2024-03-02'), t: new Date('2024-03-01T00:00:10Z') });
  assert.deepEqual(r.rows.map((x) => x.i), [...Array(500).keys()]);
});
