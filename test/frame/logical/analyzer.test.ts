import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { analyze, AnalysisError } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { agg, aggregate, alias, as, bin, col, eq, filter, gt, join, lit, project, scan, sort, text, union } from '../optimizer/plans.js';

const people = scan('people', ['age:int32', 'city:string', 'salary:float64', 'born:date']);
const cities = scan('cities', ['city:string', 'pop:int64']);
const star: ExprNode = { kind: 'star' };

function analysisError(plan: LogicalPlan): AnalysisError {
  try {
    analyze(plan);
  } catch (e) {
    assert.ok(e instanceof AnalysisError, `expected an AnalysisError, got ${String(e)}`);
    return e;
  }
  assert.fail('analysis should have failed');
}

test('unknown column: names it, suggests the closest name and lists the columns', () => {
  const err = analysisError(project(people, col('salry')));
  assert.equal(err.kind, 'column');
  assert.equal(err.columnName, 'salry');
  assert.equal(err.suggestion, 'salary');
  assert.match(err.message, /column "salry" not found; did you mean "salary"\? available columns: people\.age, people\.city, people\.salary, people\.born/);
});

test('unknown column: case-insensitive match is suggested, far names are not', () => {
  assert.equal(analysisError(filter(people, gt(col('AGE'), lit(1)))).suggestion, 'age');
  const far = analysisError(project(people, col('zzzzzz')));
  assert.equal(far.suggestion, undefined);
  assert.doesNotMatch(far.message, /did you mean/);
});

test('unknown table qualifier', () => {
  const err = analysisError(project(people, col('age', 'peple')));
  assert.equal(err.kind, 'table');
  assert.equal(err.suggestion, 'people');
});

test('an unqualified name present on both join sides is ambiguous', () => {
  const j = join(people, cities, 'inner', eq(col('city', 'people'), col('city', 'cities')));
  const err = analysisError(project(j, col('city')));
  assert.equal(err.kind, 'ambiguous');
  assert.match(err.message, /people\.city or cities\.city/);
});

