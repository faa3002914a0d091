/**
 * `read.csv` against DuckDB's `read_csv` on generated files: random quoting (needed or not), embedded
 * delimiters, quotes and line breaks, empty strings (`""`) versus NULL (an empty unquoted field),
 * integers, decimals and unicode, LF or CRLF line ends. sluice reads with `multiLine: true`, on inline
 * and local[2], with split sizes from a few bytes to the whole file; DuckDB with the same schema
 * and `allow_quoted_nulls = false` (else it reads `""` as NULL). Both must give the same rows in order.
 * Files have at least two columns, one of them a string: a blank line is no record in sluice (as in
 * Spark) but a row of one NULL in DuckDB, which only a one-column file can hold.
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
const PIECES = ['a', 'Zz', ' ', 'é', '日本', '😀', '"', ',', '\n', '\r\n', ';', '\\', '0', '-1.5', 'NULL'];
const TYPES = ['string', 'int32', 'int64', 'float64'] as const;
type ColType = (typeof TYPES)[number];
const DUCK: Record<ColType, string> = { string: 'VARCHAR', int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE' };

interface Generated {
  path: string;
  types: ColType[];
}

function value(rng: Rng, t: ColType): string | null {
  if (rng.below(8) === 0) return null;
  switch (t) {
    case 'string': {
      if (rng.below(6) === 0) return '';
      let s = '';
      for (let k = rng.below(6); k > 0; k--) s += PIECES[rng.below(PIECES.length)];
      return s;
    }
    case 'int32':
      return String(rng.below(2000001) - 1000000);
    case 'int64':
      return String((rng.below(2000000) - 1000000) * 1000003 + rng.below(1000));
    case 'float64':
      return `${rng.below(20000) - 10000}.${String(rng.below(1000)).padStart(3, '0')}`;
  }
}

/** A CSV file of random rows; returns its path and column types. */
function generate(seed: number, rows: number): Generated {
  const rng = new Rng(seed);
  const types: ColType[] = ['string', ...Array.from({ length: 1 + rng.below(4) }, () => TYPES[rng.below(TYPES.length)]!)];
  for (let i = types.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [types[i], types[j]] = [types[j]!, types[i]!];
  }
  const nl = rng.below(2) === 0 ? '\n' : '\r\n';
  const lines = [types.map((_, i) => `c${i}`).join(',')];
  for (let r = 0; r < rows; r++) {
    const fields = types.map((t) => {
      const v = value(rng, t);
      if (v === null) return '';
      const must = v === '' || /[",\r\n]/.test(v);
      return must || rng.below(4) === 0 ? `"${v.replaceAll('"', '""')}"` : v;
    });
    lines.push(fields.join(','));
  }
  const p = path.join(dir, `g${seed}.csv`);
  fs.writeFileSync(p, lines.join(nl) + (rng.below(2) === 0 ? nl : ''));
  return { path: p, types };
}

let db: DuckOracle;
before(async () => {
  db = await DuckOracle.open({ threads: 1 });
});
after(() => db.close());

async function duckRows(g: Generated): Promise<Record<string, unknown>[]> {
  const columns = `{${g.types.map((t, i) => `'c${i}': '${DUCK[t]}'`).join(', ')}}`;
  return db.query(
    `SELECT * FROM read_csv('${g.path}', header = true, auto_detect = false, columns = ${columns}, delim = ',', quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false)`,
  );
}

const SEEDS = [1, 2, 3, 4, 5, 6];

for (const master of ['inline', 'local[2]']) {
  test(`read.csv (multiLine) gives DuckDB's rows on generated files, ${master}, several split sizes`, async () => {
    const s = await Session.local({ master });
    try {
      for (const seed of SEEDS) {
        const g = generate(seed, 150 + seed * 40);
        const expected = await duckRows(g);
        const schema = Object.fromEntries(g.types.map((t, i) => [`c${i}`, t]));
        const size = fs.statSync(g.path).size;
        let quotedBreaks = 0;
        for (const r of expected) for (const v of Object.values(r)) if (typeof v === 'string' && v.includes('\n')) quotedBreaks++;
        assert.ok(quotedBreaks > 0, 'the file should hold line breaks inside quotes (the case under test)');
        for (const splitBytes of [7, 61, 500, Math.ceil(size / 3), size + 1]) {
          const got = await s.read.csv(g.path, { schema, multiLine: true, splitBytes }).collect();
          assert.deepEqual(got, expected, `seed ${seed}, splitBytes ${splitBytes}`);
        }
        // Schema inference cuts records the same way (its types may differ: a column may look numeric).
        const inferred = await s.read.csv(g.path, { multiLine: true, splitBytes: 300 }).collect();
        assert.equal(inferred.length, expected.length);
      }
    } finally {
      await s.stop();
    }
  });
}

test("read.csv without multiLine gives DuckDB's rows on generated files without line breaks in quotes", async () => {
  const s = await Session.local({ master: 'local[2]' });
  try {
    for (const seed of [11, 12, 13]) {
      const g = generate(seed, 300);
      const text = fs.readFileSync(g.path, 'utf8');
      // Keep the rows whose quoted fields hold no line break: rewrite the file from DuckDB's rows.
      const rows = (await duckRows(g)).filter((r) => Object.values(r).every((v) => typeof v !== 'string' || !/[\r\n]/.test(v)));
      const q = (v: unknown): string => (v === null ? '' : typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v));
      fs.writeFileSync(g.path, [text.split(/\r?\n/)[0], ...rows.map((r) => Object.values(r).map(q).join(','))].join('\n') + '\n');
      const schema = Object.fromEntries(g.types.map((t, i) => [`c${i}`, t]));
      const expected = await duckRows(g);
      assert.deepEqual(expected, rows, 'the rewritten file reads back in DuckDB');
      for (const splitBytes of [13, 400, 1 << 20]) assert.deepEqual(await s.read.csv(g.path, { schema, splitBytes }).collect(), expected, `seed ${seed}, splitBytes ${splitBytes}`);
    }
  } finally {
    await s.stop();
  }
});
