import { mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describeThrown } from '../../util/errors.js';
import { connectPeer, type Peer } from '../net/peer.js';
import { checkDriverMessage, PROTOCOL_VERSION, type DriverToWorker, type PeerAddress, type WorkerToDriver } from './protocol.js';
import { taskFailure, type ThreadToWorker, type WorkerToThread } from './thread-messages.js';

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
  /** Address to advertise and bind the block server on; this host's name by default. */
  host?: string;
  tls?: { cert: string; key: string; ca?: string };
  /** Module (URL) exporting `runTask(payload, services)`; the engine's own unless a test swaps it. */
  runner?: string;
  /** How long to keep dialing a driver that is not listening yet. */
  connectTimeoutMs?: number;
}

/** Pauses before starting a task thread again after one failed to start; then the worker gives up. */
const THREAD_RESTART_DELAYS_MS = [100, 400, 1600];

interface Slot {
  thread: Worker;
  ready: boolean;
  running?: { taskId: number; payload: Record<string, unknown> };
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
  const host = opts.host ?? hostname();
  try {
    const peer = await dial({ host: driverHost, port: driverPort, secret: opts.secret, tls: opts.tls, role: 'control' }, opts.connectTimeoutMs ?? 30_000);
    await new WorkerSession(peer, opts, dir, host).run();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
  private readonly queue: WorkerToThread[] = [];
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
    private readonly host: string,
  ) {}

  run(): Promise<void> {
    const ended = new Promise<void>((resolve) => (this.finish = resolve));
    this.peer.onClose(() => void this.end());
    this.peer.onMessage((raw) => {
      const m = checkDriverMessage(raw);
      if (typeof m === 'string') return this.peer.close(`protocol error: ${m}`);
      this.handle(m);
    });
    this.send({ t: 'hello', version: PROTOCOL_VERSION, cores: this.opts.cores, memory: this.opts.memory, host: this.host, blocks: { host: this.host, port: 0 }, pid: process.pid });
    return ended;
  }

  private send(m: WorkerToDriver): void {
    if (!this.done) this.peer.send(m);
  }

  private handle(m: DriverToWorker): void {
    switch (m.t) {
      case 'welcome':
        if (this.worker) return this.peer.close('protocol error: welcome twice');
        this.worker = m.worker;
        this.preload = m.preload;
        for (const [id, a] of Object.entries(m.peers)) this.peers.set(id, a);
        for (let i = 0; i < this.opts.cores; i++) this.slots.push(this.startThread(0));
        this.heartbeat = setInterval(() => this.send({ t: 'heartbeat', held: this.held(), running: this.runningTasks() }), m.heartbeatMs);
        return;
      case 'peers':
        for (const [id, a] of Object.entries(m.add)) this.peers.set(id, a);
        for (const id of m.remove) this.peers.delete(id);
        return;
      case 'launch':
        if (!this.worker) return this.peer.close('protocol error: launch before welcome');
        this.queue.push({ t: 'run', taskId: m.taskId, payload: m.payload as Record<string, unknown> });
        return this.dispatch();
      case 'kill':
        return this.kill(m.taskId);
      case 'free':
      case 'forget':
        return;
      case 'stop':
        return void this.end();
    }
  }

  private held(): { memory: number; disk: number } {
    return { memory: 0, disk: 0 };
  }

  private runningTasks(): number[] {
    return this.slots.flatMap((s) => (s.running ? [s.running.taskId] : []));
  }

  private startThread(attempt: number): Slot {
    const runner = this.opts.runner ?? new URL('../../exec/run-task.js', import.meta.url).href;
    const thread = new Worker(new URL('./task-thread.js', import.meta.url), { workerData: { runner, preload: this.preload, dir: this.dir, worker: this.worker } });
    const slot: Slot = { thread, ready: false, attempt };
    thread.on('message', (m: ThreadToWorker) => {
      if (m.t === 'ready') {
        slot.ready = true;
        return this.dispatch();
      }
      if (slot.running?.taskId !== m.taskId) return;
      slot.running = undefined;
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
    void slot.thread.terminate();
    const task = slot.running;
    slot.running = undefined;
    if (task) this.send({ t: 'done', taskId: task.taskId, outcome: { ok: false, error: taskFailure(task.payload, `${why} (worker ${this.worker})`) }, held: this.held() });
    const i = this.slots.indexOf(slot);
    if (i < 0 || this.done) return;
    if (slot.ready) {
      this.slots[i] = this.startThread(0);
      return;
    }
    const delay = THREAD_RESTART_DELAYS_MS[slot.attempt];
    if (delay === undefined) {
      this.send({ t: 'fatal', reason: `a task thread could not start: ${why}` });
      return void this.end();
    }
    setTimeout(() => {
      if (!this.done) this.slots[i] = this.startThread(slot.attempt + 1);
    }, delay);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (!slot.ready || slot.running || slot.ended) continue;
      const msg = this.queue.shift()!;
      slot.running = { taskId: msg.taskId, payload: msg.payload };
      slot.thread.postMessage(msg);
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
