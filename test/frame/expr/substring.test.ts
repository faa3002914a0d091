import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lit, substring } from '../../../src/frame/expr/functions.js';
import { Rng } from '../oracle/random.js';
import { batchOf, evalExpr } from './helpers.js';

/** substring as Spark's substringSQL: 1-based, 0 is the first character, negatives from the end, counted in code points. */

const one = batchOf({ k: ['int32', [0]] });

test("Spark's documented substring examples", () => {
  assert.equal(evalExpr(substring(lit('Spark SQL'), 5), one)[0], 'k SQL');
  assert.equal(evalExpr(substring(lit('Spark SQL'), -3), one)[0], 'SQL');
  assert.equal(evalExpr(substring(lit('Spark SQL'), 5, 1), one)[0], 'k');
  assert.equal(evalExpr(substring(lit('abcd'), 1, 2), one)[0], 'ab');
  assert.equal(evalExpr(substring(lit('hello'), 0, 2), one)[0], 'he');
});

/** Spark's rule on an array of code points, written plainly. */
function naive(s: string, pos: number, len: number | undefined): string {
  const cps = Array.from(s);
  let start = pos > 0 ? pos - 1 : pos < 0 ? cps.length + pos : 0;
  const end = len === undefined ? cps.length : start + len;
  start = Math.max(start, 0);
  return start >= end ? '' : cps.slice(start, Math.min(end, cps.length)).join('');
}

test('substring of generated strings (with characters outside the BMP) agrees with a naive reference', () => {
  const rng = new Rng(13);
  const alphabet = ['a', 'b', 'é', '😀', '𝄞', ' '];
  const strings = Array.from({ length: 300 }, () => Array.from({ length: rng.below(8) }, () => alphabet[rng.below(alphabet.length)]).join(''));
  const batch = batchOf({ s: ['string', strings] });
  for (let pos = -9; pos <= 9; pos++) {
    for (const len of [undefined, -1, 0, 1, 2, 5, 20]) {
      const got = evalExpr(len === undefined ? substring('s', pos) : substring('s', pos, len), batch);
      got.forEach((g, i) => assert.equal(g, naive(strings[i]!, pos, len), `substring(${JSON.stringify(strings[i])}, ${pos}, ${len})`));
    }
  }
});