test('star expansion; qualifiers are kept only where a name is ambiguous', () => {
  const j = join(alias(people, 'p'), cities, 'inner', eq(col('city', 'p'), col('city', 'cities')));
  const plan = analyze(project(j, star, { kind: 'star', qualifier: 'cities' }, col('age', 'p')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: age, p.city, salary, born, cities.city, pop, cities.city, pop, age
        Join: type=inner on=p.city = cities.city
          SubqueryAlias: p
            Scan: people rows=100
          Scan: cities rows=100`),
  );
  assert.equal(analysisError(project(people, { kind: 'star', qualifier: 'nope' })).kind, 'table');
});

test('coercion: numeric widening keeps output names; string literal compared with a date becomes a date', () => {
  const plan = analyze(filter(project(people, bin('+', col('age'), col('salary')), col('born')), gt(col('born'), lit('2000-01-01'))));
  assert.equal(
    printPlan(plan),
    text(`
      Filter: born > CAST('2000-01-01' AS DATE)
        Projection: CAST(age AS FLOAT64) + salary AS (age + salary), born
          Scan: people rows=100`),
  );
  assert.deepEqual(outputSchema(plan).fields.map((f) => f.name), ['(age + salary)', 'born']);
});

test('coercion: join keys, CASE branches, IN lists and union columns share one type', () => {
  const j = analyze(join(people, cities, 'inner', eq(col('age', 'people'), col('pop', 'cities'))));
  assert.equal(printPlan(j).split('\n')[0], 'Join: type=inner on=CAST(age AS INT64) = pop');
  const caseExpr: ExprNode = { kind: 'case', branches: [{ when: gt(col('age'), lit(1)), then: col('age') }], otherwise: col('salary') };
  const inExpr: ExprNode = { kind: 'in', arg: col('age'), list: [lit(1), lit(2.5)], negated: false };
  assert.equal(printPlan(analyze(project(people, as(caseExpr, 'c'), as(inExpr, 'i')))).split('\n')[0], 'Projection: CASE WHEN age > 1 THEN CAST(age AS FLOAT64) ELSE salary END AS c, CAST(age AS FLOAT64) IN (CAST(1 AS FLOAT64), 2.5) AS i');
  const u = analyze(union(true, project(people, col('age')), project(cities, col('pop'))));
  assert.equal(
    printPlan(u),
    text(`
      Union: all=true
        Projection: CAST(age AS INT64) AS age
          Projection: age
            Scan: people rows=100
        Projection: pop
          Scan: cities rows=100`),
  );
  assert.equal(analysisError(union(true, project(people, col('age')), project(cities, col('city')))).kind, 'type');
  assert.equal(analysisError(union(true, people, cities)).kind, 'type');
});

test('type errors: non-boolean filter, AND of numbers', () => {
  assert.equal(analysisError(filter(people, col('age'))).kind, 'type');
  assert.equal(analysisError(filter(people, bin('and', col('age'), lit(true)))).kind, 'type');
});

test('a projection above an aggregate may use only group keys and aggregates', () => {
  const grouped = aggregate(people, [col('city')], [agg('avg', col('salary'))]);
  const ok = analyze(project(grouped, col('city'), as(agg('avg', col('salary')), 'avg_salary')));
  assert.equal(printPlan(ok).split('\n')[0], 'Projection: city, avg(salary) AS avg_salary');
  const err = analysisError(project(grouped, col('city'), col('age')));
  assert.equal(err.kind, 'aggregate');
  assert.match(err.message, /"age" must appear in the GROUP BY/);
});

test('group-key expressions match; aggregates used only above are appended (HAVING, ORDER BY)', () => {
  const grouped = aggregate(people, [bin('+', col('age'), lit(1))], [agg('sum', col('salary'))]);
  const having = filter(grouped, gt(agg('count_star'), lit(1)));
  const plan = analyze(sort(project(having, bin('+', col('age'), lit(1)), agg('sum', col('salary'))), col('(age + 1)')));
  assert.equal(
    printPlan(plan),
    text(`
      Sort: (age + 1) ASC NULLS LAST
        Projection: (age + 1), sum(salary)
          Filter: count(*) > CAST(1 AS INT64)
            Aggregate: groupBy=[age + 1], aggr=[sum(salary), count(*)]
              Scan: people rows=100`),
  );
});

test('aggregates with no GROUP BY become a global aggregate; misplaced and nested aggregates are rejected', () => {
  const plan = analyze(project(people, as(agg('max', col('age')), 'oldest')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: max(age) AS oldest
        Aggregate: groupBy=[], aggr=[max(age)]
          Scan: people rows=100`),
  );
  assert.equal(analysisError(project(people, agg('max', col('age')), col('city'))).kind, 'aggregate');
  assert.equal(analysisError(filter(people, gt(agg('sum', col('age')), lit(1)))).kind, 'aggregate');
  const nested = analysisError(aggregate(people, [], [agg('sum', agg('max', col('age')))]));
  assert.equal(nested.kind, 'aggregate');
  assert.match(nested.message, /cannot be nested/);
  assert.equal(analysisError(aggregate(people, [agg('max', col('age'))], [])).kind, 'aggregate');
});

test('subqueries are analyzed with the enclosing columns visible as outer references', () => {
  const sub = project(filter(cities, eq(col('city', 'cities'), col('city', 'people'))), lit(1));
  const plan = analyze(filter(people, { kind: 'exists', plan: sub, negated: false }));
  assert.equal(
    printPlan(plan),
    text(`
      Filter: EXISTS (<subquery>)
        Subquery:
          Projection: 1
            Filter: city = outer(people.city)
              Scan: cities rows=100
        Scan: people rows=100`),
  );
  const twoColumns = project(cities, col('city'), col('pop'));
  assert.equal(analysisError(filter(people, { kind: 'inSubquery', arg: col('city'), plan: twoColumns, negated: false })).kind, 'type');
});

test('analysis is idempotent', () => {
  const grouped = aggregate(filter(people, gt(col('born'), lit('2000-01-01'))), [col('city')], [agg('avg', col('salary'))]);
  const plans = [
    project(grouped, col('city'), as(agg('avg', col('salary')), 'a'), as(bin('*', agg('max', col('age')), lit(1.5)), 'm')),
    project(join(people, cities, 'inner', eq(col('age', 'people'), col('pop', 'cities'))), star),
    union(true, project(people, col('age')), project(cities, col('pop'))),
  ];
  for (const p of plans) {
    const once = analyze(p);
    assert.equal(printPlan(analyze(once)), printPlan(once));
  }
});
