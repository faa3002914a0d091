import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { freeBlock } from '../../src/exec/block-store.js';
import { regionAt, type BlockRef, type BlockRegion, type LocalRegion } from '../../src/exec/block-ref.js';
import { decodeChunks, recordFormat } from '../../src/exec/exchange/chunk-format.js';
import { BatchBlockWriter, ExchangeWriter, storeChunk } from '../../src/exec/exchange/exchange-writer.js';
import { heldFetcher, inputFailure } from '../../src/exec/exchange/fetch-failures.js';
import { readBlockPartition, readInput, readLocalRegion } from '../../src/exec/exchange/read-chunks.js';
import { RegionLanding, type ChunkSink } from '../../src/exec/exchange/region-landing.js';
import { ipcFormat } from '../../src/exec/frame/ipc-format.js';
import { LocalBlockStore, regionOf } from '../../src/exec/local-block-store.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { CorruptBlockError } from '../../src/exec/spill-file.js';
import { FetchFailedError } from '../../src/exec/user-function-error.js';
import { FetchError } from '../../src/exec/worker-services.js';
import { SluiceError } from '../../src/util/errors.js';
import { zeroMetrics } from '../../src/util/metrics.js';
import { batchesOf, rowsOf, schemaOf } from './frame/join-sort-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-exchange-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A task's view of a worker: its store, budget, spill directory and metrics. */
function home(store: LocalBlockStore) {
  return { budget: store.budget, spillDir: dir, store: (b: Parameters<LocalBlockStore['put']>[0]) => store.put(b), metrics: zeroMetrics() };
}

/** Writes (partition, batch) pairs through the core in the record format; the reference is each partition's batches in order. */
function writeRecords(store: LocalBlockStore, numPartitions: number, adds: Array<[number, unknown[]]>) {
  const h = home(store);
  const w = new ExchangeWriter(h, numPartitions);
  for (const [p, batch] of adds) recordFormat.encoder((chunk, rows) => w.add(p, chunk, rows)).add(batch);
  const expected = Array.from({ length: numPartitions }, (_, p) => adds.filter(([q]) => q === p).map(([, b]) => b));
  return { ref: w.commit(), expected, metrics: h.metrics };
}

/** The raw bytes of a region as its owner would serve them (memory or file). */
function rawBytes(local: LocalRegion): Uint8Array {
  if (local.kind === 'bytes') return new Uint8Array(Buffer.concat(local.chunks));
  const out = new Uint8Array(local.end - local.start);
  const fd = openSync(local.path, 'r');
  try {
    readSync(fd, out, 0, out.length, local.start);
  } finally {
    closeSync(fd);
  }
  return out;
}

/**
 * A fake transport over other workers' stores: delivers every region in pieces of `piece`
 * bytes, regions interleaved, as a network client does; owners in `dead` fail after half their bytes.
 */
function fakeTransport(stores: Map<string, LocalBlockStore>, piece: number, dead = new Set<string>()) {
  let delivered = 0;
  const stream = async (regions: readonly BlockRegion[], sink: ChunkSink): Promise<void> => {
    const bytes = regions.map((r) => rawBytes(stores.get(r.worker)!.read(r.blockId, r.start, r.end)));
    const at = regions.map(() => 0);
    for (let left = regions.length; left > 0; ) {
      left = 0;
      for (let i = 0; i < regions.length; i++) {
        const b = bytes[i]!;
        if (at[i]! > b.length) continue;
        if (dead.has(regions[i]!.worker) && at[i]! >= b.length / 2) throw new FetchError(regions[i]!, 'connection closed');
        if (at[i] === b.length) {
          await sink.end?.(i);
          at[i]!++;
          continue;
        }
        const end = Math.min(b.length, at[i]! + piece);
        await sink.chunk(i, b.subarray(at[i]!, end));
        delivered += end - at[i]!;
        at[i] = end;
        left++;
      }
    }
  };
  return { stream, delivered: () => delivered };
}

const regionsOf = (ref: BlockRef): BlockRegion[] => ref.parts.map((_, i) => regionAt(ref, i));
const recordsIn = (local: LocalRegion) => [...decodeChunks(recordFormat, readLocalRegion(local, 'test'))];

const addsArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.array(fc.oneof(fc.integer(), fc.string(), fc.tuple(fc.string(), fc.integer())), { minLength: 1, maxLength: 40 })), { maxLength: 30 })));

test('partitioned chunks written through the core read back by partition, from memory and from a spilled file', () => {
  fc.assert(
    fc.property(addsArb, fc.constantFrom(0, 600, 1 << 20), ([n, adds], budget) => {
      const store = new LocalBlockStore('w1', MemoryBudget.create(budget));
      const { ref, expected, metrics } = writeRecords(store, n, adds);
      assert.equal(ref.numPartitions, n);
      for (let p = 0; p < n; p++) {
        const i = ref.parts.indexOf(p);
        const got = i < 0 ? [] : recordsIn(store.read(ref.blockId, ref.offsets[i]!, ref.offsets[i + 1]!));
        assert.deepEqual(got, expected[p], `partition ${p}`);
        if (i >= 0) assert.equal(ref.rows![i], expected[p]!.flat().length, 'rows counted per partition');
      }
      // Past the budget the block went to disk, and the spill was counted.
      const spilled = store.held().disk > 0;
      assert.equal(spilled, metrics.spills === 1 && metrics.spilledBytes > 0);
      if (budget === 0 && adds.length > 0) assert.ok(spilled);
      store.clear();
      assert.equal(store.budget.used(), 0);
    }),
    { numRuns: 60 },
  );
});

test('partitions of other workers land here while they stream: in memory within the budget, in checksummed files past it, never beyond it', async () => {
  await fc.assert(
    fc.asyncProperty(addsArb, fc.constantFrom(0, 600, 1 << 20), fc.constantFrom(0, 1500, 1 << 20), fc.integer({ min: 1, max: 700 }), async ([n, adds], ownerBudget, landBudget, piece) => {
      // Half the owners' blocks in memory, half on disk (a zero budget), as a cluster has both.
      const stores = new Map([
        ['w2', new LocalBlockStore('w2', MemoryBudget.create(ownerBudget))],
        ['w3', new LocalBlockStore('w3', MemoryBudget.create(0))],
      ]);
      const a = writeRecords(stores.get('w2')!, n, adds);
      const b = writeRecords(stores.get('w3')!, n, adds.slice().reverse());
      const regions = [...regionsOf(a.ref), ...regionsOf(b.ref)];
      const budget = MemoryBudget.create(landBudget);
      const landing = new RegionLanding({ dir, budget });
      const transport = fakeTransport(stores, piece);
      const landed = await landing.land(regions, transport.stream);
      assert.ok(budget.used() <= landBudget && landing.held.memory === budget.used(), 'memory landed stays within its budget');
      let inFiles = 0;
      landed.forEach((l, i) => {
        const r = regions[i]!;
        assert.notEqual(l.kind, 'failed');
        if (l.kind === 'failed') return;
        if (l.kind === 'file') inFiles += r.end - r.start;
        const ref = i < a.ref.parts.length ? a : b;
        const p = ref.ref.parts[i < a.ref.parts.length ? i : i - a.ref.parts.length]!;
        assert.deepEqual(recordsIn(regionOf(l, 0, r.end - r.start)), ref.expected[p], `partition ${p} of ${r.worker}`);
      });
      const total = regions.reduce((s, r) => s + r.end - r.start, 0);
      assert.equal(transport.delivered(), total);
      assert.equal(inFiles + budget.used(), total, 'what memory refused is in files');
      if (landBudget === 0) assert.equal(inFiles, total);
      landing.release();
      assert.equal(budget.used(), 0);
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('fetched')), [], 'landed files deleted on release');
      for (const s of stores.values()) s.clear();
    }),
    { numRuns: 40 },
  );
});

