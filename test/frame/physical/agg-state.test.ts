import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AggFn, ExprNode } from '../../../src/frame/expr/expr-node.js';
import { aggStateFields, aggStateWidth } from '../../../src/frame/physical/agg-state.js';
import type { AggCall } from '../../../src/frame/physical/ops.js';
import type { Schema } from '../../../src/frame/types.js';
import { SluiceError } from '../../../src/util/errors.js';

const schema: Schema = { fields: [{ name: 'i', type: 'int32', nullable: true }, { name: 'f', type: 'float64', nullable: true }, { name: 's', type: 'string', nullable: true }] };
const c = (name: string): ExprNode => ({ kind: 'column', name, index: schema.fields.findIndex((f) => f.name === name) });
const agg = (fn: AggFn, args: string[], distinct = false): AggCall => ({ fn, args: args.map(c), distinct, params: [0.5], name: `x` });
const fields = (a: AggCall) => aggStateFields(a, schema).map((f) => `${f.name}:${typeof f.type === 'object' ? `list<${String(f.type.list)}>` : f.type}`);

test('splittable aggregates have the documented state columns', () => {
  assert.deepEqual(fields(agg('count', ['s'])), ['x#count:int64']);
  assert.deepEqual(fields(agg('count_star', [])), ['x#count:int64']);
  assert.deepEqual(fields(agg('sum', ['i'])), ['x#sum:int64']);
  assert.deepEqual(fields(agg('sum', ['f'])), ['x#sum:float64']);
  assert.deepEqual(fields(agg('min', ['s'])), ['x#value:string']);
  assert.deepEqual(fields(agg('max', ['i'])), ['x#value:int32']);
  assert.deepEqual(fields(agg('avg', ['i'])), ['x#sum:float64', 'x#count:int64']);
  assert.deepEqual(fields(agg('stddev_samp', ['f'])), ['x#count:int64', 'x#mean:float64', 'x#m2:float64']);
  assert.deepEqual(fields(agg('corr', ['f', 'i'])), ['x#count:int64', 'x#meanX:float64', 'x#meanY:float64', 'x#c2:float64', 'x#m2X:float64', 'x#m2Y:float64']);
});

test('holistic and DISTINCT aggregates keep list states (for spilling)', () => {
  assert.deepEqual(fields(agg('median', ['i'])), ['x#values:list<float64>']);
  assert.deepEqual(fields(agg('count', ['s'], true)), ['x#distinct:list<string>']);
  assert.deepEqual(fields(agg('collect_list', ['s'])), ['x#list:list<string>']);
  assert.deepEqual(fields(agg('approx_count_distinct', ['s'])), ['x#hll:list<int64>']);
  assert.equal(aggStateWidth('covar_pop', false), 6);
  assert.equal(aggStateWidth('sum', true), 1);
});

test('an argument naming a missing column is a SluiceError', () => {
  const bad: AggCall = { fn: 'sum', args: [{ kind: 'column', name: 'nope' }], distinct: false, params: [], name: 'y' };
  assert.throws(() => aggStateFields(bad, schema), SluiceError);
});
