import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parquetWriteFile } from 'hyparquet-writer';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import type { Schema } from '../../../src/frame/types.js';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import type { ScanUnit } from '../../../src/io/frame/scan-units.js';
import { writeFramePart } from '../../../src/io/frame/writers.js';
import { commitJob, prepareOutputDir } from '../../../src/io/output-committer.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

const col = (name: string): ExprNode => ({ kind: 'column', name });
const lit = (value: number | string | null, type: 'int32' | 'string' | 'date' = 'int32'): ExprNode => ({ kind: 'literal', value, type });
const cmp = (op: '=' | '<' | '>' | '>=' | '!=', l: ExprNode, r: ExprNode): ExprNode => ({ kind: 'binary', op, left: l, right: r });

test('Parquet round trip through writeFramePart keeps every type and the nulls', () => {
  const schema: Schema = {
    fields: [
      { name: 'i', type: 'int32', nullable: true },
      { name: 'l', type: 'int64', nullable: true },
      { name: 'f', type: 'float64', nullable: true },
      { name: 's', type: 'string', nullable: true },
      { name: 'b', type: 'bool', nullable: true },
      { name: 'd', type: 'date', nullable: true },
      { name: 't', type: 'timestamp', nullable: true },
    ],
  };
  const batch = batchFromColumns(
    {
      i: [1, null, -3],
      l: [2 ** 40, 5, null],
      f: [0.5, null, -1e300],
      s: ['x', null, ''],
      b: [true, false, null],
      d: [new Date('2024-02-29'), null, new Date('1969-12-31')],
      t: [null, new Date('2024-01-01T12:34:56.789Z'), new Date(0)],
    },
    schema,
  );
  const out = path.join(dir, 'roundtrip');
  const { tempDir: tmp } = prepareOutputDir(out);
  const part = writeFramePart('parquet', [batch], schema, tmp, 0, 0, {});
  assert.equal(part.rows, 3);
  assert.ok(part.bytes > 0);
  commitJob(tmp, out, 1);
  assert.ok(fs.existsSync(path.join(out, 'part-00000.parquet')));
  const r = scanAll('parquet', out);
  assert.deepEqual(r.spec.fileSchema.fields.map((f) => [f.name, f.type]), schema.fields.map((f) => [f.name, f.type]));
  assert.deepEqual(r.rows, [
    { i: 1, l: 2 ** 40, f: 0.5, s: 'x', b: true, d: new Date('2024-02-29'), t: null },
    { i: null, l: 5, f: null, s: null, b: false, d: null, t: new Date('2024-01-01T12:34:56.789Z') },
    { i: -3, l: null, f: -1e300, s: '', b: null, d: new Date('1969-12-31'), t: new Date(0) },
  ]);
});

test('Parquet row groups whose statistics cannot match the filters are not read', () => {
  const file = path.join(dir, 'groups.parquet');
  const n = 1000;
  parquetWriteFile({
    filename: file,
    columnData: [
      { name: 'x', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
      { name: 'name', data: Array.from({ length: n }, (_, i) => `n${String(i).padStart(4, '0')}`), type: 'STRING' },
    ],
    rowGroupSize: 100,
  });
  const plan = planFileScan('parquet', file, { splitBytes: 1000 });
  const units = plan.partitions.flat() as ScanUnit[];
  assert.equal(units.length, 10);
  assert.ok(plan.partitions.length > 1, 'row groups are spread over partitions');
  const first = units[0]!;
  assert.ok(first.kind === 'parquet');
  assert.deepEqual(first.stats['x'], { min: 0, max: 99, nullCount: 0 });

  const all = scanAll('parquet', file, { splitBytes: 1000 });
  assert.equal(all.rows.length, n);
  assert.equal(all.unitsRead, 10);

  // x > 849: only the last two row groups (800..899, 900..999) can match; rows are not filtered exactly.
  const gt = scanAll('parquet', file, {}, ['x'], [cmp('>', col('x'), lit(849))]);
  assert.equal(gt.unitsRead, 2);
  assert.equal(gt.unitsSkipped, 8);
  assert.deepEqual(gt.rows.map((row) => row.x), Array.from({ length: 200 }, (_, i) => 800 + i));

  // Literal on the left, AND, IN, string bounds and IS NULL.
  assert.equal(scanAll('parquet', file, {}, ['x'], [cmp('>=', lit(150), col('x'))]).unitsRead, 2);
  assert.equal(scanAll('parquet', file, {}, ['x'], [{ kind: 'binary', op: 'and', left: cmp('>', col('x'), lit(250)), right: cmp('<', col('x'), lit(420)) }]).unitsRead, 3);
  assert.equal(scanAll('parquet', file, {}, ['x'], [{ kind: 'in', arg: col('x'), list: [lit(5), lit(555)], negated: false }]).unitsRead, 2);
  assert.equal(scanAll('parquet', file, {}, null, [cmp('=', col('name'), lit('n0333', 'string'))]).unitsRead, 1);
  assert.equal(scanAll('parquet', file, {}, null, [{ kind: 'unary', op: 'isNull', arg: col('x') }]).unitsRead, 0);
  // Filters that are not understood never prune.
  assert.equal(scanAll('parquet', file, {}, null, [{ kind: 'call', fn: 'abs', args: [col('x')] }]).unitsRead, 10);
});

test('Parquet projection reads only the named columns, in projection order', () => {
  const file = path.join(dir, 'proj.parquet');
  parquetWriteFile({ filename: file, columnData: [{ name: 'a', data: [1, 2], type: 'INT32' }, { name: 'b', data: ['p', 'q'], type: 'STRING' }] });
  assert.deepEqual(scanAll('parquet', file, {}, ['b', 'a']).rows, [{ b: 'p', a: 1 }, { b: 'q', a: 2 }]);
  assert.deepEqual(scanAll('parquet', file, {}, []).rows, [{}, {}]);
  assert.throws(() => scanAll('parquet', file, {}, ['zz']), /projection names column zz/);
});
