import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { blockRegion } from '../../src/exec/block-ref.js';
import { BlockWriter, toStored } from '../../src/exec/block-store.js';
import { readLocalRegion } from '../../src/exec/exchange/read-chunks.js';
import { LocalBlockStore } from '../../src/exec/local-block-store.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(store: LocalBlockStore, parts: number[][], budget = store.budget) {
  const w = new BlockWriter({ numPartitions: parts.length, budget, spillDir: dir });
  parts.forEach((chunks, p) => chunks.forEach((n) => w.add(p, new Uint8Array(n).fill(p + 1))));
  return store.put(toStored(w.finish()));
}

test('a memory block: the ref is plain data owned by the worker; reads see the bytes; free releases the budget', () => {
  const store = new LocalBlockStore('worker-9', MemoryBudget.create(1 << 20));
  const ref = write(store, [[10, 20], [], [5]]);
  assert.equal(ref.worker, 'worker-9');
  assert.deepEqual(ref.parts, [0, 2]);
  assert.deepEqual(JSON.parse(JSON.stringify(ref)), ref, 'plain data');
  assert.equal(store.budget.used(), ref.bytes);
  assert.deepEqual(store.held(), { blocks: 1, memory: ref.bytes, disk: 0 });
  const r = blockRegion(ref, 2)!;
  const chunks = [...readLocalRegion(store.read(ref.blockId, r.start, r.end), 'test')];
  assert.deepEqual(chunks.map((c) => [...c]), [[3, 3, 3, 3, 3]]);
  store.free([ref.blockId, 'unknown']);
  assert.equal(store.budget.used(), 0);
  assert.deepEqual(store.held(), { blocks: 0, memory: 0, disk: 0 });
  assert.throws(() => store.read(ref.blockId, 0, 1), /not stored on worker-9/);
});

test('a spilled block is a file held on disk, deleted when freed; ids differ between two stores of one worker', () => {
  const a = new LocalBlockStore('w', MemoryBudget.create(0));
  const b = new LocalBlockStore('w', MemoryBudget.create(0));
  const ref = write(a, [[100], [200]]);
  const other = write(b, [[1]]);
  assert.notEqual(ref.blockId, other.blockId);
  const local = a.read(ref.blockId, ref.offsets[1]!, ref.offsets[2]!);
  assert.equal(local.kind, 'file');
  assert.equal(a.held().disk, ref.bytes);
  const path = (local as { path: string }).path;
  assert.ok(existsSync(path));
  a.free([ref.blockId]);
  assert.ok(!existsSync(path));
  b.clear();
});

test('an adopted block counts against the new budget when it fits', () => {
  const old = new LocalBlockStore('w', MemoryBudget.create(1 << 20));
  const ref = write(old, [[1000]]);
  const fresh = new LocalBlockStore('w', MemoryBudget.create(1 << 20));
  const source = old.source(ref.blockId)!;
  fresh.adopt(ref.blockId, source, ref.bytes, true);
  assert.equal(fresh.budget.used(), ref.bytes);
  fresh.free([ref.blockId]);
  assert.equal(fresh.budget.used(), 0);
});
