import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';
import type { DataType } from '../../../src/frame/types.js';
import { GroupKeys } from '../../../src/exec/frame/group-keys.js';
import { NumberIdMap } from '../../../src/exec/frame/group-number-map.js';

/** Group ids a naive Map over the JSON of each row's key values would give (first appearance order). */
function naiveIds(rows: unknown[][], seen = new Map<string, number>()): number[] {
  return rows.map((r) => {
    const k = JSON.stringify(r.map(normalize));
    if (!seen.has(k)) seen.set(k, seen.size);
    return seen.get(k)!;
  });
}

function vectors(types: DataType[], rows: unknown[][]): ColumnVector[] {
  return types.map((t, c) => vectorFromValues(t, rows.map((r) => r[c])));
}

function assignAll(gk: GroupKeys, types: DataType[], batches: unknown[][][]): number[] {
  const out: number[] = [];
  for (const rows of batches) out.push(...gk.assign(vectors(types, rows), rows.length).subarray(0, rows.length));
  return out;
}

test('NumberIdMap hands out dense ids; NaN is one key, -0 equals 0, null has its own id', () => {
  const m = new NumberIdMap(4);
  const keys = [5, -1, 5, NaN, 0, -0, NaN, 1e300, 2 ** 52 + 1, 2 ** 52 + 1];
  assert.deepEqual(keys.map((k) => m.getOrAdd(k)), [0, 1, 0, 2, 3, 3, 2, 4, 5, 5]);
  assert.equal(m.nullId(), 6);
  assert.equal(m.nullId(), 6);
  for (let i = 0; i < 1000; i++) m.getOrAdd(i + 0.5);
  assert.equal(m.get(999.5), 1006);
  assert.equal(m.get(7.25), -1);
  assert.equal(m.size, 1007);
});

test('group ids match a naive map for mixed key types with nulls, across batches', () => {
  const types: DataType[] = ['string', 'int32', 'float64', 'bool', 'date'];
  const value = fc.tuple(
    fc.option(fc.constantFrom('a', 'b', ''), { nil: null }),
    fc.option(fc.integer({ min: -3, max: 3 }), { nil: null }),
    fc.option(fc.constantFrom(0.5, -0, 0, NaN, 1e20), { nil: null }),
    fc.option(fc.boolean(), { nil: null }),
    fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
  );
  fc.assert(
    fc.property(fc.array(fc.array(value, { maxLength: 30 }), { maxLength: 5 }), fc.integer({ min: 1, max: 5 }), (batches, k) => {
      const ts = types.slice(0, k);
      const rows = batches.map((b) => b.map((r) => r.slice(0, k)));
      const gk = new GroupKeys(ts);
      assert.deepEqual(assignAll(gk, ts, rows), naiveIds(rows.flat()));
      const keyCols = gk.vectors();
      const distinct = [...new Set(rows.flat().map((r) => JSON.stringify(r.map(normalize))))];
      const back = distinct.map((_, g) => JSON.stringify(keyCols.map((v) => normalize(getValue(v, g)))));
      assert.deepEqual(back, distinct);
    }),
    { numRuns: 60 },
  );
});

test('int32 keys without nulls (direct table, then the hash map past its range) match a naive map', () => {
  const int = fc.oneof(fc.integer({ min: -5, max: 50 }), fc.integer({ min: 2 ** 20 - 3, max: 2 ** 20 + 3 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31)));
  fc.assert(
    fc.property(fc.array(fc.array(fc.tuple(int), { maxLength: 40 }), { maxLength: 5 }), (batches) => {
      const gk = new GroupKeys(['int32']);
      assert.deepEqual(assignAll(gk, ['int32'], batches), naiveIds(batches.flat()));
      const distinct = [...new Set(batches.flat().map((r) => r[0]))];
      assert.deepEqual(Array.from(gk.vectors()[0]!.values!), distinct);
    }),
    { numRuns: 100 },
  );
});

