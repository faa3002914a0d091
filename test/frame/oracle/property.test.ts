/**
 * Property tests: DataFrame groupBy/agg and inner/left joins over random small tables with nulls and
 * random partition counts agree with a naive JS reference.
 */
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Session, count, max, min, sum } from '../../../src/index.js';
import { assertRowsEqual, type Row } from './compare-rows.js';
import { ORACLE_MASTERS } from './oracle-masters.js';

type Val = number | null;
interface Table {
  k: Val[];
  v: Val[];
}

/** A table of 0–40 rows: keys from a small domain (so groups and matches occur) or null; values or null. */
const table: fc.Arbitrary<Table> =
  fc
    .array(fc.tuple(fc.option(fc.integer({ min: 0, max: 6 }), { freq: 5 }), fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 4 })), { maxLength: 40 })
    .map((rows) => ({ k: rows.map((r) => r[0]), v: rows.map((r) => r[1]) }));
const parts = fc.integer({ min: 1, max: 4 });

/** Naive group-by: null keys form one group; sum/min/max skip nulls (null when all are); count counts non-nulls. */
function referenceGroupBy(t: Table): Row[] {
  const groups = new Map<Val, Val[]>();
  t.k.forEach((k, i) => (groups.get(k) ?? groups.set(k, []).get(k)!).push(t.v[i]));
  return [...groups].map(([k, vs]) => {
    const nn = vs.filter((x): x is number => x !== null);
    return {
      k,
      s: nn.length ? nn.reduce((a, b) => a + b, 0) : null,
      n: nn.length,
      lo: nn.length ? Math.min(...nn) : null,
      hi: nn.length ? Math.max(...nn) : null,
    };
  });
}

/** Naive nested-loop join on k (null never matches); left keeps unmatched left rows with w = null. */
function referenceJoin(l: Table, r: Table, how: 'inner' | 'left'): Row[] {
  const out: Row[] = [];
  l.k.forEach((k, i) => {
    let hit = false;
    r.k.forEach((rk, j) => {
      if (k !== null && k === rk) {
        hit = true;
        out.push({ k, v: l.v[i], w: r.v[j] });
      }
    });
    if (!hit && how === 'left') out.push({ k, v: l.v[i], w: null });
  });
  return out;
}

for (const master of ORACLE_MASTERS) describe(`DataFrame properties vs a JS reference (${master})`, () => {
  let s: Session | undefined;
  before(async () => {
    s = await Session.local({ master });
  });
  after(async () => {
    await s?.stop();
  });
  const frame = (t: Table, valueName: string, numPartitions: number) =>
    s!.createDataFrame({ k: t.k, [valueName]: t.v }, { schema: { k: 'int32', [valueName]: 'int64' }, numPartitions });

  test('groupBy(k).agg(sum, count, min, max)', async () => {
    await fc.assert(
      fc.asyncProperty(table, parts, async (t, p) => {
        const got = await frame(t, 'v', p).groupBy('k').agg(sum('v').as('s'), count('v').as('n'), min('v').as('lo'), max('v').as('hi')).collect();
        assertRowsEqual(got, referenceGroupBy(t), { ordered: false }, `partitions=${p}`);
      }),
      { numRuns: 25 },
    );
  });

  for (const how of ['inner', 'left'] as const) {
    test(`${how} join on a nullable key`, async () => {
      await fc.assert(
        fc.asyncProperty(table, table, parts, parts, async (l, r, pl, pr) => {
          const got = await frame(l, 'v', pl).join(frame(r, 'w', pr), 'k', how).collect();
          assertRowsEqual(got, referenceJoin(l, r, how), { ordered: false }, `partitions=${pl}/${pr}`);
        }),
        { numRuns: 25 },
      );
    });
  }
});
