/**
 * Arrow IPC files written by other tools. nodejs-polars 0.24.1 writes strings as Utf8View (its
 * default, newest compat level) or as LargeUtf8 with LargeList (compat level "oldest"); both must
 * read back as the data Polars was given. DuckDB cannot be a writer here: its bundled extensions
 * have no Arrow IPC COPY format (`COPY ... (FORMAT arrow)` is "Copy Function with name arrow does
 * not exist"; that format lives in a community extension that is downloaded at run time) and
 * @duckdb/node-api exposes no Arrow export.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import pl from 'nodejs-polars';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { expectedRows, polarsFrame, randomSource } from './polars-source.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

function fieldTypes(p: string): string[] {
  return tableFromIPC(fs.readFileSync(p)).schema.fields.map((f) => String(f.type));
}

for (const seed of [1, 2, 3]) {
  test(`Arrow IPC written by Polars (Utf8View strings): reads back the source data, seed ${seed}`, () => {
    const src = randomSource(seed, 500);
    const p = path.join(dir, `polars-view-${seed}.arrow`);
    polarsFrame(src, 3).writeIPC(p);
    assert.deepEqual(fieldTypes(p).slice(0, 1), ['Utf8View'], 'Polars should write Utf8View (the case under test)');
    assert.deepEqual(planFileScan('arrow', p, {}).schema.fields.map((f) => f.type), ['string', 'float64', { list: 'float64' }]);
    assert.deepEqual(scanAll('arrow', p).rows, expectedRows(src));
  });

  test(`Arrow IPC stream written by Polars: reads back the source data, seed ${seed}`, () => {
    const src = randomSource(seed + 100, 300);
    const p = path.join(dir, `polars-stream-${seed}.arrows`);
    polarsFrame(src, 2).writeIPCStream(p);
    assert.deepEqual(scanAll('arrow', p, {}, ['l', 's']).rows, expectedRows(src).map((r) => ({ l: r.l, s: r.s })));
  });
}

test('Arrow IPC written by Polars at compat level "oldest" (LargeUtf8, LargeList): reads back the source data', async () => {
  const src = randomSource(7, 400);
  const p = path.join(dir, 'polars-large.arrow');
  await polarsFrame(src, 1).lazy().sinkIpc(p, { compatLevel: 'oldest' }).collect();
  assert.deepEqual(fieldTypes(p), ['LargeUtf8', 'Float64', 'LargeList<Float64>'], 'Polars should write large types (the case under test)');
  assert.deepEqual(scanAll('arrow', p).rows, expectedRows(src));
});

test('a Polars categorical column reads back as strings', () => {
  const src = randomSource(11, 200);
  const p = path.join(dir, 'polars-cat.arrow');
  pl.DataFrame({ c: pl.Series('c', src.s, pl.Utf8) })
    .withColumns(pl.col('c').cast(pl.Categorical))
    .writeIPC(p);
  assert.deepEqual(scanAll('arrow', p).rows, src.s.map((c) => ({ c })));
});
