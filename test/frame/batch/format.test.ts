import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from '../../../src/frame/batch/format.js';
import type { Schema } from '../../../src/frame/types.js';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'int32', nullable: false },
    { name: 'name', type: 'string', nullable: true },
    { name: 'x', type: 'float64', nullable: true },
  ],
};

test('formatTable draws a show()-style table with right-aligned numbers and NULL', () => {
  const text = formatTable(schema, [
    [1, 'alice', 2],
    [10, null, 0.25],
  ]);
  assert.equal(
    text,
    ['+---+-----+----+', '| id|name |   x|', '+---+-----+----+', '|  1|alice| 2.0|', '| 10|NULL |0.25|', '+---+-----+----+', ''].join('\n'),
  );
});

test('dates, timestamps, booleans and lists', () => {
  const s: Schema = {
    fields: [
      { name: 'd', type: 'date', nullable: true },
      { name: 't', type: 'timestamp', nullable: true },
      { name: 'b', type: 'bool', nullable: true },
      { name: 'l', type: { list: 'date' }, nullable: true },
    ],
  };
  const lines = formatTable(s, [[new Date(Date.UTC(2024, 1, 29)), new Date(Date.UTC(2024, 1, 29, 13, 5, 6, 7)), false, [new Date(0), null]]]).split('\n');
  assert.equal(lines[3], '|2024-02-29|2024-02-29T13:05:06.007Z|false|[1970-01-01, NULL]|');
});

test('long cells are truncated like Spark unless truncate is 0', () => {
  const long = 'abcdefghijklmnopqrstuvwxyz';
  assert.match(formatTable(schema, [[1, long, null]]), /\|abcdefghijklmnopq\.\.\.\|/);
  assert.match(formatTable(schema, [[1, long, null]], { truncate: 0 }), new RegExp(`\\|${long}\\|`));
  assert.match(formatTable(schema, [[1, long, null]], { truncate: 8 }), /\|abcde\.\.\.\|/);
});

test('a table without rows still shows its header', () => {
  assert.equal(formatTable(schema, []).split('\n').length, 5);
});
