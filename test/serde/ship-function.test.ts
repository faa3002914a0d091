import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeVariables, importModule, shipFunction, TOOLING_HELPERS } from '../../src/serde/ship-function.js';
import { ENV_SPECIAL } from '../../src/serde/function-spec.js';
import { FreeVariableError, SluiceError } from '../../src/util/errors.js';

const site = { file: 'job.ts', line: 12, column: 5 };
const fv = (src: string) => freeVariables(src);

test('free variables: simple references and parameters', () => {
  assert.deepEqual(fv('(x) => x * k'), ['k']);
  assert.deepEqual(fv('(x, env) => x * env.k'), []);
  assert.deepEqual(fv('function f(a, b = a + c, ...rest) { return f(rest, b) }'), ['c']);
  assert.deepEqual(fv('async (x) => await g(x)'), ['g']);
});

test('free variables: destructuring params and declarations', () => {
  assert.deepEqual(fv('({ a, b: { c }, ...r }, [d, , e = z]) => a + c + d + e + r'), ['z']);
  assert.deepEqual(fv('(x) => { const { p, q: [r] } = x; let [s = t] = x; return p + r + s }'), ['t']);
  assert.deepEqual(fv('(x) => { ({ a: y.w, b: u } = x); [v] = x; }'), ['u', 'v', 'y']);
  assert.deepEqual(fv('({ [key]: v }) => v'), ['key']);
});

test('free variables: scopes, hoisting, nesting, shadowing', () => {
  assert.deepEqual(fv('(x) => { if (x) { var v = 1 } return v }'), []);
  assert.deepEqual(fv('(x) => { if (x) { let v = 1 } return v }'), ['v']);
  assert.deepEqual(fv('(x) => { return h(x); function h(y) { return y + m } }'), ['m']);
  assert.deepEqual(fv('(x) => { const k = 2; return [1].map((y) => y * k + j) }'), ['j']);
  assert.deepEqual(fv('(k) => { { const k2 = k; } return ((k) => k)(1) }'), []);
  assert.deepEqual(fv('function (x) { return arguments.length }'), []);
  assert.deepEqual(fv('(x) => arguments[0]'), ['arguments']);
  assert.deepEqual(fv('function fact(n) { return n ? n * fact(n - 1) : 1 }'), []);
  assert.deepEqual(fv('(x) => { for (let i = 0; i < x; i++) {} for (const [a, b] of x) a + b; for (w in x); return i }'), ['i', 'w']);
  assert.deepEqual(fv('(x) => { switch (x) { case 1: let s = 1; return s; default: return q } }'), ['q']);
});

test('free variables: catch, classes, labels, members, keys, shorthand', () => {
  assert.deepEqual(fv('(x) => { try { f1(x) } catch ({ message }) { return message + e } }'), ['e', 'f1']);
  assert.deepEqual(fv('(x) => { try {} catch (err) { return err } }'), []);
  assert.deepEqual(fv('(x) => { class A extends B { #p = 1; static s = z; m(y) { return this.#p + y + A.s } static { var t = 1; } } return new A() }'), ['B', 'z']);
  assert.deepEqual(fv('(x) => { outer: for (;;) { break outer; } lbl: { continue_; } }'), ['continue_']);
  assert.deepEqual(fv('(x) => a.b.c + x.y[z] + x?.q'), ['a', 'z']);
  assert.deepEqual(fv('(x) => ({ key: 1, [ck]: 2, short, m() { return 1 }, get g() { return gg } })'), ['ck', 'gg', 'short']);
  assert.deepEqual(fv('function (x) { return new.target }'), []);
  assert.deepEqual(fv('(x) => `a${x}${tpl}`'), ['tpl']);
});

test('globals and tooling helpers are allowed; driver-only names are not', () => {
  shipFunction((x: number) => Math.max(x, Number.MAX_SAFE_INTEGER) + parseInt('1') + JSON.stringify([undefined, NaN, Infinity, globalThis]).length, undefined, 'map');
  assert.ok(TOOLING_HELPERS.includes('__name') && TOOLING_HELPERS.includes('__awaiter'));
  const withHelper = new Function('return (x) => __name(() => x, "f")')();
  shipFunction(withHelper, undefined, 'map');
  for (const n of ['require', 'module', 'exports', '__dirname', '__filename']) {
    const f = new Function(`return (x) => ${n}`)();
    assert.throws(() => shipFunction(f, undefined, 'map'), FreeVariableError);
  }
});

test('error names the operator, site and every missing variable, and shows env usage', () => {
  const k = 3;
  const err = (() => { try { shipFunction((x: number) => x * k, undefined, 'map', site); } catch (e) { return e as Error; } })();
  assert.ok(err instanceof FreeVariableError);
  assert.equal(err.message, 'map at job.ts:12:5 uses variable "k" that will not exist on the worker. Pass it in env: ds.map((x, env) => ... env.k ..., { k })');
  const a = 1, b = 2;
  assert.throws(() => shipFunction((x: number) => x + a + b, undefined, 'filter', site), (e: Error) =>
    /filter at job\.ts:12:5 uses variables "a", "b"/.test(e.message) && /\{ a, b \}/.test(e.message));
});

