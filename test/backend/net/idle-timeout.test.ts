/**
 * Nothing holds a socket forever: a connection that never finishes the handshake, or proves the
 * secret and then sends nothing, is closed after a configurable time; one with traffic stays. A
 * block fetch that crosses an idle close is sent again on a new connection, not failed.
 */
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { BlockClient } from '../../../src/backend/net/block-client.js';
import { BLOCKS_ROLE } from '../../../src/backend/net/block-protocol.js';
import { serveBlocks } from '../../../src/backend/net/block-server.js';
import { encodeFrame } from '../../../src/backend/net/frames.js';
import { connectPeer, IDLE_CLOSE, listenPeers, type Peer } from '../../../src/backend/net/peer.js';
import { FetchError } from '../../../src/exec/worker-services.js';
import { within } from '../../failure/within.js';

const secret = 'idle timeout secret';

const closed = (p: Peer): Promise<string> => new Promise((resolve) => p.onClose(resolve));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('an authenticated connection that sends nothing is closed after idleTimeoutMs; one with traffic stays open', async () => {
  const accepted: Peer[] = [];
  const server = await listenPeers({ port: 0, secret, role: 'control', idleTimeoutMs: 300 }, (p) => {
    accepted.push(p);
    p.onMessage(() => {});
  });
  try {
    const silent = await connectPeer({ ...server.address(), secret, role: 'control' });
    const talking = await connectPeer({ ...server.address(), secret, role: 'control' });
    const silentClosed = closed(silent);
    // Traffic every 100 ms for well over the timeout.
    for (let i = 0; i < 10; i++) {
      talking.send({ ping: i });
      await sleep(100);
    }
    const reason = await within(5000, silentClosed, 'the silent connection being closed');
    assert.match(reason, new RegExp(`closed by the other end: ${IDLE_CLOSE}: nothing sent or received for \\d+ ms \\(idle timeout 300 ms\\)`));
    assert.equal(talking.closed, false, 'a connection with traffic is kept');
    assert.equal(accepted.length, 2);
    talking.close();
  } finally {
    await server.close();
  }
});

test('a connection that starts the handshake and never finishes it is closed after handshakeTimeoutMs', async () => {
  let admitted = 0;
  const server = await listenPeers({ port: 0, secret, role: 'control', handshakeTimeoutMs: 300, idleTimeoutMs: 0 }, () => void admitted++);
  try {
    const s = net.connect(server.address());
    s.on('error', () => {});
    s.resume();
    // Half a handshake frame: a length prefix announcing bytes that never come.
    const [head] = encodeFrame([new Uint8Array(80)]);
    s.write(head!);
    const started = Date.now();
    await new Promise<void>((resolve) => s.once('close', () => resolve()));
    assert.ok(Date.now() - started < 5000, 'closed by the handshake timeout, not left open');
    assert.equal(admitted, 0);
  } finally {
    await server.close();
  }
});

test('idleTimeoutMs is checked', async () => {
  await assert.rejects(listenPeers({ port: 0, secret, role: 'control', idleTimeoutMs: -1 }, () => {}), /idleTimeoutMs must be a non-negative number/);
});

test('a block server closes idle fetch connections; the client reconnects for its next fetch', async () => {
  const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  const server = await serveBlocks({ port: 0, secret, idleTimeoutMs: 200 }, (id, start, end) => {
    if (id !== 'b') throw new Error(`no block ${id}`);
    return { kind: 'bytes', chunks: [data.subarray(start, end)] };
  });
  const client = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 5000 });
  try {
    const region = { blockId: 'b', worker: 'w', start: 100, end: 900, address: server.address() };
    const [first] = await client.fetchAll([region]);
    assert.deepEqual(Buffer.concat(first!), Buffer.from(data.subarray(100, 900)));
    await sleep(600); // the server closes the idle connection
    const [second] = await client.fetchAll([region]);
    assert.deepEqual(Buffer.concat(second!), Buffer.from(data.subarray(100, 900)));
  } finally {
    client.close();
    await server.close();
  }
});

test('a request that crosses an idle close is sent again on a new connection; any other close fails the fetch', async () => {
  const data = Uint8Array.from({ length: 64 }, (_, i) => i);
  let connections = 0;
  /** The first connection's first request is met by an idle close (or `reason`), as if the request crossed it. */
  const ownerClosingWith = (reason: string) =>
    listenPeers({ port: 0, secret, role: BLOCKS_ROLE }, (peer) => {
      const n = ++connections;
      peer.onMessage((msg) => {
        const req = msg as { id: number; start: number; end: number };
        if (n === 1) return peer.close(reason);
        peer.send({ t: 'data', id: req.id, last: true }, [data.subarray(req.start, req.end)]);
      });
    });
  const client = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 5000 });
  const idle = await ownerClosingWith(`${IDLE_CLOSE}: nothing sent or received for 120000 ms`);
  try {
    const [got] = await client.fetchAll([{ blockId: 'b', worker: 'w', start: 8, end: 40, address: idle.address() }]);
    assert.deepEqual(Buffer.concat(got!), Buffer.from(data.subarray(8, 40)));
    assert.equal(connections, 2, 'sent again on a second connection');
  } finally {
    await idle.close();
  }
  connections = 0;
  const crashing = await ownerClosingWith('the owner is stopping');
  try {
    await assert.rejects(client.fetchAll([{ blockId: 'b', worker: 'w', start: 8, end: 40, address: crashing.address() }]), (e: unknown) => e instanceof FetchError && /the owner is stopping/.test(e.reason));
    assert.equal(connections, 1, 'not sent again');
  } finally {
    client.close();
    await crashing.close();
  }
});