test('reserve sizes three or more keys for the expected groups: ids as without it, no growth on the way', () => {
  const types: DataType[] = ['int32', 'string', 'int32'];
  const rows = Array.from({ length: 90000 }, (_, i) => (i * 7919) % 80000).map((c) => [c % 5, `k${c % 3}`, c]);
  const batches = [rows.slice(0, 50000), rows.slice(50000)];
  const plain = new GroupKeys(types);
  const sized = new GroupKeys(types);
  assert.equal(new GroupKeys(['int32', 'int32']).reserveBytes(80000), 0, 'two keys take the direct table first');
  assert.ok(sized.reserveBytes(80000) > 80000 * 16);
  sized.reserve(80000);
  assert.deepEqual(assignAll(sized, types, batches), assignAll(plain, types, batches));
  assert.equal(sized.size, 80000);
  assert.ok(sized.bytes() < plain.bytes(), 'group arrays sized exactly, not grown by doubling');
  assert.equal(sized.reserveBytes(80000), 0, 'nothing to size once groups exist');
});

/** A JSON-safe form: dates as days (they come back as Date), NaN as a string (JSON would make it null); -0 prints as 0. */
function normalize(v: unknown): unknown {
  if (v instanceof Date) return Math.round(v.getTime() / 86400000);
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  return v;
}

test('many high-cardinality keys are packed in stages and keep their ids when widths grow', () => {
  // Six columns whose cardinalities grow batch by batch: bit widths double and stages are rebuilt.
  const types: DataType[] = ['int64', 'string', 'int32', 'int64', 'string', 'int32'];
  const batches: unknown[][][] = [];
  for (let b = 0; b < 6; b++) {
    const rows: unknown[][] = [];
    const card = 4 ** (b + 1);
    for (let i = 0; i < 3000; i++) {
      const x = (i * 7 + b * 13) % card;
      rows.push([x * 1e6, `s${x % 300}`, x % 1000, (x * 31) % card, `t${(x * 17) % card}`, i % 3 === 0 ? null : x]);
    }
    batches.push(rows);
  }
  const gk = new GroupKeys(types);
  assert.deepEqual(assignAll(gk, types, batches), naiveIds(batches.flat()));
  assert.equal(gk.size, new Set(batches.flat().map((r) => JSON.stringify(r))).size);
});

test('string keys translate each batch dictionary, whatever its order or unused entries', () => {
  const gk = new GroupKeys(['string']);
  const dictA = ['x', 'y', 'unused', 'z'];
  const v1: ColumnVector = { type: 'string', length: 4, values: Int32Array.of(1, 0, 1, 3), dict: dictA, validity: null, nullCount: 0 };
  const v2: ColumnVector = { type: 'string', length: 3, values: Int32Array.of(0, 1, 2), dict: ['z', 'w', 'x'], validity: Uint8Array.of(0b101), nullCount: 1 };
  assert.deepEqual([...gk.assign([v1], 4).subarray(0, 4)], [0, 1, 0, 2]);
  assert.deepEqual([...gk.assign([v2], 3).subarray(0, 3)], [2, 3, 1]);
  const keys = gk.vectors()[0]!;
  assert.deepEqual([0, 1, 2, 3].map((g) => getValue(keys, g)), ['y', 'x', 'z', null]);
});

test('a dictionary that repeats an entry (not marked distinct) still groups by value', () => {
  const gk = new GroupKeys(['string']);
  const v: ColumnVector = { type: 'string', length: 4, values: Int32Array.of(0, 2, 1, 2), dict: ['a', 'b', 'a'], validity: null, nullCount: 0 };
  assert.deepEqual([...gk.assign([v], 4).subarray(0, 4)], [0, 0, 1, 0]);
  assert.equal(gk.size, 2);
});

