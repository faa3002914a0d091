/**
 * Hostile peers against the live endpoints: a driver (ClusterBackend) and a worker (runWorker).
 * Without the secret nothing is read; with it, random and mutated messages close connections
 * but crash neither side, and both still do their work afterwards.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ClusterBackend } from '../../../src/backend/cluster/cluster-backend.js';
import { decodeMessage, encodeMessage, PROTOCOL_VERSION } from '../../../src/backend/cluster/protocol.js';
import { runWorker } from '../../../src/backend/cluster/worker-process.js';
import { connectPeer, listenPeers, type Peer } from '../../../src/backend/net/peer.js';
import { EventLog, fakePayload } from './event-log.js';
import { SentPipelines } from '../../../src/backend/stage-pipelines.js';

const secret = 'correct horse battery staple';
const runner = new URL('./fake-runner.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'sluice-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TOTAL = 10_000;

/** A small seeded generator (mulberry32): the same messages every run. */
class Rand {
  constructor(private s: number) {}
  nextInt(min: number, max: number): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min + 1));
  }
}
const anything = (rnd: Rand): unknown => fc.sample(fc.anything({ withTypedArray: true }), { numRuns: 1, seed: rnd.nextInt(0, 2 ** 30) })[0];
let uncaught: unknown[] = [];
process.on('uncaughtException', (e) => uncaught.push(e));

/** A valid message of each kind a worker sends, to mutate. */
const workerMessages = [
  { t: 'hello', version: PROTOCOL_VERSION, cores: 2, memory: 1 << 20, host: 'evil', blocks: { host: 'evil', port: 1 }, pid: 1 },
  { t: 'heartbeat', held: { blocks: 3, memory: 1, disk: 2 }, running: [1, 2] },
  { t: 'done', taskId: 1, outcome: { ok: true, result: { value: 1, cacheBlocks: [], accumulators: [], metrics: {} } }, held: { blocks: 0, memory: 0, disk: 0 } },
  { t: 'done', taskId: 1, outcome: { ok: false, error: { message: 'x' } }, held: { blocks: 0, memory: 0, disk: 0 } },
  { t: 'fatal', reason: 'x' },
];

/** Sends `m` if this side can encode it (some generated values cannot be packed at all); true if it went out. */
function trySend(peer: Peer, m: unknown, rnd?: Rand): boolean {
  try {
    const o = m as { t?: unknown; payload?: unknown; outcome?: unknown } | null;
    if (typeof o === 'object' && o !== null && ((o.t === 'launch' && 'payload' in o) || (o.t === 'done' && 'outcome' in o))) {
      // The value travels as a structured-clone attachment; sometimes that attachment is garbage.
      const [body, attachments] = encodeMessage(o as never);
      const garbage = rnd && rnd.nextInt(0, 9) === 0;
      peer.send(body, garbage ? [Uint8Array.from({ length: rnd.nextInt(0, 64) }, () => rnd.nextInt(0, 255))] : attachments);
    } else peer.send(m);
    return true;
  } catch {
    return false;
  }
}

/** Replaces, drops or adds one field somewhere in `m` with an arbitrary value. */
function mutate(m: unknown, rnd: Rand): unknown {
  if (typeof m !== 'object' || m === null || ArrayBuffer.isView(m)) return anything(rnd);
  const copy: Record<string, unknown> = Array.isArray(m) ? ([...m] as never) : { ...(m as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const pick = rnd.nextInt(0, 3);
  const key = keys.length > 0 ? keys[rnd.nextInt(0, keys.length - 1)]! : 'x';
  if (pick === 0) delete copy[key];
  else if (pick === 1) copy[key] = anything(rnd);
  else if (pick === 2) copy[key] = mutate(copy[key], rnd);
  else copy[fc.sample(fc.string(), { numRuns: 1, seed: rnd.nextInt(0, 2 ** 30) })[0]!] = anything(rnd);
  return copy;
}

test('a client without the secret is refused before it can say anything; raw garbage changes nothing', async () => {
  const log = new EventLog();
  const driver = new ClusterBackend({ secret });
  await driver.start(log.emit);
  const { port } = driver.address();
  await assert.rejects(connectPeer({ host: '127.0.0.1', port, secret: 'wrong secret', role: 'control', timeoutMs: 5000 }));
  // Raw bytes, including a well-formed hello encoded as the wire would carry it after a handshake that never happened.
  const blobs = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 512 }), { numRuns: 200, seed: 42 });
  await Promise.all(
    blobs.map(
      (b) =>
        new Promise<void>((resolve) => {
          const s = connect(port, '127.0.0.1', () => s.end(b));
          s.on('error', () => resolve());
          s.on('close', () => resolve());
          s.resume();
        }),
    ),
  );
  assert.deepEqual(log.all, [], 'nobody joined, nothing ran');
  // A worker with the secret still joins and runs a task.
  const worker = runWorker({ driver: `127.0.0.1:${port}`, secret, cores: 1, memory: 1 << 24, dir, host: '127.0.0.1', runner });
  const joined = await log.next('WorkerJoined');
  driver.launch(joined.worker, fakePayload(1, { value: 'still works' }));
  assert.equal((await log.next('TaskFinished')).result.value, 'still works');
  await driver.stop();
  await worker;
  assert.deepEqual(uncaught, []);
});

