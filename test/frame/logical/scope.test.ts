import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { planScope } from '../../../src/frame/logical/scope.js';

/** A scan that counts how often its source is read (planScope reads it once per visit). */
function countedScan(name: string, counter: { reads: number }): LogicalPlan {
  const scan: LogicalPlan = { kind: 'scan', source: { kind: 'memory', partitions: [], name, rows: 0 }, schema: { fields: [{ name: 'a', type: 'int32', nullable: true }] }, filters: [] };
  return new Proxy(scan, {
    get(target, prop, receiver) {
      if (prop === 'source') counter.reads++;
      return Reflect.get(target, prop, receiver);
    },
  });
}

test('planScope and outputSchema of a left-deep chain of n joins visit each input a bounded number of times (was 2^n)', () => {
  const n = 16;
  const counter = { reads: 0 };
  let plan = countedScan('t0', counter);
  for (let i = 1; i < n; i++) plan = { kind: 'join', type: i % 2 ? 'cross' : 'left', on: null, left: plan, right: countedScan(`t${i}`, counter) };
  const scope = planScope(plan);
  assert.equal(scope.length, n);
  assert.deepEqual(scope[n - 1], { name: 'a', qualifiers: [`t${n - 1}`] });
  assert.ok(counter.reads <= n, `planScope read scan sources ${counter.reads} times for ${n} scans`);
  counter.reads = 0;
  assert.equal(outputSchema(plan).fields.length, n);
  assert.ok(counter.reads <= n * n, `outputSchema read scan sources ${counter.reads} times for ${n} scans`);
});
