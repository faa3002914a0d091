import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import type { Schema } from '../../../src/frame/types.js';
import { writeFramePart, type FrameWriteOptions } from '../../../src/io/frame/writers.js';
import type { FileFormat } from '../../../src/io/frame/scan-planner.js';
import { commitJob, prepareOutputDir } from '../../../src/io/output-committer.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

const schema: Schema = {
  fields: [
    { name: 'id', type: 'int32', nullable: true },
    { name: 'country', type: 'string', nullable: true },
    { name: 'day', type: 'date', nullable: true },
    { name: 'note', type: 'string', nullable: true },
  ],
};

function sample() {
  return batchFromColumns(
    {
      id: [1, 2, 3, 4, 5],
      country: ['fr', 'de', 'fr', null, 'a/b'],
      day: [new Date('2024-01-01'), new Date('2024-01-01'), new Date('2024-01-02'), new Date('2024-01-01'), new Date('2024-01-01')],
      note: ['plain', 'has,comma', 'has "quotes"', '', null],
    },
    schema,
  );
}

/** Writes two task partitions (the second one retried: attempt 1) and commits the job. */
function writeJob(format: FileFormat, name: string, options: FrameWriteOptions): string {
  const out = path.join(dir, name);
  const { tempDir: tmp } = prepareOutputDir(out);
  const batch = sample();
  writeFramePart(format, [batch], schema, tmp, 0, 0, options);
  const second = writeFramePart(format, [batch], schema, tmp, 1, 1, options);
  assert.equal(second.rows, 5);
  commitJob(tmp, out, options.partitionBy ? undefined : 2);
  return out;
}

function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

test('partitionBy writes col=value folders without the partition columns, and reads back with them', () => {
  const out = writeJob('csv', 'by-country', { partitionBy: ['country', 'day'] });
  assert.deepEqual(listTree(out), [
    '_SUCCESS',
    'country=__HIVE_DEFAULT_PARTITION__/day=2024-01-01/part-00000.csv',
    'country=__HIVE_DEFAULT_PARTITION__/day=2024-01-01/part-00001.csv',
    'country=a%2Fb/day=2024-01-01/part-00000.csv',
    'country=a%2Fb/day=2024-01-01/part-00001.csv',
    'country=de/day=2024-01-01/part-00000.csv',
    'country=de/day=2024-01-01/part-00001.csv',
    'country=fr/day=2024-01-01/part-00000.csv',
    'country=fr/day=2024-01-01/part-00001.csv',
    'country=fr/day=2024-01-02/part-00000.csv',
    'country=fr/day=2024-01-02/part-00001.csv',
  ]);
  const fr = fs.readFileSync(path.join(out, 'country=fr/day=2024-01-02/part-00000.csv'), 'utf8');
  assert.equal(fr, 'id,note\n3,"has ""quotes"""\n');
  const r = scanAll('csv', out, {}, ['id', 'country', 'day', 'note']);
  assert.deepEqual(r.spec.fileSchema.fields.map((f) => [f.name, f.type]), [['id', 'int32'], ['note', 'string'], ['country', 'string'], ['day', 'date']]);
  const got = r.rows.filter((x) => x.id !== undefined).sort((a, b) => (a.id as number) - (b.id as number));
  assert.equal(got.length, 10);
  assert.deepEqual(got.slice(0, 10).filter((_, i) => i % 2 === 0), [
    { id: 1, country: 'fr', day: new Date('2024-01-01'), note: 'plain' },
    { id: 2, country: 'de', day: new Date('2024-01-01'), note: 'has,comma' },
    { id: 3, country: 'fr', day: new Date('2024-01-02'), note: 'has "quotes"' },
    { id: 4, country: null, day: new Date('2024-01-01'), note: '' },
    { id: 5, country: 'a/b', day: new Date('2024-01-01'), note: null },
  ]);
});

test('a losing attempt of a partitioned task commits nothing', () => {
  const out = path.join(dir, 'twice');
  const { tempDir: tmp } = prepareOutputDir(out);
  const first = writeFramePart('jsonLines', [sample()], schema, tmp, 0, 0, { partitionBy: ['day'] });
  const again = writeFramePart('jsonLines', [sample()], schema, tmp, 0, 1, { partitionBy: ['day'] });
  assert.equal(first.files.length, 2);
  assert.deepEqual(again.files, []);
  commitJob(tmp, out);
  assert.deepEqual(listTree(out), ['_SUCCESS', 'day=2024-01-01/part-00000.jsonl', 'day=2024-01-02/part-00000.jsonl']);
});

for (const format of ['csv', 'jsonLines', 'parquet', 'arrow'] as const) {
  test(`${format}: written parts read back to the same rows`, () => {
    const out = writeJob(format, `rt-${format}`, {});
    const r = scanAll(format, out, format === 'csv' || format === 'jsonLines' ? { schema } : {}, ['id', 'country', 'day', 'note']);
    const expected = [
      { id: 1, country: 'fr', day: new Date('2024-01-01'), note: 'plain' },
      { id: 2, country: 'de', day: new Date('2024-01-01'), note: 'has,comma' },
      { id: 3, country: 'fr', day: new Date('2024-01-02'), note: 'has "quotes"' },
      { id: 4, country: null, day: new Date('2024-01-01'), note: '' },
      { id: 5, country: 'a/b', day: new Date('2024-01-01'), note: null },
    ];
    assert.deepEqual(r.rows, [...expected, ...expected]);
  });
}
