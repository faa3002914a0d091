import { Worker } from 'node:worker_threads';
import { MemoryBudget } from '../exec/memory-budget.js';
import type { TaskOutcome } from '../exec/run-task.js';
import type { TaskPayload } from '../exec/task.js';
import type { WorkerId } from '../scheduler/events.js';
import { engineFailure, type Backend, type BackendEvent } from './backend.js';
import { SentPipelines } from './stage-pipelines.js';

export type WorkerMessage = { type: 'ready' } | { type: 'done'; taskId: number; outcome: TaskOutcome };

interface Slot {
  id: WorkerId;
  thread: Worker;
  budget: MemoryBudget;
  running?: TaskPayload;
  /** Stage pipelines this thread holds (a new thread holds none). */
  pipelines: SentPipelines;
}

/**
 * local[N]: N worker threads, one task at a time each. A killed or crashed
 * thread is replaced under the same worker id; shuffle blocks live in shared
 * memory or files, so they survive it and nothing needs recomputing.
 */
export class ThreadsBackend implements Backend {
  readonly name: string;
  private emit: (e: BackendEvent) => void = () => {};
  private readonly slots = new Map<WorkerId, Slot>();
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
    const thread = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: { preload: this.opts.preload } });
    const slot: Slot = { id, thread, budget, pipelines: new SentPipelines() };
    this.slots.set(id, slot);
    return new Promise((resolve, reject) => {
      thread.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          // Not while stopping: terminate() keeps the thread ref'd until it exits, and unref'ing
          // it again would let the event loop end with stop()'s promise unsettled.
          if (!this.stopping) thread.unref();
          resolve();
        } else this.finished(slot, m.taskId, m.outcome);
      });
      thread.on('error', (err) => {
        if (slot.running) this.crashed(slot, `worker thread crashed: ${err.stack ?? err.message}`);
        else reject(err);
      });
      thread.on('exit', (code) => {
        if (!this.stopping && this.slots.get(id) === slot && slot.running) this.crashed(slot, `worker thread exited with code ${code}`);
      });
    });
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    const slot = this.slots.get(worker);
    if (!slot) throw new Error(`internal: unknown worker ${worker}`);
    if (slot.running) throw new Error(`internal: worker ${worker} is busy`);
    slot.running = payload;
    slot.thread.ref();
    const msg = slot.pipelines.message(payload);
    slot.thread.postMessage(msg);
    slot.pipelines.sent(msg);
  }

  kill(worker: WorkerId, taskId: number): void {
    const slot = this.slots.get(worker);
    if (slot?.running?.taskId !== taskId) return;
    // A task is a synchronous loop: the only way to stop it is to end its thread.
    this.crashed(slot, 'task was killed');
  }

  private finished(slot: Slot, taskId: number, outcome: TaskOutcome): void {
    if (slot.running?.taskId !== taskId) return;
    slot.running = undefined;
    if (!this.stopping) slot.thread.unref();
    if (outcome.ok) this.emit({ type: 'TaskFinished', worker: slot.id, taskId, result: outcome.result });
    else this.emit({ type: 'TaskFailed', worker: slot.id, taskId, error: outcome.error, fetchFailed: outcome.fetchFailed });
  }

  /**
   * Replaces the thread, then reports its task as failed (the scheduler retries
   * it). The new thread gets a fresh budget: reservations the dead task held
   * would otherwise be lost for good. The driver moves the stored blocks over.
   */
  private crashed(slot: Slot, reason: string): void {
    const payload = slot.running;
    slot.running = undefined;
    this.slots.delete(slot.id);
    void slot.thread.terminate();
    if (this.stopping) return;
    const budget = MemoryBudget.create(this.opts.memoryPerWorker);
    this.spawn(slot.id, budget).then(
      () => {
        this.emit({ type: 'WorkerJoined', worker: slot.id, slots: 1, budget: budget.handle() });
        if (payload) this.emit({ type: 'TaskFailed', worker: slot.id, taskId: payload.taskId, error: engineFailure(payload, reason) });
      },
      (err) => process.emitWarning(`sluice: could not restart ${slot.id}: ${String(err)}`),
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.slots.values()].map((s) => {
        s.thread.ref();
        return s.thread.terminate();
      }),
    );
    this.slots.clear();
  }
}
