import { Worker } from 'node:worker_threads';
import { MemoryBudget } from '../exec/memory-budget.js';
import type { TaskOutcome } from '../exec/run-task.js';
import type { TaskPayload } from '../exec/task.js';
import type { WorkerId } from '../scheduler/events.js';
import { describeThrown } from '../util/errors.js';
import { engineFailure, type Backend, type BackendEvent } from './backend.js';
import { SentPipelines, type ForgetMessage } from './stage-pipelines.js';
import type { WireNode } from '../plan/stages.js';
import { deathError, lastWordsBuffer, readLastWords } from './last-words.js';

/** Pauses before trying again to start a thread that failed to start; after the last, the worker is given up. */
const RESTART_DELAYS_MS = [100, 400, 1600];

/** Test hook (main thread): the next `failStarts` thread starts fail, as when threads cannot be created. */
export const threadFaults = { failStarts: 0 };

export type WorkerMessage = { type: 'ready' } | { type: 'done'; taskId: number; outcome: TaskOutcome };

interface Slot {
  id: WorkerId;
  thread: Worker;
  budget: MemoryBudget;
  /** Where the thread writes the stack it exits on. */
  lastWords: SharedArrayBuffer;
  running?: TaskPayload;
  /** Stage pipelines this thread holds (a new thread holds none). */
  pipelines: SentPipelines;
  /** The thread died (or was killed); its WorkerLost is on its way. */
  dead?: boolean;
}

/**
 * local[N]: N worker threads, one task at a time each. A thread that dies at
 * any moment (idle, running a task, or while one is handed to it) is reported
 * as WorkerLost, with its task's failure, and replaced under the same worker id
 * (WorkerJoined again). Shuffle and cached blocks live in shared memory or
 * files, so they survive it and nothing needs recomputing.
 */
export class ThreadsBackend implements Backend {
  readonly name: string;
  private emit: (e: BackendEvent) => void = () => {};
  private readonly slots = new Map<WorkerId, Slot>();
  /** Workers whose new thread is starting (or waiting to be tried again). */
  private readonly restarting = new Set<WorkerId>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopping = false;

  constructor(private readonly opts: { workers: number; memoryPerWorker: number; preload: string[] }) {
    this.name = `local[${opts.workers}]`;
  }

  async start(emit: (e: BackendEvent) => void): Promise<void> {
    this.emit = emit;
    const ready: Promise<void>[] = [];
    for (let i = 1; i <= this.opts.workers; i++) {
      const id = `worker-${i}`;
      const budget = MemoryBudget.create(this.opts.memoryPerWorker);
      ready.push(this.spawn(id, budget));
    }
    await Promise.all(ready);
    for (const s of this.slots.values()) emit({ type: 'WorkerJoined', worker: s.id, slots: 1, budget: s.budget.handle() });
  }

