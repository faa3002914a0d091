import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskPayload } from '../../exec/task.js';
import type { WireNode } from '../../plan/stages.js';
import type { WorkerId } from '../../scheduler/events.js';
import type { Backend, BackendEvent } from '../backend.js';
import type { BlockStore } from '../../exec/worker-services.js';
import { ClusterBackend, randomSecret } from './cluster-backend.js';
import type { WorkerOptions } from './worker-process.js';

/** Pauses before forking again after a worker died before joining; after the last, that worker is given up. */
const RESTART_DELAYS_MS = [100, 400, 1600];

export interface ProcessesBackendOptions {
  workers: number;
  memoryPerWorker: number;
  preload: string[];
  /** Test hook: the module workers run tasks with (see WorkerOptions.runner). */
  runner?: string;
  heartbeatMs?: number;
  maxMissedHeartbeats?: number;
}

interface Child {
  proc: ChildProcess;
  dir: string;
  /** Set once its worker joined the driver. */
  worker?: WorkerId;
  /** Failed starts before this one. */
  attempt: number;
}

/**
 * `processes[N]`: N worker processes on this machine, like Spark's local-cluster. It is the
 * cluster backend with workers the driver forks itself: they dial back on loopback with a
 * random secret handed over the fork's IPC channel. A worker that dies (a crash, kill -9, out
 * of memory) is lost with its blocks, and a new process takes its place under a new id; one
 * that keeps failing to start is given up, and when none is left the backend fails.
 */
export class ProcessesBackend implements Backend {
  readonly name: string;
  private readonly cluster: ClusterBackend;
  private readonly secret = randomSecret();
  private readonly children = new Set<Child>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private emit: (e: BackendEvent) => void = () => {};
  private base = '';
  private stopping = false;
  private nextChild = 1;

  constructor(private readonly opts: ProcessesBackendOptions) {
    this.name = `processes[${opts.workers}]`;
    this.cluster = new ClusterBackend({ secret: this.secret, preload: opts.preload, name: this.name, heartbeatMs: opts.heartbeatMs, maxMissedHeartbeats: opts.maxMissedHeartbeats });
  }

  async start(emit: (e: BackendEvent) => void, driverStore?: BlockStore): Promise<void> {
    this.emit = emit;
    this.base = mkdtempSync(join(tmpdir(), 'sluice-processes-'));
    await this.cluster.start((e) => this.observe(e), driverStore);
    for (let i = 0; i < this.opts.workers; i++) this.spawn(0);
    await this.cluster.waitForWorkers(this.opts.workers, 60_000);
  }

  /** The directory every worker process keeps its files under (removed by stop()). */
  get dir(): string {
    return this.base;
  }

  /** Process ids of the live worker processes (for tests that kill them). */
  pids(): number[] {
    return [...this.children].flatMap((c) => (c.proc.pid !== undefined && c.proc.exitCode === null && c.proc.signalCode === null ? [c.proc.pid] : []));
  }

  private observe(e: BackendEvent): void {
    if (e.type === 'WorkerJoined') {
      const pid = this.cluster.workers().find((w) => w.id === e.worker)?.pid;
      for (const c of this.children) if (c.proc.pid === pid) c.worker = e.worker;
    }
    // A worker lost while its process lives on (hung, stopped, cut off) is ended, so one takes its place.
    if (e.type === 'WorkerLost') for (const c of this.children) if (c.worker === e.worker) c.proc.kill('SIGKILL');
    if (!this.stopping) this.emit(e);
  }

  private spawn(attempt: number): void {
    const dir = join(this.base, `worker-${this.nextChild++}`);
    mkdirSync(dir);
    const proc = fork(new URL('./process-entry.js', import.meta.url), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Loaders (tsx) carry over; the test runner's and debugger's flags do not.
      execArgv: process.execArgv.filter((a) => !/^--(test|inspect)/.test(a)),
    });
    const child: Child = { proc, dir, attempt };
    this.children.add(child);
    const { port } = this.cluster.address();
    const orders: WorkerOptions = { driver: `127.0.0.1:${port}`, secret: this.secret, cores: 1, memory: this.opts.memoryPerWorker, dir, host: '127.0.0.1', runner: this.opts.runner };
    proc.once('message', () => proc.send(orders));
    // A fork that fails (no memory, too many processes) reports 'error' and may never 'exit'.
    proc.on('error', () => this.exited(child, 'could not be started'));
    proc.on('exit', (code, signal) => this.exited(child, signal ? `killed by ${signal}` : `exited with code ${code}`));
  }

  private exited(child: Child, why: string): void {
    if (!this.children.delete(child)) return;
    rmSync(child.dir, { recursive: true, force: true });
    if (this.stopping) return;
    // One that had joined is replaced at once; one that died on its way up is tried again after a pause.
    const attempt = child.worker ? 0 : child.attempt + 1;
    const delay = child.worker ? 0 : RESTART_DELAYS_MS[child.attempt];
    if (delay === undefined) {
      process.emitWarning(`sluice: a ${this.name} worker process ${why} before joining, ${attempt} time(s) in a row; it is given up`);
      if (this.children.size === 0 && this.timers.size === 0) this.emit({ type: 'BackendFailed', reason: `no ${this.name} worker process is left: the last ${why} before joining` });
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopping) this.spawn(attempt);
    }, delay);
    this.timers.add(timer);
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    this.cluster.launch(worker, payload);
  }

  kill(worker: WorkerId, taskId: number): void {
    this.cluster.kill(worker, taskId);
  }

  free(worker: WorkerId, blockIds: readonly string[]): void {
    this.cluster.free(worker, blockIds);
  }

  releaseStages(nodes: readonly WireNode[]): void {
    this.cluster.releaseStages(nodes);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.cluster.stop();
    // Workers exit when told to stop; any that does not is ended.
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.proc.exitCode !== null || c.proc.signalCode !== null) return resolve();
            c.proc.once('exit', () => resolve());
            setTimeout(() => c.proc.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    this.children.clear();
    rmSync(this.base, { recursive: true, force: true });
  }
}
