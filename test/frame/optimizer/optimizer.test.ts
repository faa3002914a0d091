import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { defaultRules, optimize } from '../../../src/frame/optimizer/optimizer.js';
import type { OptimizerRule } from '../../../src/frame/optimizer/rule.js';
import { agg, aggregate, and, as, bin, col, eq, filter, gt, join, lit, project, scan, text } from './plans.js';

const people = scan('people', ['id:int32', 'age:int32', 'city:string', 'salary:float64', 'name:string'], 1_000_000);
const cities = scan('cities', ['city:string', 'country:string', 'pop:int64'], 50);

test('filter + aggregate + join: filters pushed and folded, columns pruned, small side broadcast', () => {
  const joined = join(people, cities, 'inner', eq(col('city', 'people'), col('city', 'cities')));
  const filtered = filter(joined, and(gt(col('age'), bin('+', lit(20), lit(5))), eq(col('country'), lit('FR'))));
  const plan = analyze(project(aggregate(filtered, [col('city', 'people')], [agg('avg', col('salary'))]), col('city'), as(agg('avg', col('salary')), 'avg_salary')));
  const optimized = optimize(plan);
  assert.equal(
    printPlan(optimized),
    text(`
      Projection: city, avg(salary) AS avg_salary
        Aggregate: groupBy=[people.city], aggr=[avg(salary)]
          Projection: people.city, salary
            Join: type=inner on=people.city = cities.city strategy=broadcast
              Projection: city, salary
                Filter: age > 25
                  Scan: people rows=1000000 projection=[age, city, salary] filters=[age > 25]
              Projection: city
                Filter: country = 'FR'
                  Scan: cities rows=50 projection=[city, country] filters=[country = 'FR']`),
  );
  assert.deepEqual(outputSchema(optimized), outputSchema(plan));
  assert.equal(printPlan(optimize(optimized)), printPlan(optimized), 'optimizing again changes nothing');
});

test('the small side is swapped to the build side (the order-restoring projection merges into the one above)', () => {
  const plan = analyze(project(join(cities, people, 'inner', eq(col('city', 'cities'), col('city', 'people'))), col('country'), col('name')));
  assert.equal(
    printPlan(optimize(plan)),
    text(`
      Projection: country, name
        Join: type=inner on=cities.city = people.city strategy=broadcast
          Scan: people rows=1000000 projection=[city, name]
          Scan: cities rows=50 projection=[city, country]`),
  );
});

test('rules repeat until the plan stops changing, at most 8 passes', () => {
  let calls = 0;
  const counting: OptimizerRule = { name: 'count', apply: (p) => (calls++, p) };
  optimize(analyze(people), {}, [counting]);
  assert.equal(calls, 1);
  calls = 0;
  const growing: OptimizerRule = { name: 'grow', apply: (p): LogicalPlan => (calls++, { kind: 'limit', input: p, n: 1, offset: 0 }) };
  optimize(people, {}, [growing]);
  assert.equal(calls, 8);
  assert.equal(defaultRules.length, 10);
});
