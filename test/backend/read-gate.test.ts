import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadGate } from '../../src/backend/read-gate.js';

test('a block a running task reads is freed when the last such task ends; others at once', () => {
  const gate = new ReadGate();
  const freed: string[][] = [];
  gate.begin(1, ['a', 'b', 'a']);
  gate.begin(2, ['b']);
  gate.free(['a', 'b', 'c'], (ids) => freed.push(ids));
  assert.deepEqual(freed, [['c']]);
  gate.end(1);
  assert.deepEqual(freed, [['c'], ['a']]);
  gate.end(2);
  assert.deepEqual(freed, [['c'], ['a'], ['b']]);
  gate.end(2); // a second end (a task lost after it finished) changes nothing
  gate.free(['b'], (ids) => freed.push(ids));
  assert.deepEqual(freed.at(-1), ['b']);
});
