/**
 * The JSON lines byte reader (json-lines-bytes.ts, with the flat-object scanner) against the
 * JSON.parse reader (readJsonParsed, the reference) on random lines: escapes, raw unicode, numbers
 * in every JSON form (and forms JSON refuses), true/false/null, nested values, missing, unknown and
 * repeated keys, whitespace, CRLF, blank and malformed lines. Same rows, dropped count and error,
 * read whole and in two splits at several cuts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { getValue } from '../../../src/frame/batch/values.js';
import type { Field } from '../../../src/frame/types.js';
import { readJsonParsed, readJsonSplit } from '../../../src/io/frame/json-lines-frame.js';
import type { RawColumns } from '../../../src/io/frame/malformed.js';
import type { TextSplit } from '../../../src/io/text-splits.js';
import { tempDir } from './scan-helpers.js';

const dir = tempDir();
const KEYS = ['a', 'b', 'é', 'x y', 'other'];
const STRINGS = ['', 'id001', 'é日本😀', 'tab\\tq\\"', 'back\\\\slash', 'u\\u00e9\\ud83d\\ude00', 'nl\\n', '12', ' ', 'a,b'];
const NUMBERS = ['0', '-0', '7', '-12', '2147483647', '2147483648', '-2147483649', '1.5', '-0.25', '3.0', '1e3', '1E-2', '2.5e+1', '123456789012345678', '9007199254740993', '0.1234567890123456789', '1e400', '01', '+1', '1.', '.5', '-', '1e', '0x10', 'NaN'];
const OTHER = ['true', 'false', 'null', '{"k": 1}', '[1, "x"]', '[]', '{}', 'nul', 'tru'];

const value = fc.oneof(
  fc.constantFrom(...STRINGS).map((s) => `"${s}"`),
  fc.constantFrom(...NUMBERS),
  fc.constantFrom(...OTHER),
  fc.constantFrom('"unterminated', '"ctl\u0001"', "'single'"),
);
const ws = fc.constantFrom('', '', ' ', '\t', '  ');
const TYPES: Field['type'][] = ['string', 'int32', 'int64', 'float64'];
const WANTED = ['a', 'b', 'é', 'x y'];

/** A value that fits a column of `type` (so the line can take the byte path), or sometimes any value. */
function typedValue(type: Field['type']): fc.Arbitrary<string> {
  const fits =
    type === 'string'
      ? fc.constantFrom('"id001"', '"é日本😀"', '""', '"a,b"', '" "')
      : type === 'float64'
        ? fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 999 })).map(([m, f]) => `${m}.${f}`)
        : fc.integer({ min: -5000, max: 5000 }).map(String);
  return fc.oneof({ weight: 8, arbitrary: fits }, { weight: 2, arbitrary: fc.constant('null') }, { weight: 2, arbitrary: value });
}

function line(types: Field['type'][]): fc.Arbitrary<string> {
  const member = (k: number): fc.Arbitrary<string> =>
    fc.tuple(k < WANTED.length ? fc.constant(WANTED[k]!) : fc.constantFrom(...KEYS), ws, ws, k < WANTED.length ? typedValue(types[k]!) : value).map(([key, w1, w2, v]) => `"${key}"${w1}:${w2}${v}`);
  // Mostly the wanted keys in order (some dropped), sometimes extra or repeated keys.
  const members = fc.tuple(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.array(fc.constant(4), { maxLength: 2 })).chain(([keep, extra]) =>
    fc.tuple(...[0, 1, 2, 3].filter((k) => keep[k] || k === 0).concat(extra).map(member)),
  );
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(members, ws, ws).map(([ms, w1, w2]) => `${w1}{${ms.join(`,${w2}`)}}${w2}`) },
    { weight: 1, arbitrary: fc.constantFrom('', '   ', '[1]', '{"a": 1', '{"a": 1}}', '{"a" 1}', '{"a": 1,}', 'null', '"s"', '{"a": 1} x') },
  );
}

const input = fc.array(fc.constantFrom(...TYPES), { minLength: 4, maxLength: 4 }).chain((types) =>
  fc.record({
    lines: fc.array(line(types), { maxLength: 12 }),
    types: fc.constant(types),
    crlf: fc.boolean(),
    trailing: fc.boolean(),
    drop: fc.boolean(),
  }),
);

interface Outcome {
  rows: unknown[][];
  dropped: number;
  error: string | null;
}

function run(read: typeof readJsonParsed, splits: TextSplit[], fields: Field[], drop: boolean): Outcome {
  const out: Outcome = { rows: [], dropped: 0, error: null };
  try {
    for (const split of splits) {
      for (const raw of read(split, fields, drop ? 'dropMalformed' : 'failfast', (n) => (out.dropped += n), 3) as Iterable<RawColumns>) {
        for (let i = 0; i < raw.rows; i++) out.rows.push(raw.columns.map((c) => getValue(c, i)));
      }
    }
  } catch (e) {
    out.error = (e as Error).message;
  }
  return out;
}

let fileNo = 0;

test('the JSON lines byte reader reads random lines as JSON.parse does, whole and in two splits', () => {
  let fast = 0;
  fc.assert(
    fc.property(input, (t) => {
      const nl = t.crlf ? '\r\n' : '\n';
      const text = t.lines.join(nl) + (t.trailing ? nl : '');
      const p = path.join(dir, `j${fileNo++}.jsonl`);
      fs.writeFileSync(p, text);
      const size = fs.statSync(p).size;
      const fields: Field[] = WANTED.map((name, i) => ({ name, type: t.types[i]!, nullable: true }));
      const cuts = [size, 1, 7, Math.floor(size / 2), size - 3].filter((c) => c > 0 && c <= size);
      for (const cut of cuts) {
        const splits: TextSplit[] = cut === size ? [{ path: p, start: 0, end: size, gzip: false, fileSize: size }] : [
          { path: p, start: 0, end: cut, gzip: false, fileSize: size },
          { path: p, start: cut, end: size, gzip: false, fileSize: size },
        ];
        const ref = run(readJsonParsed, splits, fields, t.drop);
        const got = run(readJsonSplit, splits, fields, t.drop);
        // In failfast mode the rows read before the error depend on batching: compare the error only.
        if (ref.error === null) assert.deepEqual(got, ref, `${JSON.stringify(text)} cut at ${cut}`);
        else assert.equal(got.error, ref.error, `${JSON.stringify(text)} cut at ${cut}`);
        if (ref.error === null) fast += ref.rows.length;
      }
    }),
    { numRuns: 400, seed: 5 },
  );
  assert.ok(fast > 500, `only ${fast} rows were compared`);
});
