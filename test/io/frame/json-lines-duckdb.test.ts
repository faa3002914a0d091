/**
 * `read.jsonLines` against DuckDB's `read_json` on generated files: keys in random order, missing
 * keys and explicit nulls (both NULL), strings with every JSON escape (`\"`, `\\`, `\n`, `\u00e9`,
 * surrogate pairs) and raw unicode, integers, decimals and exponents, spaces around tokens. sluice
 * reads with an explicit schema (the byte scanner's path, with JSON.parse for lines it leaves), on
 * inline and local[2], with split sizes from a few bytes to the whole file; DuckDB with the same
 * columns. Both must give the same rows in order.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { Session } from '../../../src/index.js';
import { DuckOracle } from '../../frame/oracle/duckdb-oracle.js';
import { Rng } from '../../frame/oracle/random.js';
import { tempDir } from './scan-helpers.js';

const dir = tempDir();
const TYPES = ['string', 'int32', 'int64', 'float64'] as const;
type ColType = (typeof TYPES)[number];
const DUCK: Record<ColType, string> = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE' };
/** Pieces of strings, written as JSON text (escaped or raw). */
const PIECES = ['a', 'Zz', ' ', 'é', '\\u00e9', '日本', '😀', '\\ud83d\\ude00', '\\"', '\\\\', '\\n', '\\t', '\\/', ',', ':', '{', ']', 'null', '0'];

function number(rng: Rng, t: ColType): string {
  switch (t) {
    case 'int32':
      return String(rng.below(2000001) - 1000000);
    case 'int64':
      return String((rng.below(2000000) - 1000000) * 1000003 + rng.below(1000));
    default: {
      const forms = [`${rng.below(20000) - 10000}.${String(rng.below(1000)).padStart(3, '0')}`, `${rng.below(100)}e${rng.below(5)}`, `-${rng.below(9)}.5E-${rng.below(3)}`, String(rng.below(50))];
      return forms[rng.below(forms.length)]!;
    }
  }
}

function value(rng: Rng, t: ColType): string | undefined {
  const r = rng.below(10);
  if (r === 0) return undefined; // key missing
  if (r === 1) return 'null';
  if (t !== 'string') return number(rng, t);
  let s = '';
  for (let k = rng.below(6); k > 0; k--) s += PIECES[rng.below(PIECES.length)];
  return `"${s}"`;
}

interface Generated {
  path: string;
  types: ColType[];
}

function generate(seed: number, rows: number): Generated {
  const rng = new Rng(seed);
  const types: ColType[] = Array.from({ length: 2 + rng.below(4) }, () => TYPES[rng.below(TYPES.length)]!);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const fields: string[] = [];
    types.forEach((t, c) => {
      const v = value(rng, t);
      if (v === undefined) return;
      const sp = rng.below(5) === 0 ? ' ' : '';
      fields.push(`${sp}"c${c}"${sp}:${sp}${v}${sp}`);
    });
    for (let k = fields.length - 1; k > 0; k--) {
      const j = rng.below(k + 1);
      [fields[k], fields[j]] = [fields[j]!, fields[k]!];
    }
    lines.push(`{${fields.join(',')}}`);
  }
  const p = path.join(dir, `j${seed}.jsonl`);
  fs.writeFileSync(p, lines.join('\n') + (rng.below(2) === 0 ? '\n' : ''));
  return { path: p, types };
}

let db: DuckOracle;
before(async () => {
  db = await DuckOracle.open({ threads: 1 });
});
after(() => db.close());

function duckRows(g: Generated): Promise<Record<string, unknown>[]> {
  const columns = `{${g.types.map((t, i) => `'c${i}': '${DUCK[t]}'`).join(', ')}}`;
  return db.query(`SELECT * FROM read_json('${g.path}', format = 'newline_delimited', columns = ${columns})`);
}

for (const master of ['inline', 'local[2]']) {
  test(`read.jsonLines gives DuckDB's rows on generated files, ${master}, several split sizes`, async () => {
    const s = await Session.local({ master });
    try {
      for (const seed of [1, 2, 3, 4, 5]) {
        const g = generate(seed, seed === 1 ? 60 : 200 + seed * 50);
        const expected = await duckRows(g);
        assert.ok(expected.length >= 60);
        const schema = Object.fromEntries(g.types.map((t, i) => [`c${i}`, t]));
        const size = fs.statSync(g.path).size;
        for (const splitBytes of [7, 331, Math.ceil(size / 3), size + 1].filter((b) => b > 7 || seed === 1)) {
          const got = await s.read.jsonLines(g.path, { schema, splitBytes }).collect();
          assert.deepEqual(got, expected, `seed ${seed}, splitBytes ${splitBytes}`);
        }
      }
    } finally {
      await s.stop();
    }
  });
}
