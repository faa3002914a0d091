import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { SluiceError } from '../../src/util/errors.js';

test('tryReserve grants up to the limit and refuses beyond it', () => {
  const b = MemoryBudget.create(1000);
  assert.equal(b.limit, 1000);
  assert.equal(b.tryReserve(600), true);
  assert.equal(b.tryReserve(401), false);
  assert.equal(b.tryReserve(400), true);
  assert.equal(b.used(), 1000);
  assert.equal(b.tryReserve(1), false);
  assert.equal(b.tryReserve(0), true);
  b.release(700);
  assert.equal(b.used(), 300);
  assert.equal(b.peak(), 1000);
});

test('release never drops used below zero', () => {
  const b = MemoryBudget.create(100);
  b.tryReserve(10);
  b.release(50);
  assert.equal(b.used(), 0);
  assert.equal(b.tryReserve(100), true);
});

test('two budgets from one handle see each other', () => {
  const a = MemoryBudget.create(1 << 20);
  const b = MemoryBudget.fromShared(a.handle());
  assert.equal(b.limit, 1 << 20);
  assert.ok(a.tryReserve(700_000));
  assert.equal(b.used(), 700_000);
  assert.equal(b.tryReserve(400_000), false);
  b.release(200_000);
  assert.equal(a.used(), 500_000);
  assert.equal(a.peak(), 700_000);
});

test('the handle survives postMessage and still shares the counters', () => {
  const a = MemoryBudget.create(5000);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(a.handle());
  const msg = receiveMessageOnPort(port2);
  port1.close();
  assert.ok(msg);
  const b = MemoryBudget.fromShared(msg.message);
  assert.ok(b.tryReserve(3000));
  assert.equal(a.used(), 3000);
  assert.equal(a.tryReserve(2001), false);
});

test('invalid arguments are errors', () => {
  assert.throws(() => MemoryBudget.create(-1), SluiceError);
  const b = MemoryBudget.create(Infinity);
  assert.equal(b.limit, Number.MAX_SAFE_INTEGER);
  assert.throws(() => b.tryReserve(-5), SluiceError);
  assert.throws(() => b.tryReserve(NaN), SluiceError);
  assert.throws(() => MemoryBudget.fromShared({ buffer: new SharedArrayBuffer(8) }), SluiceError);
});
