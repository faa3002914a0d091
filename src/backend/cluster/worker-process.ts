import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeThrown } from '../../util/errors.js';
import { connectPeer, type Peer, type PeerServer } from '../net/peer.js';
import { serveBlocks } from '../net/block-server.js';
import { DRIVER, type HeldBytes } from '../../exec/block-ref.js';
import type { TaskPayload } from '../../exec/task.js';
import { unflattenWire, type FlatWire } from '../../plan/stages.js';
import { ReadGate } from '../read-gate.js';
import { ReceivedPipelines, type RunMessage } from '../stage-pipelines.js';
import { WorkerBlocks } from './worker-blocks.js';
import type { RegionLanding } from '../../exec/exchange/region-landing.js';
import { checkDriverMessage, decodeMessage, encodeMessage, PROTOCOL_VERSION, type DriverToWorker, type PeerAddress, type WorkerToDriver } from './protocol.js';
import { taskFailure, type TaskThreadData, type ThreadToWorker } from './thread-messages.js';

export interface WorkerOptions {
  /** The driver's `host:port`. */
  driver: string;
  secret: string;
  /** Slots: tasks run at once, one per task thread. */
  cores: number;
  /** Bytes this worker may hold in memory (its block store's budget). */
  memory: number;
  /** Where the worker keeps its spill and block files (a private directory is made inside and removed at the end). */
  dir: string;
  /**
   * Address to bind the block server on and advertise to the other workers. By default the
   * address this worker reaches the driver from (loopback when the driver is on loopback):
   * nothing listens on other interfaces unless asked (`0.0.0.0` binds them all).
   */
  host?: string;
  /** A block connection with no traffic for this long is closed (default 120 s; fetchers reconnect). */
  idleTimeoutMs?: number;
  tls?: { cert: string; key: string; ca?: string };
  /** Module (URL) exporting `runTask(payload, services)`; the engine's own unless a test swaps it. */
  runner?: string;
  /** How long to keep dialing a driver that is not listening yet. */
  connectTimeoutMs?: number;
}

/** Pauses before starting a task thread again after one failed to start; then the worker gives up. */
const THREAD_RESTART_DELAYS_MS = [100, 400, 1600];

/** A task the driver sent, waiting for a slot. */
interface Queued {
  taskId: number;
  payload: Record<string, unknown>;
}

interface Slot {
  /** Numbers the threads of this process (a replacement gets a new one). */
  index: number;
  thread: Worker;
  ready: boolean;
  running?: Queued & { landing?: RegionLanding };
  /** Failed starts before this thread (see replace). */
  attempt: number;
  /** Ended on purpose (kill, stop): its exit is not a crash to report. */
  ended?: boolean;
}

/**
 * A cluster worker: dials the driver, proves it holds the secret, announces its cores and
 * memory, then runs the tasks it is sent, `cores` at a time, each on its own task thread
 * (threads, not processes, so the slots share one block store and one connection). Sends a
 * heartbeat every period the driver asks for. Resolves when the driver says stop or its
 * connection drops (a worker never outlives its driver); its private directory is removed.
 *
 * ```ts
 * await runWorker({ driver: 'head-node:7077', secret, cores: 16, memory: 48 * 2 ** 30, dir: '/scratch/sluice' });
 * ```
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  const [driverHost, driverPort] = splitHostPort(opts.driver);
  if (!Number.isInteger(opts.cores) || opts.cores < 1) throw new RangeError(`cores must be a positive integer, got ${opts.cores}`);
  const dir = await mkdtemp(join(opts.dir, 'sluice-worker-'));
  let worker = '';
  // Fetched inputs land in memory up to a quarter of the worker's memory, in files past it.
  const blocks = new WorkerBlocks(() => worker, dir, { secret: opts.secret, tls: opts.tls, landingBytes: Math.floor(opts.memory / 4) });
  let server: PeerServer | undefined;
  let peer: Peer | undefined;
  try {
    peer = await dial({ host: driverHost, port: driverPort, secret: opts.secret, tls: opts.tls, role: 'control' }, opts.connectTimeoutMs ?? 30_000);
    // Where the driver is reached from is where the other workers reach this one.
    const bind = opts.host ?? peer.localAddress;
    server = await serveBlocks({ host: bind, port: 0, secret: opts.secret, tls: opts.tls, idleTimeoutMs: opts.idleTimeoutMs }, (id, start, end) => blocks.read(id, start, end));
    const advertised = isWildcard(bind) ? peer.localAddress : bind;
    const name = opts.host === undefined || isWildcard(opts.host) ? hostname() : opts.host;
    const session = new WorkerSession(peer, opts, dir, name, { host: advertised, port: server.address().port }, blocks, driverHost, (id) => (worker = id));
    await session.run();
  } finally {
    peer?.close('worker stopping');
    blocks.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** An address that binds every interface. */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

