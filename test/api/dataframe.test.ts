import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { mkdtempSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, col, lit, sum, avg, count, min, max, when, expr, udf, countDistinct, collectList, median } from '../../src/index.js';

const people = [
  { name: 'ann', age: 31, city: 'paris', salary: 100 },
  { name: 'bob', age: 22, city: 'paris', salary: 50 },
  { name: 'cid', age: 45, city: 'rome', salary: 80 },
  { name: 'dan', age: 27, city: 'rome', salary: null },
  { name: 'eve', age: 38, city: null, salary: 70 },
];
const cities = [
  { city: 'paris', country: 'fr' },
  { city: 'rome', country: 'it' },
  { city: 'oslo', country: 'no' },
];

const byKey = (k: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => String(a[k]).localeCompare(String(b[k]));

for (const master of ['inline', 'local[2]']) {
  describe(`DataFrame on ${master}`, () => {
    let s: Session;
    before(async () => {
      s = await Session.local({ master });
      s.setShufflePartitions(3);
    });
    after(() => s.stop());
    const df = () => s.createDataFrame(people, { schema: { name: 'string', age: 'int32', city: 'string', salary: 'float64' }, numPartitions: 2 });

    test('filter, groupBy, agg, orderBy (the README example)', async () => {
      const out = await df().filter(col('age').gt(25)).groupBy('city').agg(avg('salary').as('avg_salary'), count('*').as('n')).orderBy(col('city').asc()).collect();
      assert.deepEqual(out, [
        { city: 'paris', avg_salary: 100, n: 1 },
        { city: 'rome', avg_salary: 80, n: 2 },
        { city: null, avg_salary: 70, n: 1 },
      ]);
    });

    test('select, withColumn, withColumnRenamed, drop, when/otherwise, expr', async () => {
      const out = await df()
        .withColumn('band', when(col('age').lt(30), lit('young')).otherwise(lit('old')))
        .withColumn('double', expr('salary * 2'))
        .withColumnRenamed('name', 'who')
        .drop('city', 'age')
        .orderBy('who')
        .collect();
      assert.deepEqual(Object.keys(out[0]!), ['who', 'salary', 'band', 'double']);
      assert.deepEqual(out.map((r) => [r.who, r.band, r.double]), [['ann', 'old', 200], ['bob', 'young', 100], ['cid', 'old', 160], ['dan', 'young', null], ['eve', 'old', 140]]);
    });

    test('joins of every type', async () => {
      const c = s.createDataFrame(cities, { numPartitions: 2 });
      const names = async (how: Parameters<ReturnType<typeof df>['join']>[2]) => (await df().join(c, 'city', how).collect()).map((r) => `${r.name ?? '-'}:${r.country ?? '-'}`).sort();
      assert.deepEqual(await names('inner'), ['ann:fr', 'bob:fr', 'cid:it', 'dan:it']);
      assert.deepEqual(await names('left'), ['-:-', 'ann:fr', 'bob:fr', 'cid:it', 'dan:it'].map((x) => (x === '-:-' ? 'eve:-' : x)).sort());
      assert.deepEqual(await names('right'), ['-:no', 'ann:fr', 'bob:fr', 'cid:it', 'dan:it'].sort());
      assert.deepEqual(await names('full'), ['-:no', 'ann:fr', 'bob:fr', 'cid:it', 'dan:it', 'eve:-'].sort());
      assert.deepEqual((await df().join(c, 'city', 'semi').collect()).map((r) => r.name).sort(), ['ann', 'bob', 'cid', 'dan']);
      assert.deepEqual((await df().join(c, 'city', 'anti').collect()).map((r) => r.name), ['eve']);
      const onExpr = await df().alias('p').join(c.alias('c'), col('p.city').eq(col('c.city')).and(col('c.country').eq(lit('it')))).select('p.name').collect();
      assert.deepEqual(onExpr.map((r) => r.name).sort(), ['cid', 'dan']);
    });

    test('distinct, dropDuplicates, union, limit, count', async () => {
      assert.equal(await df().select('city').distinct().count(), 3);
      assert.equal(await df().dropDuplicates(['city']).count(), 3);
      assert.equal(await df().union(df()).count(), 10);
      assert.equal((await df().orderBy(col('age').desc()).limit(2).collect()).map((r) => r.name).join(), 'cid,eve');
    });

    test('holistic and distinct aggregates', async () => {
      const [r] = await df().agg(median('age').as('m'), countDistinct('city').as('cd'), sum('salary').as('s'), min('age').as('lo'), max('age').as('hi')).collect();
      assert.deepEqual(r, { m: 31, cd: 2, s: 300, lo: 22, hi: 45 });
      const lists = await df().groupBy('city').agg(collectList('name').as('names')).collect();
      assert.deepEqual(lists.map((x) => (x.names as string[]).sort().join()).sort(), ['ann,bob', 'cid,dan', 'eve']);
    });

    test('SQL over temp views, with CTE, HAVING, ORDER BY position and LIMIT', async () => {
      df().createOrReplaceTempView('people');
      s.createDataFrame(cities).createOrReplaceTempView('cities');
      const out = await s
        .sql(`WITH p AS (SELECT * FROM people WHERE age > 25)
              SELECT c.country, count(*) AS n, avg(p.salary) AS a FROM p JOIN cities c ON p.city = c.city
              GROUP BY c.country HAVING count(*) >= 1 ORDER BY 2 DESC, 1 LIMIT 10`)
        .collect();
      assert.deepEqual(out, [{ country: 'it', n: 2, a: 80 }, { country: 'fr', n: 1, a: 100 }]);
    });

    test('SQL errors point at the position and suggest a close name', () => {
      df().createOrReplaceTempView('people');
      assert.throws(() => s.sql('SELECT nmae FROM people'), (e: Error) => /nmae/.test(e.message) && /name/.test(e.message) && /line 1/i.test(e.message));
      assert.throws(() => s.sql('SELECT * FROM peple'), (e: Error) => /peple/.test(e.message) && /people/.test(e.message));
    });

    test('UDFs run on the workers', async () => {
      const initials = udf((n: unknown) => String(n).slice(0, 1).toUpperCase(), 'string');
      const out = await df().select(initials(col('name')).as('i')).orderBy('i').collect();
      assert.deepEqual(out.map((r) => r.i), ['A', 'B', 'C', 'D', 'E']);
    });

    test('explain shows the logical, optimized and physical plans with shuffles', () => {
      const text = df().filter(col('age').gt(25)).groupBy('city').agg(sum('salary')).explainString();
      assert.match(text, /== Logical Plan ==/);
      assert.match(text, /== Optimized Logical Plan ==/);
      assert.match(text, /== Physical Plan ==/);
      assert.match(text, /HashAggregate\[partial\]/);
      assert.match(text, /HashAggregate\[final\]/);
      assert.match(text, /shuffle \d+: hash/);
    });

    test('cache and toDataset', async () => {
      const cached = df().filter(col('age').gt(25)).cache();
      assert.equal(await cached.count(), 4);
      assert.equal(await cached.count(), 4);
      const ages = await cached.toDataset().map((r) => (r as { age: number }).age).collect();
      assert.deepEqual(ages.sort(), [27, 31, 38, 45]);
    });

    test('write and read CSV, JSON lines and Parquet', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-df-'));
      for (const [fmt, read] of [
        ['parquet', (p: string) => s.read.parquet(p)],
        ['csv', (p: string) => s.read.csv(p)],
        ['jsonLines', (p: string) => s.read.jsonLines(p)],
      ] as const) {
        const out = join(dir, fmt);
        await df().write[fmt](out);
        assert.ok(existsSync(join(out, '_SUCCESS')));
        const back = (await read(out).collect()).sort(byKey('name'));
        assert.deepEqual(back.map((r) => [r.name, r.age, r.city, r.salary]), people.map((r) => [r.name, r.age, r.city, r.salary]));
      }
      const parts = join(dir, 'by-city');
      await df().write.parquet(parts, { partitionBy: ['city'] });
      assert.ok(readdirSync(parts).some((f) => f === 'city=paris'));
    });

    test('selectExpr, crossJoin, take and first', async () => {
      const e = await df().selectExpr('upper(name) AS n', 'age + 1 AS next').orderBy('n').take(2);
      assert.deepEqual(e, [{ n: 'ANN', next: 32 }, { n: 'BOB', next: 23 }]);
      assert.equal(await df().crossJoin(s.createDataFrame(cities)).count(), 15);
      assert.deepEqual(await df().orderBy(col('age').desc()).select('name').first(), { name: 'cid' });
    });

    test('typed-array columns load as they are, next to converted ones', async () => {
      const cols = { k: Int32Array.from([3, 1, 2]), v: Float64Array.from([0.5, NaN, 2]), s: ['a', null, 'c'] };
      const typed = await s.createDataFrame(cols, { schema: { k: 'int32', v: 'float64', s: 'string' } }).orderBy('k').collect();
      assert.deepEqual(typed.map((r) => [r.k, r.s]), [[1, null], [2, 'c'], [3, 'a']]);
      assert.ok(Number.isNaN(typed[0]!.v));
      const wide = await s.createDataFrame({ k: Int32Array.from([1, 2]) }, { schema: { k: 'int64' } }).collect();
      assert.deepEqual(wide, [{ k: 1 }, { k: 2 }]);
    });

    test('describe, show, repartition, toArrow/fromArrow', async () => {
      const stats = await df().describe('age', 'city').collect();
      assert.deepEqual(stats.map((r) => r.summary), ['count', 'mean', 'stddev', 'min', 'max']);
      assert.equal(stats[0]!.age, '5');
      assert.equal(Number(stats[1]!.age), 32.6);
      assert.equal(stats[3]!.city, 'paris');
      assert.equal(stats[1]!.city, null);
      const shown = await df().orderBy('name').showString(2);
      assert.match(shown, /\|\s*name\|/);
      assert.match(shown, /ann/);
      assert.match(shown, /only showing top 2 rows/);
      const parts = df().repartition(3, 'city');
      assert.equal(await parts.count(), 5);
      assert.match(parts.explainString(), /hash\(city#\d+\) into 3 partitions/);
      const table = await df().toArrow();
      assert.equal(table.numRows, 5);
      const back = await s.fromArrow(table).filter(col('age').gt(30)).count();
      assert.equal(back, 3);
    });

    test('fromArrow groups a dictionary that repeats an entry by value', async () => {
      // Arrow allows a dictionary to repeat a string; codes 0 and 2 are both 'a'.
      const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
      const dictionary = arrow.vectorFromArray(['a', 'b', 'a'], new arrow.Utf8());
      const s_ = arrow.makeVector(arrow.makeData({ type, length: 4, nullCount: 0, data: Int32Array.of(0, 2, 1, 2), dictionary }));
      const table = new arrow.Table({ s: s_ });
      const rows = await s.fromArrow(table).groupBy('s').agg(count('*').as('n')).orderBy('s').collect();
      assert.deepEqual(rows, [{ s: 'a', n: 3 }, { s: 'b', n: 1 }]);
    });

    test('filters reach Parquet scans; SQL reads files by path', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-pq-'));
      const out = join(dir, 'people');
      await df().write.parquet(out);
      const q = s.read.parquet(out).filter(col('age').gt(30)).select('name');
      assert.match(q.explainString(), /parquetScan .*projection=\[.*age.*\].*filters=\[.*age.*30/);
      assert.deepEqual((await q.collect()).map((r) => r.name).sort(), ['ann', 'cid', 'eve']);
      const viaSql = await s.sql(`SELECT count(*) AS n FROM '${out}/*.parquet' WHERE city = 'rome'`).collect();
      assert.deepEqual(viaSql, [{ n: 2 }]);
    });

    test('CSV bad lines: failfast names the file and line; dropMalformed counts', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sluice-csv-'));
      const file = join(dir, 'x.csv');
      writeFileSync(file, 'a,b\n1,2\n3,oops\n5,6\n');
      await assert.rejects(s.read.csv(file, { schema: { a: 'int32', b: 'int32' } }).collect(), (e: Error) => /x\.csv:3\b/.test(e.message) && /oops/.test(e.message));
      const dropped = s.accumulator(0);
      assert.equal(await s.read.csv(file, { schema: { a: 'int32', b: 'int32' }, mode: 'dropMalformed', dropped }).count(), 2);
      assert.equal(dropped.value, 1);
    });
  });
}