test('two keys: the direct code table, then the hash table once a key outgrows it', () => {
  const types: DataType[] = ['int64', 'string'];
  const small = Array.from({ length: 500 }, (_, i) => [i % 7, i % 3 === 0 ? null : `s${i % 5}`]);
  const wide = Array.from({ length: 2000 }, (_, i) => [i % 400, `s${i % 5}`]); // 400 codes > the direct side
  const batches = [small, wide, small];
  const gk = new GroupKeys(types);
  assert.deepEqual(assignAll(gk, types, batches), naiveIds(batches.flat()));
  const fresh = new GroupKeys(types);
  fresh.assign(vectors(types, wide), wide.length);
  const byKey = (g: GroupKeys) => {
    const vs = g.vectors();
    const h = g.hashes();
    return new Map(Array.from({ length: g.size }, (_, i) => [JSON.stringify(vs.map((v) => getValue(v, i))), h[i]]));
  };
  // Hashes do not depend on which path found the group.
  const all = byKey(gk);
  for (const [k, h] of byKey(fresh)) assert.equal(all.get(k), h);
});

test('string keys over batches that cycle through more dictionaries than the coder keeps translations for', () => {
  const gk = new GroupKeys(['string']);
  // Six dictionaries of 2000 entries each (larger than the 100-row batches), each seen repeatedly.
  const dicts = Array.from({ length: 6 }, (_, d) => Array.from({ length: 2000 }, (_, i) => `k${(i * (d + 1)) % 2500}`));
  const rows: string[] = [];
  const out: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const dict of dicts) {
      const codes = Int32Array.from({ length: 100 }, (_, i) => (i * 37 + round * 11) % dict.length);
      const v: ColumnVector = { type: 'string', length: 100, values: codes, dict, validity: null, nullCount: 0 };
      out.push(...gk.assign([v], 100).subarray(0, 100));
      rows.push(...[...codes].map((c) => dict[c]!));
    }
  }
  assert.deepEqual(out, naiveIds(rows.map((r) => [r])));
});

test('group hashes depend only on key values', () => {
  const a = new GroupKeys(['string', 'int64']);
  const b = new GroupKeys(['string', 'int64']);
  a.assign(vectors(['string', 'int64'], [['p', 1], ['q', 2], [null, 3]]), 3);
  b.assign(vectors(['string', 'int64'], [[null, 3], ['q', 2], ['p', 1], ['p', 2]]), 4);
  const ha = a.hashes();
  const hb = b.hashes();
  assert.deepEqual([ha[0], ha[1], ha[2]], [hb[2], hb[1], hb[0]]);
  assert.notEqual(hb[2], hb[3]);
});

test('no keys: every row is group 0, and ensureOneGroup makes it exist without rows', () => {
  const gk = new GroupKeys([]);
  assert.equal(gk.size, 0);
  gk.ensureOneGroup();
  assert.equal(gk.size, 1);
  assert.deepEqual([...gk.assign([], 3).subarray(0, 3)], [0, 0, 0]);
});

test('string keys from one distinct dictionary come out coded into it (no dictionary of their own)', async () => {
  const { decodeIpc, encodeIpc } = await import('../../../src/frame/batch/ipc.js');
  const { sliceVector } = await import('../../../src/frame/batch/batch.js');
  const schema = { fields: [{ name: 'k', type: 'string' as const, nullable: true }] };
  const src = vectorFromValues('string', ['p', 'q', null, 'r', 'q', 's', 'p']);
  // As a cached table gives them: slices of one column read from IPC, its dictionary still UTF-8.
  const read = decodeIpc(encodeIpc({ schema, columns: [src], numRows: src.length }))[0]!.columns[0]!;
  const gk = new GroupKeys(['string']);
  assert.deepEqual([...gk.assign([sliceVector(read, 0, 4)], 4).subarray(0, 4)], [0, 1, 2, 3]);
  assert.deepEqual([...gk.assign([sliceVector(read, 4, 7)], 3).subarray(0, 3)], [1, 4, 0]);
  const keys = gk.vectors()[0]!;
  assert.ok(keys.utf8 !== undefined && keys.utf8 === read.utf8, 'the input dictionary itself');
  assert.deepEqual([0, 1, 2, 3, 4].map((g) => getValue(keys, g)), ['p', 'q', null, 'r', 's']);
  // A second dictionary ends that: the keys get a dictionary of their own, values unchanged.
  gk.assign([vectorFromValues('string', ['t', 'p'])], 2);
  const after = gk.vectors()[0]!;
  assert.equal(after.utf8, undefined);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((g) => getValue(after, g)), ['p', 'q', null, 'r', 's', 't']);
});

