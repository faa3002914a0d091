/**
 * Engine errors that every attempt meets again (an int32 overflow, a type
 * error found when a task compiles its expressions, a subquery left for the
 * evaluator) fail the job at the first attempt; errors thrown by user
 * functions keep Spark's retries (4 attempts by default).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { col, TaskFailedError, type SluiceEvent } from '../../src/index.js';
import { compileNode } from '../../src/frame/expr/compile.js';
import { DeterministicError, isDeterministic, InputError, SluiceError } from '../../src/util/errors.js';
import { forEachBackend } from '../conformance/backends.js';
import { within } from './within.js';

/** Failed attempts of each partition, by partition. */
function attemptsPerPartition(events: SluiceEvent[]): number[] {
  const per = new Map<number, number>();
  for (const e of events) if (e.type === 'taskEnd' && !e.ok) per.set(e.partition, (per.get(e.partition) ?? 0) + 1);
  return [...per.values()];
}

forEachBackend((name, s) => {
  test(`${name}: an int32 overflow fails the job at the first attempt of each partition`, async () => {
    const events: SluiceEvent[] = [];
    const off = s().on((e) => void events.push(e));
    // int32 values whose product by 4 leaves the int32 range in every partition.
    const df = s().createDataFrame(Array.from({ length: 8 }, (_, i) => ({ x: 600_000_000 + i })), { numPartitions: 2 });
    assert.equal(df.schema.fields[0]!.type, 'int32');
    const error = await within(30_000, df.select(col('x').multiply(4)).collect(), 'overflowing job').then(
      () => undefined,
      (e: unknown) => e,
    );
    off();
    assert.ok(error instanceof TaskFailedError, String(error));
    assert.match(error.message, /integer overflow/);
    assert.equal(error.attempts, 1);
    assert.ok(error.info.fatal);
    const per = attemptsPerPartition(events);
    assert.ok(per.length >= 1);
    assert.deepEqual(per, per.map(() => 1), 'no partition is attempted twice');
    // The session is usable afterwards.
    assert.equal(await s().range(5).count(), 5);
  });

  test(`${name}: a user function that always throws is still attempted 4 times (Spark's retries)`, async () => {
    const events: SluiceEvent[] = [];
    const off = s().on((e) => void events.push(e));
    const error = await within(
      30_000,
      s()
        .parallelize([1, 2, 3], 1)
        .map((x) => {
          if (x === 2) throw new Error('user says no');
          return x;
        })
        .collect(),
      'failing job',
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    off();
    assert.ok(error instanceof TaskFailedError, String(error));
    assert.equal(error.attempts, 4);
    assert.ok(!error.info.fatal);
    assert.deepEqual(attemptsPerPartition(events), [4]);
  });
});

test('the classification: engine type errors and subqueries left for the evaluator are deterministic', () => {
  const schema = { fields: [{ name: 's', type: 'string' as const, nullable: true }] };
  const thrown = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    assert.fail('expected a throw');
  };
  const subquery = thrown(() => compileNode({ kind: 'scalarSubquery', plan: {} as never }, schema));
  assert.ok(subquery instanceof DeterministicError && isDeterministic(subquery), String(subquery));
  assert.match((subquery as Error).message, /analyzer and optimizer must rewrite it/);
  const typeError = thrown(() => compileNode({ kind: 'unary', op: 'neg', arg: { kind: 'column', name: 's' } } as never, schema));
  assert.ok(isDeterministic(typeError), String(typeError));
  // The name users read is unchanged.
  assert.equal((typeError as Error).name, 'SluiceError');
  assert.ok(isDeterministic(new InputError('bad line', 'f.csv', 3)));
  assert.ok(!isDeterministic(new InputError('out of descriptors', 'f.csv', undefined, true)));
  assert.ok(!isDeterministic(new SluiceError('something else')));
  assert.ok(!isDeterministic(new Error('user error')));
});
