import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { Packr } from 'msgpackr';
import { encodeValue } from '../../../src/serde/record-codec.js';
import { BlockClient } from '../../../src/backend/net/block-client.js';
import { attachBlockServer } from '../../../src/backend/net/block-server.js';
import { encodeFrame } from '../../../src/backend/net/frames.js';
import { connectPeer, listenPeers } from '../../../src/backend/net/peer.js';
import type { LocalRegion } from '../../../src/exec/block-ref.js';
import { seededRandom } from '../../../src/util/random.js';

// 10,000 random and mutated frames against a listening block server (what every worker runs):
// the process survives, every bad connection is closed by the server, and a good client works
// during and after. Frames are sent over many connections, each ending with a frame that is
// bad for sure, so each connection must end closed.

const secret = 'fuzz secret';
const TOTAL_FRAMES = 10_000;
const MAX_FRAME = 1 << 20;
const packr = new Packr({ useRecords: false });
const MAGIC = [0x53, 0x4c, 0x55, 0x49, 0x43, 0x45, 0x00, 0x01];

type Rand = () => number;
const int = (rand: Rand, n: number) => Math.floor(rand() * n);
const bytes = (rand: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => int(rand, 256)));
const frame = (body: Uint8Array) => Buffer.concat(encodeFrame([body]));

function randomValue(rand: Rand, depth = 0): unknown {
  switch (int(rand, depth > 2 ? 6 : 8)) {
    case 0: return int(rand, 2 ** 32) - 2 ** 31;
    case 1: return rand() * 1e9;
    case 2: return bytes(rand, int(rand, 20)).toString('latin1');
    case 3: return bytes(rand, int(rand, 20));
    case 4: return null;
    case 5: return rand() < 0.5;
    case 6: return Array.from({ length: int(rand, 5) }, () => randomValue(rand, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (const k of ['t', 'id', 'blockId', 'start', 'end', 'x']) if (rand() < 0.5) o[k] = k === 't' && rand() < 0.5 ? 'get' : randomValue(rand, depth + 1);
      return o;
    }
  }
}

/** A message frame (kind 1, no attachments) around `body`. */
const messageFrame = (body: Uint8Array) => frame(Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), body]));

/** A frame after authentication: random msgpack, mutated valid requests, wrong kinds, attachments out of turn. */
function postAuthFrame(rand: Rand): Buffer {
  switch (int(rand, 5)) {
    case 0: return messageFrame(rand() < 0.5 ? packr.pack(randomValue(rand)) : encodeValue(randomValue(rand)));
    case 1: {
      const good = messageFrame(encodeValue({ t: 'get', id: int(rand, 100), blockId: 'b0', start: 0, end: 10 }));
      for (let k = 1 + int(rand, 4); k > 0; k--) good[int(rand, good.length)] = int(rand, 256);
      return good;
    }
    case 2: return frame(Buffer.concat([Buffer.from([int(rand, 256)]), bytes(rand, int(rand, 64))]));
    case 3: return messageFrame(bytes(rand, int(rand, 64)));
    default: return Buffer.concat([Buffer.from([1, 2, 3, 4].map(() => int(rand, 256))), bytes(rand, int(rand, 32))]); // raw garbage
  }
}

/** A frame that is bad for sure after authentication. */
function surelyBad(rand: Rand): Buffer {
  switch (int(rand, 3)) {
    case 0: return Buffer.from([0xff, 0xff, 0xff, 0xf0 | int(rand, 16)]); // over the limit
    case 1: return frame(Buffer.from([9 + int(rand, 200), ...bytes(rand, 8)])); // unknown kind
    default: return messageFrame(encodeValue({ t: 'get', id: -1, blockId: 7 })); // not a request
  }
}

