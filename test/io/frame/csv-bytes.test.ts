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
import { parse } from 'csv-parse/sync';
import { alignCsvSplits } from '../../../src/io/frame/csv-record-splits.js';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { csvParseOptions } from '../../../src/io/frame/csv-lines.js';
import { textParser } from '../../../src/io/frame/value-parsers.js';
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

/** Splits of `p` cut at `cut`, moved to record starts as the planner does for multiLine. */
function alignedAt(p: string, size: number, cuts: number[], o: CsvOptions): TextSplit[] {
  const bounds = [0, ...cuts, size];
  const raw: TextSplit[] = cuts.concat(size).map((end, k) => ({ path: p, start: bounds[k]!, end, gzip: false, fileSize: size }));
  return alignCsvSplits(raw, csvBytes(o)!);
}

/** csv-parse over the whole text (records may span lines), typed like the reader: the reference for well-formed multiLine input. */
function csvParseRows(text: string, fields: Field[], want: number[], o: CsvOptions): unknown[][] {
  const recs = parse(text, { ...csvParseOptions(o), record_delimiter: ['\r\n', '\n'], skip_empty_lines: true, bom: true }) as (string | null)[][];
  return recs.slice(o.header ? 1 : 0).map((r) => {
    assert.equal(r.length, fields.length, `csv-parse found a record of ${r.length} fields where the reader found none malformed`);
    return want.map((i) => (r[i] === null ? null : textParser(fields[i]!.type)!(r[i]!)));
  });
}

test('multiLine: records with line breaks in quotes read the same from aligned splits at every cut as whole, and as csv-parse reads well-formed text', () => {
  let compared = 0;
  fc.assert(
    fc.property(csvText, fc.boolean(), fc.constantFrom(undefined, '\\'), fc.constantFrom('', 'NA'), (t, drop, escape, nullValue) => {
      const width = t.types.length;
      const nl = t.crlf ? '\r\n' : '\n';
      const body = (t.header ? ['h' + ',x'.repeat(width - 1)] : []).concat(t.lines).join(nl) + (t.trailing ? nl : '');
      const text = (t.bom ? '\uFEFF' : '') + body;
      const p = path.join(dir, `m${fileNo++}.csv`);
      fs.writeFileSync(p, text);
      const size = fs.statSync(p).size;
      const o = csvOptions({ header: t.header, mode: drop ? 'dropMalformed' : 'failfast', escape, nullValue, multiLine: true });
      const fields: Field[] = Array.from({ length: width }, (_, i) => ({ name: `c${i}`, type: t.types[i]!, nullable: true }));
      const want = fields.map((_, i) => i).reverse();
      const ref = runReader(bytesReader(o), [{ path: p, start: 0, end: size, gzip: false, fileSize: size }], fields, want, o);
      // In failfast mode the rows read before the error depend on batching: compare the error only.
      const same = (got: Outcome, why: string): void => assert.deepEqual(ref.error === null ? got : got.error, ref.error === null ? ref : ref.error, `${JSON.stringify(text)} ${why}`);
      for (let cut = 1; cut < size; cut++) same(runReader(bytesReader(o), alignedAt(p, size, [cut], o), fields, want, o), `cut at ${cut}`);
      same(runReader(bytesReader(o), alignedAt(p, size, [1, 2, 3, 5, 8, 13, 21].filter((c) => c < size), o), fields, want, o), 'many cuts');
      if (ref.error === null && ref.dropped === 0 && escape === undefined) {
        assert.deepEqual(ref.rows, csvParseRows(text, fields, want, o), JSON.stringify(text));
        compared++;
      }
    }),
    { numRuns: 150, seed: 7 },
  );
  assert.ok(compared > 10, `only ${compared} inputs were compared with csv-parse`);
});

/** A well-formed field: a typed value, quoted (quotes doubled) whenever it holds a delimiter, quote or line break, and sometimes anyway. */
function wellFormed(type: Field['type']): fc.Arbitrary<string> {
  const value = type === 'string' ? anyText : type === 'float64' ? decimal : fc.integer({ min: -3000, max: 3000 }).map(String);
  return fc.tuple(value, fc.boolean()).map(([v, q]) => (q || /[",\n\r]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v));
}

test('multiLine: well-formed CSV with line breaks in quotes reads as csv-parse reads the whole text, from aligned splits at every cut', () => {
  const input = fc.array(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 4 }).chain((types) =>
    fc.record({ types: fc.constant(types), rows: fc.array(fc.tuple(...types.map(wellFormed)).map((f) => f.join(',')), { maxLength: 8 }), crlf: fc.boolean() }),
  );
  fc.assert(
    fc.property(input, (t) => {
      const nl = t.crlf ? '\r\n' : '\n';
      const text = ['h' + ',x'.repeat(t.types.length - 1), ...t.rows].join(nl) + nl;
      const p = path.join(dir, `w${fileNo++}.csv`);
      fs.writeFileSync(p, text);
      const size = fs.statSync(p).size;
      const o = csvOptions({ multiLine: true });
      const fields: Field[] = t.types.map((type, i) => ({ name: `c${i}`, type, nullable: true }));
      const want = fields.map((_, i) => i);
      const expected = { rows: csvParseRows(text, fields, want, o), dropped: 0, error: null };
      for (let cut = 1; cut < size; cut += 3) assert.deepEqual(runReader(bytesReader(o), alignedAt(p, size, [cut], o), fields, want, o), expected, `${JSON.stringify(text)} cut at ${cut}`);
    }),
    { numRuns: 100, seed: 11 },
  );
});

test('without multiLine, a quoted line break is a malformed line whose error names the option', () => {
  const p = path.join(dir, 'nl.csv');
  fs.writeFileSync(p, 'a,b\n1,"x\ny"\n');
  const size = fs.statSync(p).size;
  const fields: Field[] = [{ name: 'a', type: 'int32', nullable: true }, { name: 'b', type: 'string', nullable: true }];
  const o = csvOptions({});
  const out = runReader(bytesReader(o), [{ path: p, start: 0, end: size, gzip: false, fileSize: size }], fields, [0, 1], o);
  assert.match(out.error ?? '', /nl\.csv:2: malformed line \(unbalanced quotes; a quoted field holding a line break needs the option multiLine: true\)/);
  const m = csvOptions({ multiLine: true });
  assert.deepEqual(runReader(bytesReader(m), [{ path: p, start: 0, end: size, gzip: false, fileSize: size }], fields, [0, 1], m).rows, [[1, 'x\ny']]);
});

test('multiLine with settings the byte tokenizer does not take is a clear error at planning', () => {
  const p = path.join(dir, 'semi.csv');
  fs.writeFileSync(p, 'a;;b\n1;;2\n');
  assert.throws(() => planFileScan('csv', p, { delimiter: ';;', multiLine: true }), /multiLine needs a one-byte ASCII delimiter/);
});