test('method shorthand, async and generator methods are normalized', () => {
  const o = {
    foo(x: number) { return x + 1; },
    async bar(x: number) { return x; },
    *gen() { yield 1; },
    async *agen() { yield 2; },
    ['comp' + 'uted'](x: number) { return x; },
    get acc() { return 1; },
  };
  assert.match(shipFunction(o.foo, undefined, 'map').src, /^function foo\(x\)/);
  assert.match(shipFunction(o.bar, undefined, 'map').src, /^async function bar\(x\)/);
  assert.match(shipFunction(o.gen, undefined, 'map').src, /^function\* gen\(\)/);
  assert.match(shipFunction(o.agen, undefined, 'map').src, /^async function\* agen\(\)/);
  assert.match(shipFunction((o as any).computed, undefined, 'map').src, /^function \(x\)/);
  const getter = Object.getOwnPropertyDescriptor(o, 'acc')!.get!;
  assert.match(shipFunction(getter, undefined, 'map').src, /^function acc\(\)/);
  for (const f of [o.foo, o.bar, o.gen, o.agen]) assert.equal(typeof new Function(`return (${shipFunction(f, undefined, 'map').src})`)(), 'function');
  // The method name is not bound inside a method: using it is a free variable.
  const rec = { me(): unknown { return me; } };
  const me = 1;
  assert.throws(() => shipFunction(rec.me, undefined, 'map'), /"me"/);
});

test('classes, native and bound functions are rejected', () => {
  assert.throws(() => shipFunction(class A {}, undefined, 'map'), SluiceError);
  assert.throws(() => shipFunction(Math.max, undefined, 'map'), /native/);
  assert.throws(() => shipFunction(((x: number) => x).bind(null), undefined, 'map'), /bound/);
});

test('env: plain data, functions and specials out of band; class instances rejected', () => {
  class Broadcast { [ENV_SPECIAL]() { return { kind: 'broadcast' as const, id: 7 }; } }
  const helper = (s: string) => s.toUpperCase();
  const spec = shipFunction((x: number, env: any) => env.k * x, {
    k: 3, list: [1, { d: new Date(0) }], m: new Map([[1, 'a']]), s: new Set([1]), big: 5n, bytes: new Uint8Array(2),
    helper, nested: { b: new Broadcast() },
  }, 'map', site);
  const env = spec.env as any;
  assert.equal(env.k, 3);
  assert.deepEqual(env.list, [1, { d: new Date(0) }]);
  assert.equal(env.helper, null);
  assert.equal(env.nested.b, null);
  const slots = spec.slots!;
  assert.deepEqual(slots.map((s) => s.path), [['helper'], ['nested', 'b']]);
  assert.equal(slots[0]!.value.kind === 'fn' && slots[0]!.value.spec.op, 'map env.helper');
  assert.deepEqual(slots[1]!.value, { kind: 'broadcast', id: 7 });
  // A Set cannot hold a slot (it has no place to put one back).
  assert.throws(() => shipFunction((x: number) => x, { s: new Set([(y: number) => y]) }, 'map'), /env\.s is a Set holding a function/);
  assert.throws(() => shipFunction((x: number) => x, { m: new Map([[(y: number) => y, 1]]) }, 'map'), /Map key/);
  class Point { x = 1; }
  assert.throws(() => shipFunction((x: number) => x, { p: { q: new Point() } }, 'map'), /env\.p\.q is an instance of Point/);
  const bad = 9;
  assert.throws(() => shipFunction((x: number) => x, { h: () => bad }, 'map'), /map env\.h .*"bad"/);
  const cyc: any = { a: 1 }; cyc.self = cyc;
  assert.throws(() => shipFunction((x: number) => x, { cyc }, 'map'), /cycle/);
});

test('shipFunction caches per function and keeps op/site per call', () => {
  const f = (x: number) => x + 1;
  const a = shipFunction(f, undefined, 'map', site);
  const b = shipFunction(f, undefined, 'filter');
  assert.equal(a.src, b.src);
  assert.equal(b.op, 'filter');
  assert.equal(b.site, undefined);
});

test('importModule resolves installed and builtin modules, errors on missing ones', () => {
  const m = importModule('acorn')[ENV_SPECIAL]();
  assert.equal(m.kind, 'module');
  assert.ok(m.kind === 'module' && m.resolved.startsWith('file://') && m.resolved.includes('acorn'));
  const fsm = importModule('fs')[ENV_SPECIAL]();
  assert.ok(fsm.kind === 'module' && fsm.resolved === 'node:fs');
  assert.throws(() => importModule('definitely-not-a-module-xyz'), /importModule\('definitely-not-a-module-xyz'\)/);
});