function splitHostPort(text: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !m[1] || !(port > 0 && port < 65536)) throw new Error(`driver address "${text}" is not host:port`);
  return [m[1].replace(/^\[(.*)\]$/, '$1'), port];
}

/** Dials until the driver answers (it may start after its workers under a resource manager). */
async function dial(o: Parameters<typeof connectPeer>[0], timeoutMs: number): Promise<Peer> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
    try {
      return await connectPeer({ ...o, timeoutMs: Math.max(1000, deadline - Date.now()) });
    } catch (e) {
      if (Date.now() + pause > deadline) throw new Error(`could not join the driver at ${o.host}:${o.port}: ${describeThrown(e).message}`);
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

class WorkerSession {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private readonly gate = new ReadGate();
  private readonly pipelines = new ReceivedPipelines();
  private nextThread = 0;
  private worker = '';
  private preload: string[] = [];
  private heartbeat?: NodeJS.Timeout;
  private readonly peers = new Map<string, PeerAddress>();
  private finish!: () => void;
  private done = false;

  constructor(
    private readonly peer: Peer,
    private readonly opts: WorkerOptions,
    private readonly dir: string,
    /** The host name the worker announces (for people and locality); `address` is where its blocks are served. */
    private readonly host: string,
    private readonly address: PeerAddress,
    private readonly blocks: WorkerBlocks,
    private readonly driverHost: string,
    private readonly named: (worker: string) => void,
  ) {}

  run(): Promise<void> {
    const ended = new Promise<void>((resolve) => (this.finish = resolve));
    this.peer.onClose(() => void this.end());
    this.peer.onMessage((raw, attachments) => {
      const m = checkDriverMessage(decodeMessage(raw, attachments));
      if (typeof m === 'string') return this.peer.close(`protocol error: ${m}`);
      this.handle(m);
    });
    this.send({ t: 'hello', version: PROTOCOL_VERSION, cores: this.opts.cores, memory: this.opts.memory, host: this.host, blocks: this.address, pid: process.pid });
    return ended;
  }

  private send(m: WorkerToDriver): void {
    if (this.done) return;
    let body: unknown;
    let attachments: Uint8Array[];
    try {
      [body, attachments] = encodeMessage(m);
    } catch (e) {
      // A result that cannot be encoded (a function, a symbol in a value) fails its task instead.
      if (m.t !== 'done') throw e;
      const error = { ...taskFailure({}, `the task's result cannot be sent to the driver: ${describeThrown(e).message}`), fatal: true };
      [body, attachments] = encodeMessage({ ...m, outcome: { ok: false, error } });
    }
    this.peer.send(body, attachments);
  }

  private handle(m: DriverToWorker): void {
    switch (m.t) {
      case 'welcome':
        if (this.worker) return this.peer.close('protocol error: welcome twice');
        this.worker = m.worker;
        this.named(m.worker);
        this.preload = m.preload;
        for (const [id, a] of Object.entries(m.peers)) this.peers.set(id, a);
        this.peers.set(DRIVER, { host: this.driverHost, port: m.driverBlocks });
        for (let i = 0; i < this.opts.cores; i++) this.slots.push(this.startThread(0));
        this.heartbeat = setInterval(() => this.send({ t: 'heartbeat', held: this.held(), running: this.runningTasks() }), m.heartbeatMs);
        return;
      case 'peers':
        for (const [id, a] of Object.entries(m.add)) this.peers.set(id, a);
        for (const id of m.remove) this.peers.delete(id);
        return;
      case 'launch':
        if (!this.worker) return this.peer.close('protocol error: launch before welcome');
        return this.enqueue(m.taskId, m.payload as RunMessage);
      case 'kill':
        return this.kill(m.taskId);
      case 'free':
        return this.free(m.blockIds);
      case 'forget':
        return this.pipelines.forget({ type: 'forget', pipelines: m.pipelines });
      case 'stop':
        return void this.end();
    }
  }

  /** Queues a task, its payload made whole from the pipelines this worker holds. */
  private enqueue(taskId: number, msg: RunMessage): void {
    let payload: Record<string, unknown>;
    try {
      payload = this.pipelines.flatPayload(msg) as unknown as Record<string, unknown>;
    } catch (e) {
      // Fatal: retries would meet the same missing pipeline (the driver believes this worker holds it).
      const error = { ...taskFailure({}, `could not read the task: ${describeThrown(e).message}`), fatal: true };
      return this.send({ t: 'done', taskId, outcome: { ok: false, error }, held: this.held() });
    }
    this.queue.push({ taskId, payload });
    this.dispatch();
  }

  private held(): HeldBytes {
    return this.blocks.held();
  }

  /** Frees blocks once no running task reads them: each through the thread whose store holds it. */
  private free(blockIds: readonly string[]): void {
    this.gate.free(blockIds, (ids) => {
      for (const [index, owned] of this.blocks.drop(ids)) {
        const slot = this.slots.find((s) => s.index === index && !s.ended);
        slot?.thread.postMessage({ t: 'free', blockIds: owned });
      }
    });
  }

  private runningTasks(): number[] {
    return this.slots.flatMap((s) => (s.running ? [s.running.taskId] : []));
  }

  /** Starts a task thread; `after` is the dead thread it replaces, whose blocks it adopts. */
  private startThread(attempt: number, after?: Slot): Slot {
    const runner = this.opts.runner ?? new URL('../../exec/run-task.js', import.meta.url).href;
    const index = this.nextThread++;
    let adopt: TaskThreadData['adopt'] = [];
    if (after) {
      adopt = this.blocks.ofThread(after.index);
      this.blocks.moveThread(after.index, index);
    }
    const memory = Math.floor(this.opts.memory / this.opts.cores);
    // A directory per thread: what a dead thread leaves there, beyond the blocks its successor adopts, is removed (see replace).
    const dir = threadDir(this.dir, index);
    mkdirSync(dir, { recursive: true });
    const workerData: TaskThreadData = { runner, preload: this.preload, dir, worker: this.worker, memory, adopt };
    const thread = new Worker(new URL('./task-thread.js', import.meta.url), { workerData });
    const slot: Slot = { index, thread, ready: false, attempt };
    thread.on('message', (m: ThreadToWorker) => {
      if (m.t === 'ready') {
        slot.ready = true;
        return this.dispatch();
      }
      // The end of a task killed meanwhile (its thread is ending): the driver never hears of these blocks.
      if (slot.running?.taskId !== m.taskId || slot.ended) return WorkerBlocks.discard(m.blocks);
      // Known before the driver hears of the result: its next tasks may read these blocks.
      this.blocks.add(m.blocks, slot.index);
      this.taskEnded(slot);
      // The driver puts `held` into the result (ClusterBackend.finished).
      this.send({ t: 'done', taskId: m.taskId, outcome: m.outcome, held: this.held() });
      this.dispatch();
    });
    // 'error' (an uncaught exception in the thread) comes before 'exit'.
    let crash = '';
    thread.on('error', (e) => (crash = `: ${e.stack ?? e.message}`));
    thread.on('exit', (code) => {
      if (slot.ended || this.done) return;
      this.replace(slot, `the task thread exited with code ${code}${crash}`);
    });
    return slot;
  }

  /**
   * Ends a slot's thread (if still running) and starts another; its task, if any, is reported
   * failed. A thread that died before it was ready is started again after a growing pause;
   * after the last, the worker gives up (the driver sees it lost and, for processes[N], starts another).
   */
  private replace(slot: Slot, why: string): void {
    slot.ended = true;
    // Once it is gone: its files but those of blocks its successor adopted (partial blocks and spill runs of its task).
    void slot.thread.terminate().then(() => this.blocks.prune(threadDir(this.dir, slot.index)));
    const task = slot.running;
    if (task) this.taskEnded(slot);
    if (task) this.send({ t: 'done', taskId: task.taskId, outcome: { ok: false, error: taskFailure(task.payload, `${why} (worker ${this.worker})`) }, held: this.held() });
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.done) return;
    if (slot.ready) {
      this.slots[i] = this.startThread(0, slot);
      return;
    }
    const delay = THREAD_RESTART_DELAYS_MS[slot.attempt];
    if (delay === undefined) {
      this.send({ t: 'fatal', reason: `a task thread could not start: ${why}` });
      return void this.end();
    }
    setTimeout(() => {
      if (!this.done) this.slots[i] = this.startThread(slot.attempt + 1, slot);
    }, delay);
  }

  /** The slot's task ended (done, killed, its thread died): its reads and fetched files go. */
  private taskEnded(slot: Slot): void {
    const task = slot.running!;
    slot.running = undefined;
    this.gate.end(task.taskId);
    task.landing?.release();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.running || slot.ended) continue;
      const task = this.queue.shift()!;
      slot.running = task;
      void this.start(slot, task);
    }
  }

  /** Makes the task's inputs local (fetching other workers' blocks), then hands it to its thread. */
  private async start(slot: Slot, task: Queued & { landing?: RegionLanding }): Promise<void> {
    try {
      const payload = { ...task.payload, node: unflattenWire(task.payload.node as FlatWire) } as unknown as TaskPayload;
      const { inputs, landing } = await this.blocks.prepare(payload, this.peers);
      task.landing = landing;
      // Killed (or the worker stopping) while fetching: nothing more to do.
      if (slot.running !== task || slot.ended || this.done) return landing.release();
      this.gate.begin(task.taskId, Object.keys(inputs.attached));
      slot.thread.postMessage({ t: 'run', taskId: task.taskId, payload: task.payload, inputs });
    } catch (e) {
      if (slot.running !== task) return;
      this.taskEnded(slot);
      this.send({ t: 'done', taskId: task.taskId, outcome: { ok: false, error: taskFailure(task.payload, `could not prepare the task's inputs: ${describeThrown(e).message}`) }, held: this.held() });
      this.dispatch();
    }
  }

  private kill(taskId: number): void {
    const queued = this.queue.findIndex((q) => q.taskId === taskId);
    if (queued >= 0) {
      const [q] = this.queue.splice(queued, 1);
      return this.send({ t: 'done', taskId, outcome: { ok: false, error: taskFailure(q!.payload, 'task was killed') }, held: this.held() });
    }
    const slot = this.slots.find((s) => s.running?.taskId === taskId);
    if (slot) this.replace(slot, 'task was killed');
  }

  private async end(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.peer.close('worker stopping');
    await Promise.all(this.slots.map((s) => ((s.ended = true), s.thread.terminate())));
    this.finish();
  }
}

/** Where task thread `index` of a worker keeps its spill and block files. */
function threadDir(dir: string, index: number): string {
  return join(dir, `thread-${index}`);
}
