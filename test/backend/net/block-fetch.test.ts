import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRegion } from '../../../src/exec/block-ref.js';
import { FetchError } from '../../../src/exec/worker-services.js';
import { BlockClient, type AddressedRegion } from '../../../src/backend/net/block-client.js';
import { serveBlocks } from '../../../src/backend/net/block-server.js';
import { listenPeers, type PeerServer } from '../../../src/backend/net/peer.js';
import { seededRandom } from '../../../src/util/random.js';

const secret = 'block secret';

function randomBytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

function joined(chunks: Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks);
}

/** An owner holding blocks in memory (several chunks each) and in files. */
async function owner(name: string, blocks: Map<string, Uint8Array>, dir: string, chunkBytes: number) {
  const files = new Map<string, string>();
  let reads = 0;
  for (const [id, bytes] of blocks) {
    if (id.endsWith('f')) {
      const path = join(dir, `${name}-${id}`);
      writeFileSync(path, Buffer.concat([Buffer.from('header!'), bytes]));
      files.set(id, path);
    }
  }
  const read = (blockId: string, start: number, end: number): LocalRegion => {
    reads++;
    const bytes = blocks.get(blockId);
    if (!bytes) throw new Error(`no block ${blockId} here`);
    const path = files.get(blockId);
    if (path) return { kind: 'file', path, start: start + 7, end: end + 7 };
    const mid = start + ((end - start) >> 1);
    return { kind: 'bytes', chunks: [bytes.subarray(start, mid), bytes.subarray(mid, end)] };
  };
  const server = await serveBlocks({ port: 0, secret, chunkBytes }, read);
  return { server, reads: () => reads };
}

