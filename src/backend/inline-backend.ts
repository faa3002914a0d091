import { MemoryBudget } from '../exec/memory-budget.js';
import { runTask } from '../exec/run-task.js';
import type { TaskPayload } from '../exec/task.js';
import type { WorkerId } from '../scheduler/events.js';
import { engineFailure, type Backend, type BackendEvent } from './backend.js';

/**
 * Runs every task on the calling thread, one at a time, in launch order:
 * deterministic, for debugging and tests. Functions still go through shipping
 * (source + env), so a job that works inline works on threads.
 */
export class InlineBackend implements Backend {
  readonly name = 'inline';
  private emit: (e: BackendEvent) => void = () => {};
  private readonly budget: MemoryBudget;
  private readonly killed = new Set<number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: { memoryPerWorker: number }) {
    this.budget = MemoryBudget.create(opts.memoryPerWorker);
  }

  async start(emit: (e: BackendEvent) => void): Promise<void> {
    this.emit = emit;
    emit({ type: 'WorkerJoined', worker: 'inline', slots: 1, budget: this.budget.handle() });
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    // Chained so tasks never interleave; setImmediate lets the driver finish its current event first.
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(async () => {
            const outcome = await runTask(payload);
            const { taskId } = payload;
            if (this.killed.delete(taskId)) this.emit({ type: 'TaskFailed', worker, taskId, error: engineFailure(payload, 'task was killed') });
            else if (outcome.ok) this.emit({ type: 'TaskFinished', worker, taskId, result: outcome.result });
            else this.emit({ type: 'TaskFailed', worker, taskId, error: outcome.error, fetchFailed: outcome.fetchFailed });
            resolve();
          }),
        ),
    );
  }

  kill(_worker: WorkerId, taskId: number): void {
    // A synchronous task on this thread cannot be interrupted; its result is reported as killed.
    this.killed.add(taskId);
  }

  releaseStages(): void {
    // Tasks get their pipeline with the payload; nothing is kept between tasks.
  }

  async stop(): Promise<void> {
    await this.queue;
  }
}
