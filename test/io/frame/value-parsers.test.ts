import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BAD, formatDate, formatTimestamp, parseDate, parseFloat64, parseInt32, parseInt64, parseTimestamp } from '../../../src/io/frame/value-parsers.js';
import { TextTypeInferrer, widenType } from '../../../src/io/frame/type-inference.js';

test('text parsers accept their type and reject the rest', () => {
  assert.equal(parseInt32(' 42 '), 42);
  assert.equal(parseInt32('2147483648'), BAD);
  assert.equal(parseInt64('2147483648'), 2147483648);
  assert.equal(parseInt64('1.0'), BAD);
  assert.equal(parseFloat64('1e3'), 1000);
  assert.equal(parseFloat64('.5'), 0.5);
  assert.equal(parseFloat64('1,5'), BAD);
  assert.equal(parseDate('2023-02-30'), BAD);
  assert.equal(parseDate('2024-02-29'), 19782);
  assert.equal(parseTimestamp('2024-01-01T01:00:00+01:00'), Date.UTC(2024, 0, 1));
  assert.equal(parseTimestamp('2024-01-01 00:00:00.5'), Date.UTC(2024, 0, 1) + 500);
  assert.equal(parseTimestamp('yesterday'), BAD);
  assert.equal(formatDate(19782), '2024-02-29');
  assert.equal(formatTimestamp(0), '1970-01-01T00:00:00.000Z');
});

test('type inference keeps the most specific type all samples parse as', () => {
  const infer = (values: string[]) => {
    const t = new TextTypeInferrer();
    values.forEach((v) => t.add(v));
    return t.result();
  };
  assert.equal(infer(['1', '2']), 'int32');
  assert.equal(infer(['1', '9999999999']), 'int64');
  assert.equal(infer(['1', '2.5']), 'float64');
  assert.equal(infer(['true', 'False']), 'bool');
  assert.equal(infer(['2024-01-01', '2024-01-01T10:00:00Z']), 'timestamp');
  assert.equal(infer(['1', 'x']), 'string');
  assert.equal(infer([]), 'string');
  assert.equal(widenType('int32', 'float64'), 'float64');
  assert.deepEqual(widenType({ list: 'null' }, { list: 'int64' }), { list: 'int64' });
  assert.equal(widenType('bool', 'int32'), 'string');
});