test('fetches regions from several owners, memory and file blocks, byte-exact against the source', async () => {
  const rand = seededRandom(42);
  const dir = mkdtempSync(join(tmpdir(), 'sluice-blocks-'));
  const owners: Array<{ server: PeerServer; blocks: Map<string, Uint8Array> }> = [];
  try {
    for (let o = 0; o < 3; o++) {
      const blocks = new Map<string, Uint8Array>();
      for (let b = 0; b < 4; b++) blocks.set(`o${o}b${b}${b % 2 ? 'f' : 'm'}`, randomBytes(rand, Math.floor(rand() * 300_000)));
      owners.push({ server: (await owner(`o${o}`, blocks, dir, 16 * 1024)).server, blocks });
    }
    const client = new BlockClient({ secret, maxBytesInFlight: 200_000, timeoutMs: 10_000, requestBytes: 50_000 });
    for (let trial = 0; trial < 5; trial++) {
      const regions: AddressedRegion[] = [];
      const expected: Uint8Array[] = [];
      for (let k = 0; k < 20; k++) {
        const o = owners[Math.floor(rand() * owners.length)]!;
        const ids = [...o.blocks.keys()];
        const id = ids[Math.floor(rand() * ids.length)]!;
        const bytes = o.blocks.get(id)!;
        const a = Math.floor(rand() * (bytes.length + 1));
        const b = rand() < 0.1 ? a : a + Math.floor(rand() * (bytes.length - a + 1));
        regions.push({ blockId: id, worker: `o${owners.indexOf(o)}`, start: a, end: b, address: o.server.address() });
        expected.push(bytes.subarray(a, b));
      }
      const ended: number[] = [];
      const got: Uint8Array[][] = regions.map(() => []);
      await client.fetch(regions, { chunk: (i, bytes) => void got[i]!.push(bytes), end: (i) => void ended.push(i) });
      assert.deepEqual(ended.sort((x, y) => x - y), [...regions.keys()], 'every region ends once');
      for (let i = 0; i < regions.length; i++) assert.ok(Buffer.from(expected[i]!).equals(joined(got[i]!)), `trial ${trial} region ${i}`);
      for (const chunks of got) for (const c of chunks) assert.ok(c.length <= 16 * 1024, 'the server streams in chunks of chunkBytes');
    }
    assert.ok(client.peakBytesInFlight <= 200_000);
    client.close();
  } finally {
    for (const o of owners) await o.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file region is streamed in chunks, never as a whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-blocks-'));
  const path = join(dir, 'big');
  const bytes = randomBytes(seededRandom(3), 3_000_000);
  writeFileSync(path, bytes);
  const server = await serveBlocks({ port: 0, secret, chunkBytes: 64 * 1024 }, (_id, start, end) => ({ kind: 'file', path, start, end }));
  const client = new BlockClient({ secret, maxBytesInFlight: 8 << 20, timeoutMs: 10_000 });
  const [chunks] = await client.fetchAll([{ blockId: 'big', worker: 'w', start: 0, end: bytes.length, address: server.address() }]);
  assert.ok(chunks!.length >= Math.ceil(bytes.length / (64 * 1024)));
  assert.ok(chunks!.every((c) => c.length <= 64 * 1024));
  assert.ok(Buffer.from(bytes).equals(joined(chunks!)));
  client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Fake owners that hold requests and answer them later, counting the bytes requested and not
 * yet sent over all of them: what the client has outstanding can only be more.
 */
async function slowOwners(n: number, bytesOf: (blockId: string) => Uint8Array) {
  const state = { outstanding: 0, peak: 0, busyOwners: new Set<number>(), peakBusyOwners: 0, connections: 0, requests: 0 };
  const servers: PeerServer[] = [];
  for (let o = 0; o < n; o++) {
    let owed = 0;
    servers.push(
      await listenPeers({ port: 0, secret, role: 'blocks' }, (peer) => {
        state.connections++;
        const queue: Array<{ id: number; blockId: string; start: number; end: number }> = [];
        let busy = false;
        const work = () => {
          const req = queue.shift();
          if (!req) {
            busy = false;
            return;
          }
          busy = true;
          setTimeout(() => {
            const bytes = bytesOf(req.blockId).subarray(req.start, req.end);
            peer.send({ t: 'data', id: req.id, last: true }, [bytes]);
            state.outstanding -= bytes.length;
            owed -= bytes.length;
            if (owed === 0) state.busyOwners.delete(o);
            work();
          }, 2);
        };
        peer.onMessage((m) => {
          const req = m as { id: number; blockId: string; start: number; end: number };
          state.requests++;
          state.outstanding += req.end - req.start;
          owed += req.end - req.start;
          state.busyOwners.add(o);
          state.peak = Math.max(state.peak, state.outstanding);
          state.peakBusyOwners = Math.max(state.peakBusyOwners, state.busyOwners.size);
          queue.push(req);
          if (!busy) work();
        });
      }),
    );
  }
  return { state, servers };
}

test('never more than maxBytesInFlight outstanding, pipelined across several owners, one connection per owner', async () => {
  const rand = seededRandom(9);
  const blocks = new Map<string, Uint8Array>();
  for (let b = 0; b < 12; b++) blocks.set(`b${b}`, randomBytes(rand, 40_000 + Math.floor(rand() * 100_000)));
  const { state, servers } = await slowOwners(3, (id) => blocks.get(id)!);
  const max = 100_000;
  const client = new BlockClient({ secret, maxBytesInFlight: max, timeoutMs: 10_000, requestBytes: 20_000 });
  const regions: AddressedRegion[] = [...blocks.keys()].map((id, i) => ({ blockId: id, worker: `w${i % 3}`, start: 0, end: blocks.get(id)!.length, address: servers[i % 3]!.address() }));
  // Two fetches at once share the bound; a slow sink holds credit until it is done.
  const [a, b] = await Promise.all([
    client.fetchAll(regions.slice(0, 6)),
    (async () => {
      const out: Uint8Array[][] = regions.slice(6).map(() => []);
      await client.fetch(regions.slice(6), async (i, bytes) => {
        await new Promise((r) => setTimeout(r, 1));
        out[i]!.push(bytes);
      });
      return out;
    })(),
  ]);
  const got = [...a, ...b];
  regions.forEach((r, i) => assert.ok(Buffer.from(blocks.get(r.blockId)!).equals(joined(got[i]!)), `region ${i}`));
  assert.ok(state.peak <= max, `outstanding bytes peaked at ${state.peak} > ${max}`);
  assert.ok(client.peakBytesInFlight <= max);
  assert.ok(state.peak > max / 2, `the bound is used, not left idle (peak ${state.peak})`);
  assert.ok(state.peakBusyOwners >= 2, 'requests were in flight at several owners at once');
  assert.ok(state.requests > regions.length, 'regions were split into pipelined requests');
  assert.equal(state.connections, 3, 'one reused connection per owner');
  // A second fetch reuses the same connections.
  await client.fetchAll(regions.slice(0, 3));
  assert.equal(state.connections, 3);
  client.close();
  for (const s of servers) await s.close();
});

test('FetchError for an unknown block, a closed peer, an owner that never answers, and nobody listening', async () => {
  const server = await serveBlocks({ port: 0, secret }, (id) => {
    throw new Error(`block ${id} is not stored here`);
  });
  const client = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 400 });
  const region = { blockId: 'nope', worker: 'w1', start: 0, end: 10, address: server.address() };
  const err = await client.fetchAll([region]).catch((e: unknown) => e);
  assert.ok(err instanceof FetchError, String(err));
  assert.equal(err.region.blockId, 'nope');
  assert.match(err.message, /could not fetch block nope from w1: block nope is not stored here/);
  // The connection survives an error reply: the server still answers on it.
  await assert.rejects(client.fetchAll([region]), FetchError);

  // An owner that drops the connection after half an answer.
  const dropper = await listenPeers({ port: 0, secret, role: 'blocks' }, (peer) =>
    peer.onMessage((m) => {
      peer.send({ t: 'data', id: (m as { id: number }).id, last: false }, [new Uint8Array(5)]);
      setTimeout(() => peer.abort('simulated crash'), 20);
    }),
  );
  const e2 = await client.fetchAll([{ ...region, blockId: 'half', address: dropper.address() }]).catch((e: unknown) => e);
  assert.ok(e2 instanceof FetchError && e2.region.blockId === 'half' && /closed/.test(e2.reason), String(e2));

  // An owner that never answers: a timeout, not a hang.
  const silent = await listenPeers({ port: 0, secret, role: 'blocks' }, () => {});
  const t0 = Date.now();
  const e3 = await client.fetchAll([{ ...region, blockId: 'slow', address: silent.address() }]).catch((e: unknown) => e);
  assert.ok(e3 instanceof FetchError && /timeout/.test(e3.reason), String(e3));
  assert.ok(Date.now() - t0 < 10_000);

  // Nobody listening.
  const port = silent.address().port;
  await silent.close();
  const e4 = await client.fetchAll([{ ...region, blockId: 'gone', address: { host: '127.0.0.1', port } }]).catch((e: unknown) => e);
  assert.ok(e4 instanceof FetchError && e4.region.blockId === 'gone', String(e4));

  // The client still works with a good owner afterwards.
  const good = await serveBlocks({ port: 0, secret }, () => ({ kind: 'bytes', chunks: [new Uint8Array([7, 8, 9])] }));
  const [ok] = await client.fetchAll([{ ...region, blockId: 'fine', start: 0, end: 3, address: good.address() }]);
  assert.deepEqual([...joined(ok!)], [7, 8, 9]);
  client.close();
  await Promise.all([server.close(), dropper.close(), good.close()]);
});

test('a sink that throws fails its fetch with that error; a closed client rejects fetches', async () => {
  const server = await serveBlocks({ port: 0, secret }, (_id, s, e) => ({ kind: 'bytes', chunks: [new Uint8Array(e - s)] }));
  const client = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 5000 });
  const region = { blockId: 'x', worker: 'w', start: 0, end: 100, address: server.address() };
  await assert.rejects(
    client.fetch([region], () => {
      throw new Error('disk full');
    }),
    /disk full/,
  );
  const [bytes] = await client.fetchAll([region]);
  assert.equal(joined(bytes!).length, 100);
  client.close();
  await assert.rejects(client.fetchAll([region]), /closed/);
  await server.close();
});