test(`${TOTAL} random and mutated messages to a live driver crash nothing; it still runs tasks`, async () => {
  const log = new EventLog();
  const driver = new ClusterBackend({ secret, helloTimeoutMs: 2000 });
  await driver.start(log.emit);
  const { port } = driver.address();
  const worker = runWorker({ driver: `127.0.0.1:${port}`, secret, cores: 1, memory: 1 << 24, dir, host: '127.0.0.1', runner });
  const real = (await log.next('WorkerJoined')).worker;
  const rnd = new Rand(1234);
  let sent = 0;
  let connections = 0;
  while (sent < TOTAL) {
    const peer: Peer = await connectPeer({ host: '127.0.0.1', port, secret, role: 'control', timeoutMs: 5000 });
    connections++;
    let open = true;
    peer.onClose(() => (open = false));
    // Half the connections start with a valid hello, so later messages reach a joined member.
    if (rnd.nextInt(0, 1) === 0) {
      peer.send(workerMessages[0]);
      sent++;
    }
    for (let i = 0; i < 200 && open && sent < TOTAL; i++) {
      const r = rnd.nextInt(0, 9);
      const msg = r === 0 ? anything(rnd) : r < 4 ? workerMessages[rnd.nextInt(0, workerMessages.length - 1)] : mutate(workerMessages[rnd.nextInt(0, workerMessages.length - 1)], rnd);
      if (trySend(peer, msg, rnd)) sent++;
      if (i % 20 === 19) await new Promise((res) => setImmediate(res));
    }
    peer.close('done');
  }
  // The real worker is still a member and still runs tasks; no task result was invented.
  assert.ok(!log.all.some((e) => e.type === 'TaskFinished' || e.type === 'TaskFailed'), 'no result for a task never launched');
  assert.ok(!log.all.some((e) => e.type === 'WorkerLost' && e.worker === real));
  driver.launch(real, fakePayload(99, { value: 'alive' }));
  assert.equal((await log.next('TaskFinished', (e) => e.taskId === 99)).result.value, 'alive');
  await driver.stop();
  await worker;
  assert.ok(connections > 1);
  assert.deepEqual(uncaught, []);
});

test(`${TOTAL} random and mutated messages to a live worker crash nothing; each bad one ends only that session`, async () => {
  // A fake driver that holds the secret sends the worker valid and mutated orders; a launch carries a
  // run message (its stage's pipeline with it, as a first task of the stage on a worker has it).
  const run = (taskId: number, fake: Record<string, unknown>) => new SentPipelines().message(fakePayload(taskId, fake));
  const valid = (rnd: Rand): unknown[] => [
    { t: 'launch', taskId: rnd.nextInt(0, 50), payload: run(0, { value: 1 }) },
    { t: 'launch', taskId: rnd.nextInt(0, 50), payload: mutate(run(0, {}), rnd) },
    { t: 'kill', taskId: rnd.nextInt(0, 50) },
    { t: 'free', blockIds: ['a', 'b'] },
    { t: 'peers', add: { x: { host: 'h', port: 1 } }, remove: ['y'] },
    { t: 'forget', pipelines: [1] },
  ];
  const rnd = new Rand(99);
  let sent = 0;
  let sessions = 0;
  let answers = 0;
  while (sent < TOTAL) {
    sessions++;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const server = await listenPeers({ port: 0, secret, role: 'control' }, (peer) => {
      peer.onMessage((m, attachments) => {
        const msg = decodeMessage(m, attachments) as { t: string };
        if (msg.t === 'done' && (msg as { outcome?: { ok?: boolean } }).outcome?.ok) answers++;
        if (msg.t !== 'hello') return;
        peer.send({ t: 'welcome', worker: 'w', peers: {}, heartbeatMs: 1000, preload: [], driverBlocks: 1 });
        void (async () => {
          // One valid task first, answered before the barrage: the worker did run it.
          const before = answers;
          trySend(peer, { t: 'launch', taskId: 1000, payload: run(1000, { value: 1 }) });
          for (let i = 0; i < 400 && answers === before && !peer.closed; i++) await new Promise((res) => setTimeout(res, 25));
          for (let i = 0; i < 2000 && !peer.closed && sent < TOTAL; i++) {
            const r = rnd.nextInt(0, 199);
            const base = valid(rnd);
            const out = r === 0 ? anything(rnd) : r < 100 ? base[rnd.nextInt(0, base.length - 1)] : mutate(base[rnd.nextInt(0, base.length - 1)], rnd);
            if (trySend(peer, out, rnd)) sent++;
            if (i % 50 === 49) await new Promise((res) => setTimeout(res, 1));
          }
          peer.send({ t: 'stop' });
          done();
        })();
      });
    });
    const w = runWorker({ driver: `127.0.0.1:${server.address().port}`, secret, cores: 1, memory: 1 << 24, dir, host: '127.0.0.1', runner });
    // The worker's session ends (a malformed order or stop) and runWorker resolves: it never throws.
    await w;
    done();
    await finished;
    await server.close();
  }
  assert.ok(answers >= sessions, `the worker ran the valid task of each session (${answers} of ${sessions})`);
  assert.deepEqual(readdirSync(dir), [], 'every session removed its directory');
  assert.deepEqual(uncaught, []);
  uncaught = [];
});
