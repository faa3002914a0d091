import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bigInt64ToNumbers, numbersToBigInt64 } from '../../../src/frame/batch/int64.js';

test('numbersToBigInt64 gives BigInt(Math.trunc(x)) for int32-range, wider, fractional and non-finite numbers', () => {
  const edges = [0, -0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1), 2.5, -2.5, 0.999, -0.999, NaN, 4503599627370495];
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const xs = [...edges];
  for (let i = 0; i < 2000; i++) xs.push(Math.floor((rand() - 0.5) * 2 ** (1 + Math.floor(rand() * 53))), (rand() - 0.5) * 1e6);
  const got = numbersToBigInt64(Float64Array.from(xs));
  xs.forEach((x, i) => assert.equal(got[i], BigInt(Math.trunc(x) || 0), `x = ${x}`));
  // Int32Array input takes the int32 path for every value.
  const ints = Int32Array.from([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 77, -77]);
  assert.deepEqual([...numbersToBigInt64(ints)], [...ints].map(BigInt));
  // And back: integers up to 2^53 survive the round trip.
  const whole = Float64Array.from(xs.map((x) => Math.trunc(x) || 0));
  assert.deepEqual([...bigInt64ToNumbers(numbersToBigInt64(whole))], [...whole]);
});
