import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFunction, resolveEnv } from '../../src/serde/compile-function.js';
import { importModule, shipFunction } from '../../src/serde/ship-function.js';
import { ENV_SPECIAL, type FnSpec } from '../../src/serde/function-spec.js';

const hooks = { broadcast: (id: number) => `bc${id}`, accumulator: (id: number) => ({ acc: id }) };
const spec = (src: string, site?: FnSpec['site']): FnSpec => ({ src, env: undefined, op: 'map', ...(site ? { site } : {}) });

test('compiles a shipped function and caches it', () => {
  const s = shipFunction((x: number, env: { k: number }) => x * env.k, { k: 3 }, 'map');
  const f = compileFunction(s) as (x: number, env: { k: number }) => number;
  assert.equal(f(2, { k: 3 }), 6);
  assert.equal(compileFunction(s), f);
});

test('method shorthand sources compile', () => {
  const o = { *gen(n: number) { for (let i = 0; i < n; i++) yield i; } };
  const g = compileFunction(shipFunction(o.gen, undefined, 'flatMap')) as (n: number) => Iterable<number>;
  assert.deepEqual([...g(3)], [0, 1, 2]);
});

test('tooling helpers injected by esbuild/tsc work after compileFunction', async () => {
  const f = compileFunction(spec('(x) => { const f = __name(() => x + 1, "f"); return [f(), f.name]; }')) as (x: number) => unknown;
  assert.deepEqual(f(1), [2, 'f']);
  const g = compileFunction(spec('(o) => __spreadProps(__spreadValues({}, o), { z: 3 })')) as (o: object) => unknown;
  assert.deepEqual(g({ a: 1 }), { a: 1, z: 3 });
  const h = compileFunction(spec('(o) => { const _a = o, { a } = _a, rest = __objRest(_a, ["a"]); return rest; }')) as (o: object) => unknown;
  assert.deepEqual(h({ a: 1, b: 2 }), { b: 2 });
  const p = compileFunction(spec('(o) => { class C { constructor() { __publicField(this, "v", o); } } return new C().v; }')) as (o: number) => number;
  assert.equal(p(4), 4);
  const aw = compileFunction(spec('(x) => __awaiter(void 0, void 0, void 0, function* () { const y = yield Promise.resolve(x); return y * 2; })')) as (x: number) => Promise<number>;
  assert.equal(await aw(5), 10);
  const as = compileFunction(spec('(x) => __async(this, null, function* () { return (yield x) + 1; })')) as (x: number) => Promise<number>;
  assert.equal(await as(1), 2);
  const gen = compileFunction(spec(`(n) => __generator(this, function (_a) {
    switch (_a.label) { case 0: return [4, n]; case 1: _a.sent(); return [4, n + 1]; case 2: _a.sent(); return [2]; } })`)) as (n: number) => Iterable<number>;
  assert.deepEqual([...gen(1)], [1, 2]);
  const sp = compileFunction(spec('(a) => __spreadArray(__spreadArray([], __read(a), false), [9], false)')) as (a: number[]) => number[];
  assert.deepEqual(sp([1, 2]), [1, 2, 9]);
  const rs = compileFunction(spec('(o) => __rest(__assign({}, o), ["x"])')) as (o: object) => object;
  assert.deepEqual(rs({ x: 1, y: 2 }), { y: 2 });
});

test('errors thrown inside a compiled function carry the site file name and line', () => {
  const site = { file: '/home/user/jobs/wordcount-job.ts', line: 40, column: 3 };
  const f = compileFunction(spec('(x) => {\n  throw new Error("boom " + x);\n}', site)) as (x: number) => void;
  try {
    f(1);
    assert.fail('should throw');
  } catch (e) {
    const stack = (e as Error).stack ?? '';
    assert.match(stack, /boom 1/);
    assert.match(stack, /\/home\/user\/jobs\/wordcount-job\.ts \[map\]:41:/);
  }
});

test('resolveEnv: fast path, fn slots, broadcast/accumulator hooks, modules', async () => {
  const plain = { k: 1, list: [1, 2] };
  assert.equal(await resolveEnv({ env: plain }, hooks), plain);
  assert.equal(await resolveEnv({ env: undefined }, hooks), undefined);

  const shipped = shipFunction((x: number, env: any) => env.double(x) + env.m.length, {
    double: (y: number) => y * 2,
    m: [1, 2, 3],
    b: { [ENV_SPECIAL]: () => ({ kind: 'broadcast' as const, id: 4 }) },
    a: [{ [ENV_SPECIAL]: () => ({ kind: 'accumulator' as const, id: 2, accumulator: 'sum' as const }) }],
    acorn: importModule('acorn'),
    path: importModule('node:path'),
    byKey: new Map([['h', (s: string) => s + '!']]),
  }, 'map');
  // Env crosses threads as plain data: simulate with structuredClone.
  const crossed = structuredClone({ env: shipped.env, slots: shipped.slots });
  const env = (await resolveEnv(crossed, hooks)) as any;
  // The shipped env is not changed in place (a task on the inline backend shares it).
  assert.deepEqual(crossed.env, structuredClone(shipped.env));
  assert.equal(env.double(21), 42);
  assert.deepEqual(env.m, [1, 2, 3]);
  assert.equal(env.b, 'bc4');
  assert.deepEqual(env.a, [{ acc: 2 }]);
  assert.equal(typeof env.acorn.parse, 'function');
  assert.equal(env.path.join('a', 'b'), 'a/b');
  assert.equal(env.byKey.get('h')('hi'), 'hi!');
  const f = compileFunction(shipped) as (x: number, e: unknown) => number;
  assert.equal(f(5, env), 13);
});

test('resolveEnv reports modules that cannot be imported', async () => {
  const slots = [{ path: ['m'], value: { kind: 'module' as const, specifier: 'gone', resolved: 'file:///nonexistent/gone.js' } }];
  await assert.rejects(resolveEnv({ env: { m: null }, slots }, hooks), /cannot import module 'gone'/);
});
