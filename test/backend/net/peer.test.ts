import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as tlsModule from 'node:tls';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPeer, listenPeers, type Peer, type PeerOptions } from '../../../src/backend/net/peer.js';
import { encodeFrame } from '../../../src/backend/net/frames.js';

const SECRET = 'correct horse battery staple';

/** A server that records every peer, message and close reason. */
async function recordingServer(opts: Partial<PeerOptions> & { host?: string; maxPendingHandshakes?: number } = {}) {
  const peers: Peer[] = [];
  const messages: unknown[] = [];
  const closes: string[] = [];
  const server = await listenPeers({ port: 0, secret: SECRET, role: 'control', ...opts }, (p) => {
    peers.push(p);
    p.onMessage((msg, attachments) => {
      messages.push(msg);
      if ((msg as { echo?: boolean })?.echo) p.send({ reply: msg }, attachments);
    });
    p.onClose((r) => closes.push(r));
  });
  return { server, peers, messages, closes };
}

function nextMessage(p: Peer): Promise<[unknown, Uint8Array[]]> {
  return new Promise((resolve) => p.onMessage((m, a) => resolve([m, a])));
}

function closed(p: Peer): Promise<string> {
  return new Promise((resolve) => p.onClose(resolve));
}

function socketClosed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('messages and attachments travel both ways, in order, attachments byte-exact', async () => {
  const { server, messages } = await recordingServer();
  const peer = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  assert.equal(server.address().host, '127.0.0.1', 'loopback unless asked');
  const replies: unknown[] = [];
  const got: Uint8Array[][] = [];
  peer.onMessage((m, a) => {
    replies.push(m);
    got.push(a);
  });
  const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255);
  for (let i = 0; i < 50; i++) peer.send({ echo: true, i, bytes: new Uint8Array([i, 1, 2]) }, i % 10 === 0 ? [big, new Uint8Array(0), big.subarray(5, 9)] : []);
  await until(() => replies.length === 50);
  assert.deepEqual(messages.map((m) => (m as { i: number }).i), [...Array(50).keys()]);
  assert.deepEqual([...(replies[3] as { reply: { bytes: Uint8Array } }).reply.bytes], [3, 1, 2]);
  assert.equal(got[10]!.length, 3);
  assert.deepEqual(got[10]![0], big);
  assert.equal(got[10]![1]!.length, 0);
  assert.deepEqual([...got[10]![2]!], [...big.subarray(5, 9)]);
  assert.equal(got[11]!.length, 0);
  peer.close();
  await server.close();
});

test('send queues under back-pressure and drained() resolves once the queue is out', async () => {
  let received = 0;
  const server = await listenPeers({ port: 0, secret: SECRET, role: 'control' }, (p) => p.onMessage((_m, a) => (received += a[0]!.length)));
  const peer = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  const chunk = new Uint8Array(1 << 20);
  let sawPressure = false;
  for (let i = 0; i < 64; i++) {
    peer.send({ i }, [chunk]);
    if (peer.queuedBytes > 4 << 20) {
      sawPressure = true;
      await peer.drained();
    }
  }
  await peer.drained();
  await until(() => received === 64 << 20, 20_000);
  assert.ok(sawPressure, 'writing 64 MiB at once queues on the socket');
  peer.close();
  await server.close();
});

test('a wrong secret is refused before any message is delivered', async () => {
  const { server, peers, messages } = await recordingServer();
  await assert.rejects(connectPeer({ ...server.address(), secret: 'wrong', role: 'control' }), /failed to prove|closed during the handshake/);
  // A raw client that sends a forged proof and a message right behind it in one write.
  const s = net.connect(server.address());
  s.on('error', () => {});
  await new Promise((r) => s.once('data', r));
  const forged = new Uint8Array(8 + 32 + 32 + 7);
  forged.set([0x53, 0x4c, 0x55, 0x49, 0x43, 0x45, 0, 1]);
  forged.set(Buffer.from('control'), 72);
  const msg = Buffer.from([1, 0, 0, 0, 0, 0xc0]); // MESSAGE kind, no attachments, msgpack nil
  for (const part of [...encodeFrame([forged]), ...encodeFrame([msg])]) s.write(part);
  await socketClosed(s);
  assert.equal(peers.length, 0);
  assert.deepEqual(messages, []);
  await server.close();
});

test('the server must prove the secret too: a client refuses a server with another secret', async () => {
  const other = await listenPeers({ port: 0, secret: 'another secret', role: 'control' }, () => assert.fail('no peer should be admitted'));
  await assert.rejects(connectPeer({ ...other.address(), secret: SECRET, role: 'control' }), /cannot open a 'control' connection/);
  await other.close();
});