/** A frame before authentication: garbage, a valid prefix then garbage, huge lengths, truncated handshakes. */
function preAuthFrames(rand: Rand, n: number): { data: Buffer; truncated: boolean } {
  const parts: Buffer[] = [];
  let truncated = false;
  for (let i = 0; i < n; i++) {
    switch (int(rand, 4)) {
      case 0: parts.push(bytes(rand, 1 + int(rand, 100))); break;
      case 1: parts.push(frame(Buffer.from([...MAGIC, ...bytes(rand, int(rand, 100))]))); break; // valid prefix, then garbage
      case 2: parts.push(Buffer.from([0x7f + int(rand, 0x80), int(rand, 256), int(rand, 256), int(rand, 256)])); break; // huge length
      default: {
        const full = frame(Buffer.from([...MAGIC, ...bytes(rand, 64), ...Buffer.from('blocks')]));
        parts.push(full.subarray(0, int(rand, full.length))); // truncated handshake
        truncated = i === n - 1;
      }
    }
  }
  return { data: Buffer.concat(parts), truncated };
}

function closedWithin(s: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('10,000 random and mutated frames crash nothing, every bad connection is closed, a good client still works', async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  const block = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) & 255));
  const read = (id: string, s: number, e: number): LocalRegion => {
    if (id !== 'b0') throw new Error(`unknown block ${id}`);
    return { kind: 'bytes', chunks: [block.subarray(s, e)] };
  };
  // serveBlocks, with the server side's close reasons recorded.
  const reasons: string[] = [];
  const server = await listenPeers({ port: 0, secret, role: 'blocks', handshakeTimeoutMs: 300, maxFrameBytes: MAX_FRAME }, (peer) => {
    attachBlockServer(peer, read);
    peer.onClose((r) => reasons.push(r));
  });
  const address = server.address();
  const good = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 10_000 });
  const goodFetch = async () => {
    const [chunks] = await good.fetchAll([{ blockId: 'b0', worker: 'w', start: 10, end: 90_000, address }]);
    assert.ok(Buffer.concat(chunks!).equals(block.subarray(10, 90_000)));
  };
  const rand = seededRandom(20261202);
  let sent = 0;
  let connections = 0;
  let postAuth = 0;
  const notClosed: string[] = [];

  const one = async (c: number) => {
    const n = 1 + int(rand, 19);
    sent += n;
    connections++;
    if (rand() < 0.5) {
      const { data, truncated } = preAuthFrames(rand, n);
      const s = net.connect(address);
      s.on('error', () => {});
      s.resume();
      s.write(data);
      if (!(await closedWithin(s, 15_000))) notClosed.push(`pre-auth #${c}${truncated ? ' (truncated)' : ''}`);
      s.destroy();
      return;
    }
    postAuth++;
    const peer = await connectPeer({ ...address, secret, role: 'blocks', maxFrameBytes: MAX_FRAME });
    const s = (peer as unknown as { socket: net.Socket }).socket;
    const frames = Array.from({ length: n - 1 }, () => postAuthFrame(rand));
    frames.push(surelyBad(rand));
    // A random length can announce a frame that never completes; the client's FIN ends that wait,
    // so the server must close on its own every connection, however its garbage ended.
    s.end(Buffer.concat(frames));
    if (!(await closedWithin(s, 15_000))) notClosed.push(`post-auth #${c}`);
    s.destroy();
  };

  for (let c = 0; sent < TOTAL_FRAMES; ) {
    const batch: Promise<void>[] = [];
    for (let k = 0; k < 40 && sent < TOTAL_FRAMES; k++) batch.push(one(c++));
    if (c % 200 < 40) batch.push(goodFetch()); // a good client works meanwhile
    await Promise.all(batch);
  }
  await goodFetch();
  const fresh = new BlockClient({ secret, maxBytesInFlight: 1 << 20, timeoutMs: 10_000 });
  const [chunks] = await fresh.fetchAll([{ blockId: 'b0', worker: 'w', start: 0, end: block.length, address }]);
  assert.ok(Buffer.concat(chunks!).equals(block));
  fresh.close();
  good.close();
  await server.close();
  process.off('uncaughtException', onUncaught);
  assert.ok(sent >= TOTAL_FRAMES);
  assert.deepEqual(notClosed, [], `${notClosed.length} of ${connections} bad connections stayed open`);
  assert.deepEqual(uncaught, []);
  // The server found the garbage itself, rather than waiting for the client's FIN, on nearly every connection.
  const found = reasons.filter((r) => /malformed|exceeds the limit/.test(r)).length;
  assert.ok(found >= 0.9 * postAuth, `${found} of ${postAuth} authenticated garbage connections closed by the server for cause`);
});
