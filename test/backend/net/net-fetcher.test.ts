import { test } from 'node:test';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import type { BlockRegion, HeldBytes, LocalRegion } from '../../../src/exec/block-ref.js';
import { FetchError, type BlockStore } from '../../../src/exec/worker-services.js';
import { BlockClient } from '../../../src/backend/net/block-client.js';
import { serveBlocks } from '../../../src/backend/net/block-server.js';
import { NetFetcher } from '../../../src/backend/net/net-fetcher.js';
import { MemoryBudget } from '../../../src/exec/memory-budget.js';

const secret = 'fetcher secret';

/** A store of whole blocks in memory, as a worker's store answers reads. */
function memoryStore(blocks: Record<string, Uint8Array>): BlockStore {
  return {
    budget: MemoryBudget.create(1 << 20),
    put: () => assert.fail('not used'),
    read(blockId: string, start: number, end: number): LocalRegion {
      const b = blocks[blockId];
      if (!b) throw new Error(`unknown block ${blockId}`);
      return { kind: 'bytes', chunks: [b.subarray(start, end)] };
    },
    free: () => {},
    held: (): HeldBytes => ({ blocks: 0, memory: 0, disk: 0 }),
  };
}

const bytesOf = (r: LocalRegion) => (r.kind === 'bytes' ? [...Buffer.concat(r.chunks)] : assert.fail('a file region'));

test('NetFetcher reads its own regions locally and fetches the others from their owners, in the order asked', async () => {
  const mine = memoryStore({ m: new Uint8Array([1, 2, 3, 4]) });
  const w2 = { x: new Uint8Array([10, 11, 12, 13, 14]) };
  const w3 = { y: new Uint8Array([20, 21, 22]) };
  const s2 = await serveBlocks({ port: 0, secret }, (id, s, e) => memoryStore(w2).read(id, s, e));
  const s3 = await serveBlocks({ port: 0, secret }, (id, s, e) => memoryStore(w3).read(id, s, e));
  const client = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 5000 });
  const addresses: Record<string, { host: string; port: number }> = { w2: s2.address(), w3: s3.address() };
  const fetcher = new NetFetcher({ self: 'w1', store: mine, dir: tmpdir(), addressOf: (w) => addresses[w], client });
  const regions: BlockRegion[] = [
    { blockId: 'x', worker: 'w2', start: 1, end: 4 },
    { blockId: 'm', worker: 'w1', start: 2, end: 4 },
    { blockId: 'y', worker: 'w3', start: 0, end: 3 },
    { blockId: 'x', worker: 'w2', start: 0, end: 0 },
  ];
  const got = await fetcher.localize(regions);
  assert.deepEqual(got.map(bytesOf), [[11, 12, 13], [3, 4], [20, 21, 22], []]);
  // An unknown owner, an unknown local block and an unknown remote block are FetchErrors naming the region.
  for (const r of [
    { blockId: 'x', worker: 'w9', start: 0, end: 1 },
    { blockId: 'nope', worker: 'w1', start: 0, end: 1 },
    { blockId: 'nope', worker: 'w3', start: 0, end: 1 },
  ]) {
    const err = await fetcher.localize([regions[0]!, r]).catch((e: unknown) => e);
    assert.ok(err instanceof FetchError && err.region.blockId === r.blockId && err.region.worker === r.worker, String(err));
  }
  client.close();
  await Promise.all([s2.close(), s3.close()]);
});