  private spawn(id: WorkerId, budget: MemoryBudget): Promise<void> {
    const lastWords = lastWordsBuffer();
    let thread: Worker;
    try {
      if (threadFaults.failStarts > 0) {
        threadFaults.failStarts--;
        throw new Error('injected fault: the worker thread could not start');
      }
      thread = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: { preload: this.opts.preload, lastWords } });
    } catch (e) {
      return Promise.reject(e);
    }
    const slot: Slot = { id, thread, budget, lastWords, pipelines: new SentPipelines() };
    this.slots.set(id, slot);
    let ready = false;
    return new Promise((resolve, reject) => {
      thread.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          ready = true;
          // Not while stopping: terminate() keeps the thread ref'd until it exits, and unref'ing
          // it again would let the event loop end with stop()'s promise unsettled.
          if (!this.stopping) thread.unref();
          resolve();
        } else this.finished(slot, m.taskId, m.outcome);
      });
      // 'error' (an uncaught exception or unhandled rejection, even between tasks) comes before 'exit'.
      thread.on('error', (err) => {
        if (ready) this.died(slot, `worker thread crashed: ${err.stack ?? err.message}`);
        else reject(err);
      });
      thread.on('exit', (code) => {
        if (!ready) reject(new Error(`worker thread exited with code ${code} while starting`));
        else this.died(slot, `worker thread exited with code ${code}`, readLastWords(slot.lastWords));
      });
    });
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    const slot = this.slots.get(worker);
    if (!slot) throw new Error(`internal: unknown worker ${worker}`);
    if (slot.running) throw new Error(`internal: worker ${worker} is busy`);
    slot.running = payload;
    // A dead thread's WorkerLost is pending: it reports this task with the others.
    if (slot.dead) return;
    slot.thread.ref();
    try {
      const msg = slot.pipelines.message(payload);
      slot.thread.postMessage(msg);
      slot.pipelines.sent(msg);
    } catch (e) {
      // A payload that cannot be posted (too deep, not cloneable) fails for good; the thread is fine.
      slot.running = undefined;
      if (!this.stopping) slot.thread.unref();
      const error = { ...engineFailure(payload, `could not send the task to ${worker}: ${describeThrown(e).message}`), fatal: true };
      // Reported later: the driver is in the middle of carrying out the scheduler's commands.
      setImmediate(() => this.emit({ type: 'TaskFailed', worker, taskId: payload.taskId, error }));
    }
  }

  kill(worker: WorkerId, taskId: number): void {
    const slot = this.slots.get(worker);
    if (slot?.running?.taskId !== taskId) return;
    // A task is a synchronous loop: the only way to stop it is to end its thread.
    this.died(slot, 'task was killed');
  }

  releaseStages(nodes: readonly WireNode[]): void {
    for (const slot of this.slots.values()) {
      if (slot.dead) continue;
      const pipelines = nodes.map((n) => slot.pipelines.release(n)).filter((id) => id !== undefined);
      if (pipelines.length > 0) slot.thread.postMessage({ type: 'forget', pipelines } satisfies ForgetMessage);
    }
  }

  private finished(slot: Slot, taskId: number, outcome: TaskOutcome): void {
    if (slot.dead || slot.running?.taskId !== taskId) return;
    slot.running = undefined;
    if (!this.stopping) slot.thread.unref();
    if (outcome.ok) this.emit({ type: 'TaskFinished', worker: slot.id, taskId, result: outcome.result });
    else this.emit({ type: 'TaskFailed', worker: slot.id, taskId, error: outcome.error, fetchFailed: outcome.fetchFailed });
  }

  /**
   * The thread is gone (or is being ended): report it lost with its task's
   * failure (the scheduler retries the task elsewhere), then start a new thread
   * under the same id with a fresh budget (reservations the dead task held
   * would otherwise be lost for good; the driver moves the stored blocks over).
   * Reported from a microtask: kill() is called while the driver carries out
   * commands, and a launch onto the dying slot until then is reported with it.
   */
  private died(slot: Slot, reason: string, lastWords?: string): void {
    if (slot.dead || this.slots.get(slot.id) !== slot) return;
    slot.dead = true;
    void slot.thread.terminate();
    if (this.stopping) return;
    queueMicrotask(() => {
      if (this.stopping) return;
      this.slots.delete(slot.id);
      const payload = slot.running;
      slot.running = undefined;
      const taskErrors = payload ? { [payload.taskId]: deathError(payload, reason, lastWords) } : undefined;
      this.emit({ type: 'WorkerLost', worker: slot.id, reason, outputsLost: false, taskErrors });
      this.restart(slot.id, 0, reason);
    });
  }

  /**
   * Starts a new thread under `id`, with a fresh budget. A thread that cannot
   * start (out of memory or descriptors, a preload that fails) is tried again
   * after a growing pause; after the last attempt the worker is gone for good,
   * and once no worker is left or coming back the backend reports
   * BackendFailed, so jobs fail instead of waiting for a slot forever.
   */
  private restart(id: WorkerId, attempt: number, why: string): void {
    if (this.stopping) return;
    this.restarting.add(id);
    const budget = MemoryBudget.create(this.opts.memoryPerWorker);
    this.spawn(id, budget).then(
      () => {
        this.restarting.delete(id);
        if (!this.stopping) this.emit({ type: 'WorkerJoined', worker: id, slots: 1, budget: budget.handle() });
      },
      (err) => {
        void this.slots.get(id)?.thread.terminate();
        this.slots.delete(id);
        if (this.stopping) return;
        const delay = RESTART_DELAYS_MS[attempt];
        if (delay !== undefined) {
          // Ref'd: a job waiting for this worker must keep the process alive.
          const timer = setTimeout(() => {
            this.retryTimers.delete(timer);
            this.restart(id, attempt + 1, why);
          }, delay);
          this.retryTimers.add(timer);
          return;
        }
        this.restarting.delete(id);
        const reason = `${id} died (${why}) and could not be restarted after ${attempt + 1} attempt(s): ${describeThrown(err).message}`;
        process.emitWarning(`sluice: ${reason}`);
        if (this.slots.size === 0 && this.restarting.size === 0) this.emit({ type: 'BackendFailed', reason: `no worker thread is left: ${reason}` });
      },
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await Promise.all(
      [...this.slots.values()].map((s) => {
        s.thread.ref();
        return s.thread.terminate();
      }),
    );
    this.slots.clear();
  }
}