test('a replayed handshake transcript is refused (fresh nonces)', async () => {
  const { server, peers } = await recordingServer();
  // A proxy records what a genuine client sends.
  const recorded: Buffer[] = [];
  const proxy = net.createServer((c) => {
    const up = net.connect(server.address());
    c.on('data', (d) => {
      recorded.push(d);
      up.write(d);
    });
    up.on('data', (d) => c.write(d));
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
    c.on('close', () => up.destroy());
    up.on('close', () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const genuine = await connectPeer({ host: '127.0.0.1', port: (proxy.address() as net.AddressInfo).port, secret: SECRET, role: 'control' });
  genuine.send({ hello: 1 });
  await until(() => peers.length === 1);
  const transcript = Buffer.concat(recorded);
  genuine.close();
  // Replay it to a new connection, after the server's (new) challenge.
  const s = net.connect(server.address());
  s.on('error', () => {});
  await new Promise((r) => s.once('data', r));
  s.write(transcript);
  await socketClosed(s);
  assert.equal(peers.length, 1, 'the replay was not admitted');
  proxy.close();
  await server.close();
});

test('a connection for another role is refused', async () => {
  const { server, peers } = await recordingServer();
  await assert.rejects(connectPeer({ ...server.address(), secret: SECRET, role: 'blocks' }), /cannot open a 'blocks' connection/);
  assert.equal(peers.length, 0);
  await server.close();
});

test('a silent client is dropped after the handshake timeout; a garbage server is refused by connectPeer', async () => {
  const { server } = await recordingServer({ handshakeTimeoutMs: 200 });
  const s = net.connect(server.address());
  s.on('error', () => {});
  s.resume(); // read the challenge and the end of the stream, answer nothing
  await socketClosed(s);
  await server.close();
  const garbage = net.createServer((c) => c.end(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')));
  await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
  await assert.rejects(connectPeer({ host: '127.0.0.1', port: (garbage.address() as net.AddressInfo).port, secret: SECRET, role: 'control', timeoutMs: 2000 }), /malformed handshake|not a sluice|closed during/);
  garbage.close();
});

test('a malformed frame or message closes only that connection, with a reason', async () => {
  const { server, closes } = await recordingServer();
  const good = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  const bad = [];
  for (const garbage of [
    [0xff, 0xff, 0xff, 0xff, 1], // frame over the limit
    [0, 0, 0, 1, 9], // unknown kind
    [0, 0, 0, 7, 1, 0, 0, 0, 0, 0xc0, 0xc0], // msgpack with trailing bytes
    [0, 0, 0, 6, 1, 0, 0, 0, 1, 0xc0, 0, 0, 0, 6, 1, 0, 0, 0, 0, 0xc0], // attachment expected, message came
  ]) {
    const p = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
    const reason = closed(p);
    (p as unknown as { socket: net.Socket }).socket.write(Buffer.from(garbage));
    bad.push(await reason);
  }
  await until(() => closes.length === 4);
  assert.match(closes.join('\n'), /exceeds the limit/);
  assert.match(closes.join('\n'), /unknown frame kind 9/);
  assert.match(closes.join('\n'), /undecodable msgpack/);
  assert.match(closes.join('\n'), /expected 1 more attachment/);
  const reply = nextMessage(good);
  good.send({ echo: true, still: 'alive' });
  assert.deepEqual((await reply)[0], { reply: { echo: true, still: 'alive' } });
  good.close();
  await server.close();
});

test('close reasons reach the other end; a throwing handler closes only its connection', async () => {
  let serverSide: Peer | undefined;
  const server = await listenPeers({ port: 0, secret: SECRET, role: 'control' }, (p) => {
    serverSide = p;
    p.onMessage((m) => {
      if ((m as { boom?: boolean }).boom) throw new Error('handler exploded');
    });
  });
  const a = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  const why = closed(a);
  a.send({ boom: true });
  assert.match(await why, /closed by the other end: message handler failed: handler exploded/);
  const b = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  await until(() => serverSide !== undefined && !serverSide.closed);
  const serverWhy = closed(serverSide!);
  b.close('job finished');
  assert.equal(await serverWhy, 'closed by the other end: job finished');
  assert.equal(b.send({ late: true }), false, 'send after close sends nothing');
  await assert.rejects(b.drained(), /closed/);
  await server.close();
});

test('TLS with given certificate and key files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
  try {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=sluice-test'], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available to make a test certificate');
      return;
    }
    const tls = { cert, key, ca: cert };
    const { server, messages } = await recordingServer({ tls });
    const peer = await connectPeer({ ...server.address(), secret: SECRET, role: 'control', tls });
    const reply = nextMessage(peer);
    peer.send({ echo: true, over: 'tls' }, [new Uint8Array([1, 2, 3])]);
    const [m, a] = await reply;
    assert.deepEqual(m, { reply: { echo: true, over: 'tls' } });
    assert.deepEqual([...a[0]!], [1, 2, 3]);
    // A plain-TCP client gets nowhere with a TLS server, and a TLS client with the wrong secret neither.
    await assert.rejects(connectPeer({ ...server.address(), secret: SECRET, role: 'control', timeoutMs: 2000 }));
    await assert.rejects(connectPeer({ ...server.address(), secret: 'wrong', role: 'control', tls }));
    assert.equal(messages.length, 1);
    // A man in the middle that terminates TLS with its own certificate and relays the handshake
    // is refused: the proofs are bound to each TLS session (a client without `ca` trusts any certificate).
    const mitmCert = join(dir, 'mitm-cert.pem');
    const mitmKey = join(dir, 'mitm-key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', mitmKey, '-out', mitmCert, '-days', '1', '-subj', '/CN=mitm'], { stdio: 'ignore' });
    let relayed = 0;
    const mitm = tlsModule.createServer({ cert: readFileSync(mitmCert), key: readFileSync(mitmKey) }, (c) => {
      const up = tlsModule.connect({ ...server.address(), rejectUnauthorized: false });
      c.on('data', (d) => ((relayed += d.length), up.write(d)));
      up.on('data', (d) => c.write(d));
      for (const [x, y] of [[c, up], [up, c]] as const) {
        x.on('error', () => y.destroy());
        x.on('close', () => y.destroy());
      }
    });
    await new Promise<void>((r) => mitm.listen(0, '127.0.0.1', r));
    const mitmPort = (mitm.address() as net.AddressInfo).port;
    await assert.rejects(connectPeer({ host: '127.0.0.1', port: mitmPort, secret: SECRET, role: 'control', tls: { cert, key } }), /failed to prove|closed during/);
    assert.ok(relayed > 0, 'the relay did carry the handshake');
    assert.equal(messages.length, 1, 'nothing got through the relay');
    mitm.close();
    peer.close();
    await server.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('options are checked: an empty secret is refused', async () => {
  await assert.rejects(listenPeers({ port: 0, secret: '', role: 'control' }, () => {}), /non-empty/);
  await assert.rejects(connectPeer({ host: '127.0.0.1', port: 1, secret: new Uint8Array(0), role: 'control' }), /non-empty/);
});

test('messages keep the values the other backends keep: bigint, Map, Set, Date, undefined, typed arrays', async () => {
  const { server } = await recordingServer();
  const peer = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  const reply = nextMessage(peer);
  const value = { echo: true, big: 10n ** 20n, map: new Map<unknown, unknown>([[1, 'one'], ['k', [2]]]), set: new Set(['a']), when: new Date(86_400_000), gone: undefined, f: new Float64Array([1.5, -2]) };
  peer.send(value);
  const [m] = await reply;
  const got = (m as { reply: typeof value }).reply;
  assert.equal(got.big, 10n ** 20n);
  assert.deepEqual([...got.map], [[1, 'one'], ['k', [2]]]);
  assert.deepEqual([...got.set], ['a']);
  assert.equal(got.when.getTime(), 86_400_000);
  assert.ok('gone' in got && got.gone === undefined);
  assert.deepEqual([...got.f], [1.5, -2]);
  peer.close();
  await server.close();
});

test('strangers cannot pile up: past maxPendingHandshakes new connections are dropped at once', async () => {
  const { server, peers } = await recordingServer({ maxPendingHandshakes: 2, handshakeTimeoutMs: 3000 });
  const silent = [0, 1].map(() => {
    const s = net.connect(server.address());
    s.on('error', () => {});
    s.resume();
    return s;
  });
  await Promise.all(silent.map((s) => new Promise((r) => s.once('data', r)))); // both got their challenge
  const third = net.connect(server.address());
  third.on('error', () => {});
  third.resume();
  const t0 = Date.now();
  await socketClosed(third);
  assert.ok(Date.now() - t0 < 2500, 'dropped at once, not after the handshake timeout');
  assert.ok(silent.every((s) => !s.destroyed), 'the first two still wait for their handshake');
  for (const s of silent) s.destroy();
  // Once they are gone a genuine client gets in.
  await new Promise((r) => setTimeout(r, 50));
  const peer = await connectPeer({ ...server.address(), secret: SECRET, role: 'control' });
  await until(() => peers.length === 1);
  peer.close();
  await server.close();
});