test('an owner that dies mid-fetch fails its own regions only; its partly landed file is deleted', async () => {
  const stores = new Map([
    ['w2', new LocalBlockStore('w2', MemoryBudget.create(1 << 20))],
    ['w3', new LocalBlockStore('w3', MemoryBudget.create(1 << 20))],
  ]);
  const adds: Array<[number, unknown[]]> = Array.from({ length: 40 }, (_, i) => [i % 3, Array.from({ length: 50 }, (_, j) => `r${i}-${j}`)]);
  const a = writeRecords(stores.get('w2')!, 3, adds);
  const b = writeRecords(stores.get('w3')!, 3, adds);
  const regions = [...regionsOf(a.ref), ...regionsOf(b.ref)];
  const budget = MemoryBudget.create(0);
  const landing = new RegionLanding({ dir, budget });
  const landed = await landing.land(regions, fakeTransport(stores, 100, new Set(['w3'])).stream);
  assert.deepEqual(
    landed.map((l) => l.kind),
    regions.map((r) => (r.worker === 'w3' ? 'failed' : 'file')),
  );
  const failed = landed.find((l) => l.kind === 'failed');
  assert.match(failed && 'reason' in failed ? failed.reason : '', /connection closed/);
  assert.equal(readdirSync(dir).filter((f) => f.startsWith('fetched')).length, a.ref.parts.length, 'only the live owner’s files remain');
  landing.release();
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('fetched')), []);
});

test('a region this worker cannot keep (its disk refuses the file) fails the landing with the local error, blaming no owner, and keeps nothing', async () => {
  const stores = new Map([
    ['w2', new LocalBlockStore('w2', MemoryBudget.create(1 << 20))],
    ['w3', new LocalBlockStore('w3', MemoryBudget.create(1 << 20))],
  ]);
  const adds: Array<[number, unknown[]]> = Array.from({ length: 20 }, (_, i) => [i % 2, Array.from({ length: 30 }, (_, j) => `r${i}-${j}`)]);
  const regions = [...regionsOf(writeRecords(stores.get('w2')!, 2, adds).ref), ...regionsOf(writeRecords(stores.get('w3')!, 2, adds).ref)];
  // A landing directory under a regular file: every file landing fails as a full disk would, on this side.
  const blocker = join(dir, 'not-a-directory');
  writeFileSync(blocker, '');
  const budget = MemoryBudget.create(regions[0]!.end - regions[0]!.start);
  const landing = new RegionLanding({ dir: join(blocker, 'landing'), budget });
  await assert.rejects(
    landing.land(regions, fakeTransport(stores, 64).stream),
    (e: unknown) => !(e instanceof FetchError) && /ENOTDIR|ENOENT/.test(String((e as Error).message)),
  );
  assert.deepEqual(landing.held, { memory: 0, files: 0 });
  assert.equal(budget.used(), 0, 'memory landed before the failure is given back');
});

test('a landed file of memory frames is checksummed: a flipped byte on disk is a corrupt block, and a fetch failure of its map output', async () => {
  const stores = new Map([['w2', new LocalBlockStore('w2', MemoryBudget.create(1 << 20))]]);
  const { ref, expected } = writeRecords(stores.get('w2')!, 1, [[0, ['a', 'b', 'c']], [0, [1, 2, 3]]]);
  const [region] = regionsOf(ref);
  const landing = new RegionLanding({ dir, budget: MemoryBudget.create(0) });
  const [l] = await landing.land([region!], fakeTransport(stores, 3).stream);
  assert.equal(l!.kind, 'file');
  if (l!.kind !== 'file') return;
  const local = regionOf(l!, 0, region!.end - region!.start);
  assert.deepEqual(recordsIn(local), expected[0]);
  const bytes = readFileSync(l!.path);
  bytes[bytes.length - 1]! ^= 0xff;
  writeFileSync(l!.path, bytes);
  assert.throws(() => recordsIn(local), CorruptBlockError);
  const role = { kind: 'shuffle', shuffleId: 4, map: 7 } as const;
  assert.throws(
    () => [...readInput(() => local, role, 'test')],
    (e: unknown) => e instanceof FetchFailedError && e.shuffleId === 4 && e.mapPartition === 7 && /crc32 mismatch/.test(e.message),
  );
  landing.release();
  assert.equal(existsSync(l!.path), false);
});

