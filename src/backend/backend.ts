import type { FetchFailure, WorkerId } from '../scheduler/events.js';
import type { BlockStore } from '../exec/worker-services.js';
import type { HeldBytes } from '../exec/block-ref.js';
import type { TaskPayload, TaskResult } from '../exec/task.js';
import type { TaskErrorInfo } from '../util/errors.js';
import type { WireNode } from '../plan/stages.js';

/** What a backend reports to the driver; the driver turns these into scheduler events. */
export type BackendEvent =
  /** A worker is ready: `memory` is its budget in bytes, `host` where it runs (when not this machine). */
  | { type: 'WorkerJoined'; worker: WorkerId; slots: number; memory: number; host?: string }
  /** A worker died (at any moment: idle, running, or being handed a task); `taskErrors`: why each task it held failed. */
  | { type: 'WorkerLost'; worker: WorkerId; reason: string; outputsLost: boolean; taskErrors?: Record<number, TaskErrorInfo> }
  | { type: 'TaskFinished'; worker: WorkerId; taskId: number; result: TaskResult }
  | { type: 'TaskFailed'; worker: WorkerId; taskId: number; error: TaskErrorInfo; fetchFailed?: FetchFailure }
  /**
   * What a worker's block store holds now: with every heartbeat (cluster, processes) and whenever it
   * changes outside a task (a free). A task's result carries the same figure (`TaskResult.held`).
   */
  | { type: 'WorkerHeld'; worker: WorkerId; held: HeldBytes }
  /** No worker is left and none can be started again: every job, running or to come, fails with `reason`. */
  | { type: 'BackendFailed'; reason: string };

/**
 * Where tasks run. The scheduler is the same for every backend: a backend only
 * starts workers, runs the payloads it is given, and reports what happened.
 */
export interface Backend {
  readonly name: string;
  /**
   * Starts workers; each announces itself with WorkerJoined through `emit`. `driverStore` holds
   * the driver's own blocks (owner DRIVER: parallelize slices, broadcasts): the backend serves
   * them to its workers' fetchers.
   */
  start(emit: (e: BackendEvent) => void, driverStore: BlockStore): Promise<void>;
  launch(worker: WorkerId, payload: TaskPayload): void;
  /** Stops a running task; the backend still reports TaskFailed (or TaskFinished if it won the race). */
  kill(worker: WorkerId, taskId: number): void;
  /**
   * Frees blocks of a worker's store: the driver never frees a block itself, it tells the owner.
   * A block a running task reads is freed once that task ends; unknown ids and lost workers are ignored.
   */
  free(worker: WorkerId, blockIds: readonly string[]): void;
  /** These stages are done: workers drop what they keep of their pipelines (and the data those hold). */
  releaseStages(nodes: readonly WireNode[]): void;
  /** Stops every worker; no thread or process is left behind. */
  stop(): Promise<void>;
}

/** A killed or crashed task's failure, in the same shape as a user error. */
export function engineFailure(payload: Pick<TaskPayload, 'stageId' | 'partition' | 'attempt' | 'node'>, message: string): TaskErrorInfo {
  return {
    operator: payload.node.op,
    site: payload.node.site,
    stageId: payload.stageId,
    partition: payload.partition,
    attempt: payload.attempt,
    errorName: 'WorkerError',
    message,
    stack: message,
    internal: true,
  };
}
