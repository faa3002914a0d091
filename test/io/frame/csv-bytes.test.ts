/**
 * The byte tokenizer (csv-bytes-reader.ts) against csv-parse (readCsvParsed, the reference) on
 * random CSV text: quotes, escaped quotes, delimiters and newlines inside quotes, CRLF, empty fields
 * versus "", unicode, blank lines, malformed lines (bad quotes, wrong field counts, bad numbers),
 * with and without a trailing newline, header only. Both readers read the file whole and cut in two
 * at every byte; rows, the dropped count (dropMalformed) and the error (failfast) must agree.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { readCsvBytes } from '../../../src/io/frame/csv-bytes-reader.js';
import { readCsvParsed } from '../../../src/io/frame/csv-reader.js';
import { csvBytes } from '../../../src/io/frame/csv-tokenizer.js';
import { csvOptions, type CsvOptions } from '../../../src/io/frame/frame-options.js';
import type { RawColumns } from '../../../src/io/frame/malformed.js';
import type { Field } from '../../../src/frame/types.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { TextSplit } from '../../../src/io/text-splits.js';
import { tempDir } from './scan-helpers.js';

const dir = tempDir();

const PIECES = ['a', 'Z', '7', '-', '.', ' ', 'é', '日本', '😀', '"', '""', ',', ';', '\n', '\r\n', '\\', '1e5', '0', 'NA'];

const TYPES: Field['type'][] = ['string', 'int32', 'int64', 'float64'];

const anyText = fc.array(fc.constantFrom(...PIECES), { maxLength: 5 }).map((a) => a.join(''));
const decimal = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 9 }), fc.boolean()).map(([m, k, plus]) => {
  const s = String(Math.abs(m)).padStart(k + 1, '0');
  const t = k > 0 ? `${s.slice(0, s.length - k)}.${s.slice(s.length - k)}` : s;
  return (m < 0 ? '-' : plus ? '+' : '') + t;
});
const integer = fc.oneof(fc.integer({ min: -3000, max: 3000 }).map(String), fc.constantFrom('2147483648', '-2147483648', '9007199254740993', '123456789012345678', ' 12', '0012'));

/** A cell for a column of `type`: mostly a value of that type, sometimes anything. */
function cell(type: Field['type']): fc.Arbitrary<string> {
  const typed = type === 'float64' ? fc.oneof(decimal, integer, fc.constantFrom('1e5', '.5', '5.', 'NaN', '-inf')) : type === 'string' ? anyText : integer;
  return fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: anyText }, { weight: 1, arbitrary: fc.constant('') });
}

/** A field as written: bare (may be malformed), quoted with doubled quotes, or quoted raw (may be malformed). */
function written(type: Field['type']): fc.Arbitrary<string> {
  return fc.tuple(cell(type), fc.integer({ min: 0, max: 9 })).map(([s, how]) => {
    if (how < 5) return s;
    if (how < 9) return `"${s.replaceAll('"', '""')}"`;
    return `"${s}"`;
  });
}

function line(types: Field['type'][]): fc.Arbitrary<string> {
  const fields = fc.tuple(...types.map(written)).map((f) => f.join(','));
  const ragged = fc.array(written('string'), { minLength: 1, maxLength: 6 }).map((f) => f.join(','));
  return fc.oneof({ weight: 10, arbitrary: fields }, { weight: 1, arbitrary: ragged }, { weight: 1, arbitrary: fc.constant('') });
}

const csvText = fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 5 }).chain((types) =>
  fc.record({
    types: fc.constant(types),
    header: fc.boolean(),
    lines: fc.array(line(types), { maxLength: 12 }),
    crlf: fc.boolean(),
    trailing: fc.boolean(),
    bom: fc.boolean(),
  }),
);


interface Outcome {
  rows: unknown[][];
  dropped: number;
  error: string | null;
}

function runReader(read: typeof readCsvParsed, splits: TextSplit[], fields: Field[], want: number[], o: CsvOptions): Outcome {
  const out: Outcome = { rows: [], dropped: 0, error: null };
  try {
    for (const split of splits) {
      for (const raw of read(split, fields, want, o, (n) => (out.dropped += n), 3) as Iterable<RawColumns>) {
        for (let i = 0; i < raw.rows; i++) out.rows.push(raw.columns.map((c) => getValue(c, i)));
      }
    }
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

function bytesReader(o: CsvOptions): typeof readCsvParsed {
  const c = csvBytes(o)!;
  return (split, fields, want, opts, onDropped, batchRows) => readCsvBytes(split, fields, want, opts, c, onDropped, batchRows ?? 3);
}

let fileNo = 0;

test('the CSV byte tokenizer reads random CSV as csv-parse does, at every split point', () => {
  fc.assert(
    fc.property(csvText, fc.boolean(), fc.constantFrom(undefined, '\\'), fc.constantFrom('', 'NA'), (t, drop, escape, nullValue) => {
      const width = t.types.length;
      const nl = t.crlf ? '\r\n' : '\n';
      const body = (t.header ? ['h'.repeat(1) + ',x'.repeat(width - 1)] : []).concat(t.lines).join(nl) + (t.trailing ? nl : '');
      const text = (t.bom ? '\uFEFF' : '') + body;
      const p = path.join(dir, `r${fileNo++}.csv`);
      fs.writeFileSync(p, text);
      const size = fs.statSync(p).size;
      const o = csvOptions({ header: t.header, mode: drop ? 'dropMalformed' : 'failfast', escape, nullValue });
      const fields: Field[] = Array.from({ length: width }, (_, i) => ({ name: `c${i}`, type: t.types[i]!, nullable: true }));
      const want = fields.map((_, i) => i).reverse();
      const whole = (): TextSplit[] => [{ path: p, start: 0, end: size, gzip: false, fileSize: size }];
      const ref = runReader(readCsvParsed, whole(), fields, want, o);
      assert.deepEqual(runReader(bytesReader(o), whole(), fields, want, o), ref, JSON.stringify(text));
      for (let cut = 1; cut < size; cut++) {
        const two: TextSplit[] = [
          { path: p, start: 0, end: cut, gzip: false, fileSize: size },
          { path: p, start: cut, end: size, gzip: false, fileSize: size },
        ];
        const got = runReader(bytesReader(o), two, fields, want, o);
        assert.deepEqual(got, runReader(readCsvParsed, two, fields, want, o), `${JSON.stringify(text)} cut at ${cut}`);
        if (ref.error === null) assert.deepEqual(got, ref, `${JSON.stringify(text)} cut at ${cut} differs from the whole file`);
      }
    }),
    { numRuns: 120, seed: 42 },
  );
});

test('the byte tokenizer is used for one-byte settings and not for others', () => {
  assert.ok(csvBytes(csvOptions({})));
  assert.ok(csvBytes(csvOptions({ delimiter: '\t', quote: "'", escape: '\\' })));
  assert.equal(csvBytes(csvOptions({ delimiter: ';;' })), null);
  assert.equal(csvBytes(csvOptions({ delimiter: '§' })), null);
  assert.equal(csvBytes(csvOptions({ quote: '' })), null);
});