test('string keys from many UTF-8 dictionaries (as map outputs bring them), mixed with decoded ones, group by value', async () => {
  const { Utf8DictBuilder } = await import('../../../src/frame/batch/utf8-dict-builder.js');
  const { Utf8Dict, stringVector } = await import('../../../src/frame/batch/utf8-dict.js');
  const enc = new TextEncoder();
  const pool = Array.from({ length: 3000 }, (_, i) => (i % 97 === 0 ? '' : `ключ-${(i * 7919) % 3000}`));
  fc.assert(
    fc.property(
      fc.array(fc.record({ from: fc.nat(2999), entries: fc.integer({ min: 1, max: 2500 }), rows: fc.integer({ min: 1, max: 400 }), kind: fc.constantFrom('utf8', 'repeats', 'strings'), seed: fc.nat() }), { minLength: 1, maxLength: 12 }),
      (specs) => {
        const gk = new GroupKeys(['string']);
        const rows: (string | null)[] = [];
        const out: number[] = [];
        for (const sp of specs) {
          const entries = Array.from({ length: sp.entries }, (_, i) => pool[(sp.from + i * 13) % pool.length]!);
          const codes = Int32Array.from({ length: sp.rows }, (_, i) => (i * 31 + sp.seed) % entries.length);
          const validity = Uint8Array.from({ length: (sp.rows + 7) >> 3 }, (_, i) => (sp.seed + i) % 5 === 0 ? 0x7f : 0xff);
          let v: ColumnVector;
          if (sp.kind === 'strings') v = { type: 'string', length: sp.rows, values: codes, dict: entries, validity, nullCount: 1 };
          else {
            // 'utf8': each entry once (as a Parquet row group or a cut gives it); 'repeats': entries twice (a concatenation).
            const b = new Utf8DictBuilder();
            const remap = entries.map((s) => {
              const e = enc.encode(s);
              return b.code(e, 0, e.length);
            });
            const d = b.finish();
            const dict = sp.kind === 'repeats' ? Utf8Dict.concat([d, d]) : d;
            const shift = sp.kind === 'repeats' ? d.length : 0;
            v = stringVector(sp.rows, codes.map((c, i) => remap[c]! + (i % 2) * shift), dict, validity, 1);
          }
          let nulls = 0;
          for (let i = 0; i < sp.rows; i++) {
            const valid = (validity[i >> 3]! >> (i & 7)) & 1;
            rows.push(valid ? entries[codes[i]!]! : null);
            if (!valid) nulls++;
          }
          v = { ...v, nullCount: nulls } as ColumnVector;
          if (v.utf8) v = stringVector(sp.rows, v.values as Int32Array, v.utf8, validity, nulls);
          out.push(...gk.assign([v], sp.rows).subarray(0, sp.rows));
        }
        assert.deepEqual(out, naiveIds(rows.map((r) => [r])));
        const keys = gk.vectors()[0]!;
        const firstRow = new Map<number, string | null>();
        out.forEach((g, i) => firstRow.has(g) || firstRow.set(g, rows[i]!));
        for (const [g, s] of firstRow) assert.equal(getValue(keys, g), s);
      },
    ),
    { numRuns: 60, seed: 7 },
  );
});
