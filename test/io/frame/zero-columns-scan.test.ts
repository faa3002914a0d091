/**
 * A scan that reads no columns (a projection of nothing) still yields every row: the readers
 * report their row counts in batches without columns, for every format, split size and layout.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { sliceBatch } from '../../../src/frame/batch/batch.js';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import type { Schema } from '../../../src/frame/types.js';
import type { FileFormat } from '../../../src/io/frame/scan-planner.js';
import { writeFramePart } from '../../../src/io/frame/writers.js';
import { commitJob, prepareOutputDir } from '../../../src/io/output-committer.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();
const schema: Schema = {
  fields: [
    { name: 'k', type: 'int32', nullable: true },
    { name: 's', type: 'string', nullable: true },
    { name: 'p', type: 'int32', nullable: true },
  ],
};

/** `parts` files of the given row counts (with `partitionBy`, folders p=… as well), committed under a fresh directory. */
function writeParts(format: FileFormat, counts: readonly number[], partitionBy: string[]): string {
  const total = counts.reduce((a, b) => a + b, 0);
  const all = batchFromColumns(
    {
      k: Array.from({ length: total }, (_, i) => (i % 5 === 0 ? null : i)),
      s: Array.from({ length: total }, (_, i) => (i % 7 === 0 ? null : `v${i % 11}`)),
      p: Array.from({ length: total }, (_, i) => i % 3),
    },
    schema,
  );
  const out = path.join(dir, `${format}-${counts.join('_')}-${partitionBy.length}`);
  const { tempDir: tmp } = prepareOutputDir(out);
  let at = 0;
  counts.forEach((n, part) => {
    writeFramePart(format, [sliceBatch(all, at, at + n)], schema, tmp, part, 0, { partitionBy });
    at += n;
  });
  commitJob(tmp, out, partitionBy.length ? undefined : counts.length);
  return out;
}

for (const format of ['csv', 'jsonLines', 'parquet', 'arrow'] as FileFormat[]) {
  test(`${format}: a scan of no columns counts every row, split or not, with and without partition folders`, () => {
    for (const counts of [[1], [0, 3], [250, 1, 4000]]) {
      for (const partitionBy of [[], ['p']]) {
        const out = writeParts(format, counts, partitionBy);
        const total = counts.reduce((a, b) => a + b, 0);
        for (const splitBytes of [undefined, 512]) {
          const options = { ...(format === 'csv' ? { header: true } : {}), ...(splitBytes ? { splitBytes } : {}) };
          const every = scanAll(format, out, options, null);
          const none = scanAll(format, out, options, []);
          assert.equal(every.rows.length, total, `${format} ${counts} all columns`);
          assert.equal(none.rows.length, total, `${format} ${counts} by ${partitionBy} split ${splitBytes}: no columns`);
          assert.ok(none.rows.every((r) => Object.keys(r).length === 0));
        }
      }
    }
  });
}
