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
import pl from 'nodejs-polars';
import { Binary, Table, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { Rng } from '../../frame/oracle/random.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();
const ALPHABET = ['a', 'b', 'z', ' ', ',', '"', '\n', 'é', '日', '😀', '\u0000'];

/** A random string of 0..40 characters (UTF-8 lengths on both sides of the 12-byte inline limit). */
function randomString(rng: Rng): string {
  const n = rng.below(4) === 0 ? rng.below(13) : rng.below(41);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[rng.below(ALPHABET.length)];
  return s;
}

interface Source {
  s: (string | null)[];
  n: (number | null)[];
  l: (number[] | null)[];
}

function randomSource(seed: number, rows: number): Source {
  const rng = new Rng(seed);
  const src: Source = { s: [], n: [], l: [] };
  for (let i = 0; i < rows; i++) {
    // Repeats, so that the dictionary built while reading is smaller than the column.
    src.s.push(rng.below(5) === 0 ? null : rng.below(3) === 0 && i > 0 ? src.s[rng.below(i)]! : randomString(rng));
    src.n.push(rng.below(6) === 0 ? null : rng.below(1000) - 500);
    src.l.push(rng.below(6) === 0 ? null : Array.from({ length: rng.below(4) }, () => rng.below(100)));
  }
  return src;
}

/** The source as Polars, in `chunks` chunks (Polars writes one record batch per chunk). */
function polarsFrame(src: Source, chunks: number): pl.DataFrame {
  const per = Math.ceil(src.s.length / chunks);
  const parts: pl.DataFrame[] = [];
  for (let a = 0; a < src.s.length; a += per) {
    parts.push(
      pl.DataFrame({
        s: pl.Series('s', src.s.slice(a, a + per), pl.Utf8),
        n: pl.Series('n', src.n.slice(a, a + per), pl.Float64),
        l: pl.Series('l', src.l.slice(a, a + per), pl.List(pl.Float64)),
      }),
    );
  }
  return pl.concat(parts, { rechunk: false, how: 'vertical' });
}

function expectedRows(src: Source): Record<string, unknown>[] {
  return src.s.map((s, i) => ({ s, n: src.n[i], l: src.l[i] }));
}

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

test('an Arrow column of raw bytes is a clear error naming the column', () => {
  const p = path.join(dir, 'binary.arrow');
  const raw = vectorFromArray([Uint8Array.of(1, 2), null], new Binary());
  fs.writeFileSync(p, tableToIPC(new Table({ raw })));
  assert.throws(() => planFileScan('arrow', p, {}), /column 'raw'.*Binary.*no binary column type/);
});
