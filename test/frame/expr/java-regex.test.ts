import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../../src/frame/expr/functions.js';
import { javaRegex, javaSplit } from '../../../src/frame/expr/java-regex.js';
import { DuckOracle } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { batchOf, evalExpr } from './helpers.js';

/** split takes a Java regular expression and a limit, as Spark's split does. */

const { lit } = F;
const one = batchOf({ k: ['int32', [0]] });
const value = (e: F.ColumnArg): unknown => evalExpr(e as never, one)[0];

test("Spark's documented split examples", () => {
  const s = lit('oneAtwoBthreeC');
  assert.deepEqual(value(F.split(s, '[ABC]', 2)), ['one', 'twoBthreeC']);
  assert.deepEqual(value(F.split(s, '[ABC]', -1)), ['one', 'two', 'three', '']);
  assert.deepEqual(value(F.split(s, '[ABC]')), ['one', 'two', 'three', '']);
  // limit 0 keeps trailing empty strings too (Spark 3 passes -1 to Java).
  assert.deepEqual(value(F.split(s, '[ABC]', 0)), ['one', 'two', 'three', '']);
  assert.deepEqual(value(F.split(lit('a.b.c'), '.')), ['', '', '', '', '', '']);
  assert.deepEqual(value(F.split(lit('a.b.c'), '\\.')), ['a', 'b', 'c']);
});

test('split: empty pattern, empty input, zero-width matches and null', () => {
  assert.deepEqual(value(F.split(lit('abc'), '')), ['a', 'b', 'c']);
  assert.deepEqual(value(F.split(lit('abc'), '', 2)), ['a', 'bc']);
  assert.deepEqual(value(F.split(lit(''), ',')), ['']);
  assert.deepEqual(value(F.split(lit('aXbX'), '(?=X)')), ['a', 'Xb', 'X']);
  assert.deepEqual(value(F.split(lit('ab'), 'x*')), ['a', 'b', '']);
  assert.deepEqual(value(F.split(lit('a😀b'), '')), ['a', '😀', 'b']);
  const b = batchOf({ s: ['string', [null, 'x,y']] });
  assert.deepEqual(evalExpr(F.split('s', ','), b), [null, ['x', 'y']]);
});

test('Java pattern syntax is translated; what JS cannot do is a clear error', () => {
  const cases: [string, string, string[]][] = [
    ['a.|b.c', '\\Q.|\\E', ['a', 'b.c']],
    ['aXbxc', '(?i)x', ['a', 'b', 'c']],
    ['a:b;c', '[\\:\\;]', ['a', 'b', 'c']],
    ['a\u00a0b c', '\\s', ['a\u00a0b', 'c']], // Java's \s is ASCII only
    ['ab1cd', '\\p{Digit}', ['ab', 'cd']],
    ['a1b2', '\\P{Alpha}', ['a', 'b', '']],
    ['a\tb c', '\\h', ['a', 'b', 'c']],
    ['a\u0001b', '\\01', ['a', 'b']],
    ['aAb', '\\x{41}', ['a', 'b']],
    ['ab', '\\Ab', ['ab']],
    ['ab', '\\Aa', ['', 'b']],
    ['a]b', '[]]', ['a', 'b']],
  ];
  for (const [s, p, want] of cases) assert.deepEqual(javaSplit(s, p, -1), want, `${JSON.stringify(s)} split ${p}`);
  // Java's $ also matches before a final line terminator.
  assert.equal(javaRegex('a$', 't').test('a\n'), true);
  assert.equal(javaRegex('(?m)a$', 't').test('a\nb'), true);
  assert.throws(() => javaSplit('a', 'a++', -1), /split: .*possessive quantifier/);
  assert.throws(() => javaSplit('a', '(?>a)', -1), /atomic group/);
  assert.throws(() => javaSplit('a', '[a-z&&[^b]]', -1), /nested character class|intersection/);
  assert.throws(() => javaSplit('a', '(', -1), /split: invalid pattern "\("/);
  assert.deepEqual(value(F.regexpExtract(lit('key: 42'), '\\:\\s(\\p{Digit}+)', 1)), '42');
});

/** A naive reference for limit > 0: the first limit - 1 matches of a pattern that cannot match the empty string. */
function naiveSplit(s: string, re: RegExp, limit: number): string[] {
  const parts: string[] = [];
  let last = 0;
  for (const m of s.matchAll(new RegExp(re.source, 'g'))) {
    if (parts.length === limit - 1) break;
    parts.push(s.slice(last, m.index));
    last = m.index! + m[0].length;
  }
  return [...parts, s.slice(last)];
}

test('split of generated strings agrees with DuckDB regexp_split_to_array (no limit) and a naive reference (limits)', async () => {
  const rng = new Rng(5);
  const alphabet = 'ab,;. ';
  const strings = Array.from({ length: 600 }, () => Array.from({ length: rng.below(12) }, () => alphabet[rng.below(alphabet.length)]).join(''));
  const patterns: [string, RegExp][] = [[',', /,/], ['[,;]', /[,;]/], [',+', /,+/], ['\\.', /\./], ['a|b', /a|b/], ['[^a ]', /[^a ]/], [' ', / /]];
  const db = await DuckOracle.open({ threads: 1 });
  await db.load('t', { k: strings.map((_, i) => i), s: strings }, { k: 'int32', s: 'string' });
  const batch = batchOf({ s: ['string', strings] });
  const mismatches: string[] = [];
  for (const [p, re] of patterns) {
    const want = (await db.query(`SELECT regexp_split_to_array(s, '${p}') AS r FROM t ORDER BY k`)).map((r) => r.r);
    const got = evalExpr(F.split('s', p), batch);
    got.forEach((g, i) => {
      if (JSON.stringify(g) !== JSON.stringify(want[i])) mismatches.push(`${JSON.stringify(strings[i])} split ${p}: ${JSON.stringify(g)} vs ${JSON.stringify(want[i])}`);
    });
    for (const limit of [1, 2, 3]) {
      const lim = evalExpr(F.split('s', p, limit), batch);
      lim.forEach((g, i) => assert.deepEqual(g, naiveSplit(strings[i]!, re, limit), `${JSON.stringify(strings[i])} split ${p} limit ${limit}`));
    }
  }
  db.close();
  assert.deepEqual(mismatches.slice(0, 5), []);
});
