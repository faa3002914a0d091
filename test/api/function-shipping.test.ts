/**
 * Shipping user functions to workers, on every backend: env values, helper
 * functions passed in env, modules named with importModule, broadcasts and
 * accumulators nested in env, tooling helpers such as `__name`, and the
 * definition-time errors for what cannot travel.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreeVariableError, importModule, SluiceError } from '../../src/index.js';
import { forEachBackend } from '../conformance/backends.js';

const NUMS = [1, 2, 3, 4, 5, 6];

forEachBackend((name, s) => {
  test(`${name}: env values arrive intact (nested data, Map, Set, Date, typed arrays)`, async () => {
    const env = {
      k: 3,
      label: 'n',
      nested: { list: [10, 20, 30], deep: { flag: true, none: null as null, missing: undefined as undefined } },
      lookup: new Map<number, string>([[1, 'one'], [4, 'four']]),
      allowed: new Set([2, 4, 6]),
      epoch: new Date(86_400_000),
      bytes: new Uint8Array([7, 8, 9]),
    };
    const got = await s()
      .parallelize(NUMS, 3)
      .map(
        (x, e) => [
          `${e.label}${x * e.k + e.nested.list[x % 3]!}`,
          e.lookup.get(x) ?? null,
          e.allowed.has(x),
          e.epoch.getTime() / 86_400_000 + x,
          e.bytes[x % 3]!,
          e.nested.deep.flag && e.nested.deep.none === null && e.nested.deep.missing === undefined,
        ],
        env,
      )
      .collect();
    assert.deepEqual(
      got,
      NUMS.map((x) => [`n${x * 3 + [10, 20, 30][x % 3]!}`, x === 1 ? 'one' : x === 4 ? 'four' : null, x % 2 === 0, 1 + x, [7, 8, 9][x % 3]!, true]),
    );
  });

  test(`${name}: helper functions passed in env are callable on the worker`, async () => {
    const square = (x: number) => x * x;
    function describeNumber(x: number, unit: string): string {
      return `${x} ${unit}${x === 1 ? '' : 's'}`;
    }
    const helpers = { clamp: (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x)) };
    const got = await s()
      .parallelize(NUMS, 2)
      .map((x, env) => env.describeNumber(env.helpers.clamp(env.square(x), 2, 20), 'apple'), { square, describeNumber, helpers })
      .collect();
    assert.deepEqual(got, NUMS.map((x) => describeNumber(helpers.clamp(square(x), 2, 20), 'apple')));
    // a helper in a shuffle function's env
    const sums = await s()
      .parallelize(NUMS.map((x) => [x % 2, x] as [number, number]), 3)
      .reduceByKey((a, b, env) => env.add(a, b), { add: (a: number, b: number) => a + b })
      .collect();
    assert.deepEqual(sums.sort((a, b) => a[0] - b[0]), [[0, 12], [1, 9]]);
  });

  test(`${name}: importModule('node:path') and a package are imported on the worker`, async () => {
    const path = importModule('node:path') as unknown as typeof import('node:path');
    const files = ['/a/b/c.txt', '/x/y.json', 'rel/z.tar.gz'];
    const got = await s().parallelize(files, 2).map((f, env) => [env.path.basename(f), env.path.extname(f)], { path }).collect();
    assert.deepEqual(got, [['c.txt', '.txt'], ['y.json', '.json'], ['z.tar.gz', '.gz']]);
    // an npm package (CommonJS or ESM): use its named exports or default
    const fflate = importModule('fflate') as unknown as { strToU8?: (s: string) => Uint8Array; default?: { strToU8: (s: string) => Uint8Array } };
    const lengths = await s()
      .parallelize(['a', 'héllo', '✓✓'], 2)
      .map((x, env) => (env.fflate.strToU8 ?? env.fflate.default!.strToU8)(x).length, { fflate })
      .collect();
    assert.deepEqual(lengths, [1, 6, 6]);
    // a module in mapPartitions, imported once per task
    const joined = await s()
      .parallelize(files, 1)
      .mapPartitions((it, env) => [env.path.join(...[...it].map((f) => env.path.basename(f)))], { path })
      .collect();
    assert.deepEqual(joined, ['c.txt/y.json/z.tar.gz']);
  });

  test(`${name}: broadcasts and accumulators nested inside env`, async () => {
    const names = s().broadcast({ 1: 'one', 2: 'two' } as Record<number, string>);
    const seen = s().accumulator(0);
    const got = await s()
      .parallelize([1, 2, 3], 3)
      .map((x, env) => {
        env.stats.seen.add(1);
        return env.cfg.names.value[x] ?? env.cfg.fallback;
      }, { cfg: { names, fallback: '?' }, stats: { seen } })
      .collect();
    assert.deepEqual(got, ['one', 'two', '?']);
    assert.equal(seen.value, 3);
  });

  test(`${name}: the __name tooling helper exists on the worker`, async () => {
    // What esbuild/tsx emit for named arrow functions (keepNames): a call to __name.
    const f = (0, eval)('(x) => { const g = __name((y) => y + 1, "g"); return [g(x), g.name]; }') as (x: number) => [number, string];
    const got = await s().parallelize(NUMS, 3).map(f).collect();
    assert.deepEqual(got, NUMS.map((x) => [x + 1, 'g']));
    // and other helpers TypeScript tooling injects
    const spread = (0, eval)('(x) => __spreadValues({ a: x }, { b: x * 2 })') as (x: number) => { a: number; b: number };
    assert.deepEqual(await s().parallelize([1, 2], 2).map(spread).collect(), [{ a: 1, b: 2 }, { a: 2, b: 4 }]);
  });

  test(`${name}: functions in every syntax ship (function, method, generator, async-free closures)`, async () => {
    const obj = {
      triple(x: number) {
        return x * 3;
      },
    };
    assert.deepEqual(await s().parallelize(NUMS, 2).map(obj.triple).collect(), NUMS.map((x) => x * 3));
    assert.deepEqual(
      await s().parallelize(NUMS, 2).map(function named(x) { return x - 1; }).collect(),
      NUMS.map((x) => x - 1),
    );
    const locals = await s()
      .parallelize(NUMS, 2)
      .map((x) => {
        const table = [0, 10, 20];
        const inner = (y: number): number => (y > 0 ? inner(y - 1) + 1 : 0); // recursion through a local
        class Box { constructor(readonly v: number) {} }
        return new Box(table[x % 3]! + inner(x)).v;
      })
      .collect();
    assert.deepEqual(locals, NUMS.map((x) => [0, 10, 20][x % 3]! + x));
  });

  test(`${name}: what cannot travel fails at definition with a clear error`, () => {
    const ds = s().parallelize(NUMS, 2);
    const offset = 1;
    assert.throws(() => ds.map((x) => x + offset), (e: unknown) => e instanceof FreeVariableError && /"offset"/.test((e as Error).message) && /env/.test((e as Error).message));
    class Point { constructor(readonly x: number) {} }
    assert.throws(() => ds.map((x, env) => x + env.p.x, { p: new Point(1) }), (e: unknown) => e instanceof SluiceError && /Point/.test((e as Error).message));
    assert.throws(() => ds.map(Math.sqrt), SluiceError, 'a native function');
    assert.throws(() => ds.map(((x: number, y: number) => x + y).bind(null, 1)), /bound/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => ds.map((x, env) => x + (env.c ? 1 : 0), { c: cyclic }), /cycle/);
  });
});
