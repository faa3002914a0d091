import { DRIVER } from '../exec/block-ref.js';
import { LocalBlockStore } from '../exec/local-block-store.js';
import { MemoryBudget } from '../exec/memory-budget.js';
import { runTask } from '../exec/run-task.js';
import type { TaskPayload } from '../exec/task.js';
import { taskRegions } from '../exec/task-regions.js';
import type { BlockStore, WorkerServices } from '../exec/worker-services.js';
import type { WorkerId } from '../scheduler/events.js';
import { engineFailure, type Backend, type BackendEvent } from './backend.js';
import { ReadGate } from './read-gate.js';
import { storesFetcher } from './store-fetcher.js';

const WORKER = 'inline';

/**
 * Runs every task on the calling thread, one at a time, in launch order:
 * deterministic, for debugging and tests. Functions still go through shipping
 * (source + env), so a job that works inline works on threads.
 */
export class InlineBackend implements Backend {
  readonly name = 'inline';
  private emit: (e: BackendEvent) => void = () => {};
  /** The one worker's store, on this thread; blocks written by its tasks stay here until the driver frees them. */
  readonly store: LocalBlockStore;
  private services: WorkerServices | undefined;
  private readonly gate = new ReadGate();
  private readonly killed = new Set<number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly opts: { memoryPerWorker: number }) {
    this.store = new LocalBlockStore(WORKER, MemoryBudget.create(opts.memoryPerWorker), { recycle: true });
  }

  async start(emit: (e: BackendEvent) => void, driverStore: BlockStore): Promise<void> {
    this.emit = emit;
    const stores = new Map<string, BlockStore>([[WORKER, this.store], [DRIVER, driverStore]]);
    this.services = { worker: WORKER, store: this.store, fetcher: storesFetcher((w) => stores.get(w)) };
    emit({ type: 'WorkerJoined', worker: WORKER, slots: 1, memory: this.opts.memoryPerWorker });
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    // Chained so tasks never interleave; setImmediate lets the driver finish its current event first.
    this.queue = this.queue.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(async () => {
            const { taskId } = payload;
            this.gate.begin(taskId, taskRegions(payload).map((r) => r.region.blockId));
            const outcome = await runTask(payload, this.services!);
            this.gate.end(taskId);
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

  free(worker: WorkerId, blockIds: readonly string[]): void {
    if (worker !== WORKER) return;
    this.gate.free(blockIds, (ids) => {
      this.store.free(ids);
      this.emit({ type: 'WorkerHeld', worker, held: this.store.held() });
    });
  }

  releaseStages(): void {
    // Tasks get their pipeline with the payload; nothing is kept between tasks.
  }

  async stop(): Promise<void> {
    await this.queue;
    this.store.clear();
  }
}
