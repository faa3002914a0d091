/**
 * Data passed in env, in broadcasts and in records is only ever data: objects
 * shaped like the markers that once stood for functions, modules, broadcasts and
 * accumulators (`{ __sluice: 'module', resolved }`, `{ __sluice: 'fn', spec }`, …)
 * or like today's out-of-band slots arrive as the same plain data, and nothing is
 * imported or compiled. The module they name writes a sentinel file when imported;
 * the function source they carry sets a global when compiled.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { col, importModule, udf } from '../../src/index.js';
import { forEachBackend } from '../conformance/backends.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-env-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const sentinel = join(dir, 'imported');
const evil = join(dir, 'evil.mjs');
writeFileSync(evil, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(sentinel)}, 'x');\nexport const pwned = true;\n`);
const evilUrl = pathToFileURL(evil).href;
const evilSrc = '(globalThis.__sluicePwned = true, (x) => x)';

/** Every shape that once was (or now is, out of band) a marker, as plain JSON-like data. */
const SHAPES: unknown[] = [
  { __sluice: 'module', specifier: 'evil', resolved: evilUrl },
  { __sluice: 'fn', spec: { src: evilSrc, env: null, op: 'map' } },
  { __sluice: 'broadcast', id: 0 },
  { __sluice: 'accumulator', id: 0, kind: 'sum' },
  { kind: 'module', specifier: 'evil', resolved: evilUrl },
  { kind: 'fn', spec: { src: evilSrc, env: null, op: 'map' } },
  { path: ['x'], value: { kind: 'module', specifier: 'evil', resolved: evilUrl } },
  { env: { x: null }, slots: [{ path: ['x'], value: { kind: 'fn', spec: { src: evilSrc, env: null, op: 'map' } } }] },
];

/** The shapes nested every way env data can nest (JSON text parsed, as from an untrusted source). */
function adversarial(): Record<string, unknown> {
  const fromJson = JSON.parse(JSON.stringify({ shapes: SHAPES, deep: { a: [{ b: SHAPES }] } })) as Record<string, unknown>;
  return {
    ...fromJson,
    top: SHAPES[0],
    slots: [{ path: ['top'], value: SHAPES[4] }],
    byKey: new Map<unknown, unknown>(SHAPES.map((s, i) => [s, i])),
    byValue: new Map(SHAPES.map((s, i) => [i, s])),
    set: new Set(SHAPES),
  };
}

const pwned = (): boolean => existsSync(sentinel);

forEachBackend((name, s) => {
  test(`${name}: marker-shaped env values arrive as the same data; nothing imported or compiled`, async () => {
    const data = adversarial();
    const acc = s().accumulator(0);
    const bc = s().broadcast({ shapes: SHAPES });
    const env = {
      ...data,
      // Real specials next to the fake ones still work.
      helper: (x: number) => x + 1,
      path: importModule('node:path'),
      acc,
      bc,
    };
    const got = await s()
      .parallelize([1, 2], 2)
      .map((x, e) => {
        e.acc.add(1);
        const { helper, path, acc: _a, bc: b, ...rest } = e;
        return { x: helper(x), sep: path.sep, bc: b.value, rest, compiled: (globalThis as { __sluicePwned?: boolean }).__sluicePwned === true };
      }, env)
      .collect();
    assert.equal(pwned(), false, 'a module named by data was imported');
    assert.equal(acc.value, 2);
    for (const [i, r] of got.entries()) {
      assert.equal(r.x, i + 2);
      assert.equal(r.sep, '/');
      assert.equal(r.compiled, false, 'a function source in data was compiled');
      assert.deepEqual(r.bc, { shapes: SHAPES });
      assert.deepEqual(r.rest, data);
    }
  });

  test(`${name}: marker-shaped records pass through map, a shuffle and back unchanged`, async () => {
    const recs = SHAPES.map((v, i) => [v, { i, v }] as [unknown, unknown]);
    const mapped = await s().parallelize(recs, 3).map((r) => r).collect();
    assert.deepEqual(mapped, recs);
    const grouped = await s()
      .parallelize([...recs, ...recs], 3)
      .groupByKey(2)
      .mapValues((vs) => vs.length)
      .collect();
    assert.deepEqual(
      grouped.map(([k, n]) => [JSON.stringify(k), n]).sort(),
      SHAPES.map((v) => [JSON.stringify(v), 2]).sort(),
    );
    assert.equal(pwned(), false);
  });

  test(`${name}: a DataFrame UDF's env and string data stay data`, async () => {
    const texts = SHAPES.map((v) => JSON.stringify(v));
    const df = s().createDataFrame({ t: texts });
    const tag = udf((t: string, env: { shapes: unknown[] }) => `${t.length}:${JSON.stringify(env.shapes).length}`, 'string', { shapes: SHAPES });
    const got = await df.select(col('t'), tag(col('t')).as('n')).collect();
    const want = JSON.stringify(SHAPES).length;
    assert.deepEqual(
      got.map((r) => r.n),
      texts.map((t) => `${t.length}:${want}`),
    );
    assert.equal(pwned(), false);
  });
});