test('fetch failures are mapped in one place: shuffle pieces to fetch-failed, driver-held regions to task errors, misses to FetchErrors naming the region', async () => {
  const region: BlockRegion = { blockId: 'b1', worker: 'w5', start: 0, end: 10 };
  const lost = new FetchError(region, 'nothing received for 30000 ms');
  const shuffle = inputFailure({ kind: 'shuffle', shuffleId: 2, map: 9 }, lost);
  assert.ok(shuffle instanceof FetchFailedError && shuffle.shuffleId === 2 && shuffle.mapPartition === 9);
  assert.match(shuffle.message, /map partition 9 of shuffle 2: could not fetch block b1 from w5: nothing received/);
  assert.equal(inputFailure({ kind: 'shuffle', shuffleId: 3, map: 1 }, shuffle), shuffle, 'already mapped');
  for (const kind of ['broadcast', 'slice'] as const) {
    const e = inputFailure({ kind }, lost);
    assert.ok(e instanceof SluiceError && !(e instanceof FetchFailedError) && /could not fetch block b1/.test(e.message));
  }
  const corrupt = new CorruptBlockError('corrupt block: crc32 mismatch', 'f', 0);
  assert.equal(inputFailure({ kind: 'cached', key: '1:0' }, corrupt), corrupt, 'read errors of cached partitions pass as they are');

  const store = new LocalBlockStore('w5', MemoryBudget.create(1 << 20));
  const ref = storeChunk(store, dir, new Uint8Array([1, 2, 3]));
  const fetcher = heldFetcher((r) => (r.blockId === 'gone' ? undefined : r.blockId === 'why' ? 'owner is not in the cluster' : store.read(r.blockId, r.start, r.end)));
  const [ok] = await fetcher.localize([regionAt(ref, 0)]);
  assert.deepEqual([...readLocalRegion(ok!, 'test')].map((c) => [...c]), [[1, 2, 3]]);
  for (const [blockId, reason] of [['gone', /not held by w5 any more/], ['why', /owner is not in the cluster/], ['unknown', /not stored on w5/]] as const) {
    const e = await fetcher.localize([{ ...region, blockId }]).catch((x: unknown) => x);
    assert.ok(e instanceof FetchError && e.region.blockId === blockId && reason.test(e.message), String(e));
  }
  store.clear();
});

test('a consumer’s own error while reading a region is not a fetch failure', () => {
  const store = new LocalBlockStore('w1', MemoryBudget.create(1 << 20));
  const { ref } = writeRecords(store, 1, [[0, [1]], [0, [2]]]);
  const r = regionAt(ref, 0);
  const boom = new Error('user code');
  assert.throws(() => {
    for (const _ of readInput(() => store.read(r.blockId, r.start, r.end), { kind: 'shuffle', shuffleId: 0, map: 0 }, 'test')) throw boom;
  }, (e: unknown) => e === boom);
  store.clear();
});

test('both formats sit on the same core: records and Arrow batches kept in a block read back the same, spilled or not', () => {
  const S = schemaOf('c', ['int32', 'string', 'float64']);
  const rows = Array.from({ length: 300 }, (_, i) => [i % 11 === 0 ? null : i, `s${i % 17}`, i / 8]);
  for (const limit of [0, 1 << 24]) {
    const store = new LocalBlockStore('w1', MemoryBudget.create(limit));
    const frames = new BatchBlockWriter(ipcFormat, home(store));
    const batches = batchesOf(S, rows, [64, 0, 100]);
    for (const b of batches) frames.add(b);
    const block = frames.keep(true)!;
    assert.equal(block.kind, limit === 0 ? 'file' : 'memory');
    assert.deepEqual(rowsOf(decodeChunks(ipcFormat, readBlockPartition(block, 0))), rows);
    freeBlock(block, store.budget);
    const recs = new BatchBlockWriter(recordFormat, home(store));
    recs.add(rows.slice(0, 10));
    recs.add(rows.slice(10));
    const ref = recs.commit(true)!;
    const r = regionAt(ref, 0);
    assert.deepEqual([...decodeChunks(recordFormat, readLocalRegion(store.read(ref.blockId, r.start, r.end), 'test'))].flat(), rows);
    // An incomplete block (a consumer stopped early) is freed, not kept.
    const partial = new BatchBlockWriter(recordFormat, home(store));
    partial.add([1, 2, 3]);
    assert.equal(partial.commit(false), undefined);
    store.clear();
    assert.equal(store.budget.used(), 0);
  }
});
