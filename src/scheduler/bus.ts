import type { TaskErrorInfo } from '../util/errors.js';
import type { Metrics } from '../util/metrics.js';

export type { Metrics };

/** A worker as listeners see it: where it runs, what it offers, and what its block store holds. */
export interface WorkerView {
  worker: string;
  /** The host it runs on (this machine's name for threads and local processes). */
  host: string;
  /** Tasks it runs at once. */
  cores: number;
  /** Its memory budget, bytes. */
  memory: number;
  /** Blocks its store holds, and their bytes in memory and on disk, as last reported. */
  blocks: number;
  memoryHeld: number;
  diskHeld: number;
}

/**
 * Everything the engine does, as events on one bus: progress bars, the event
 * log, and reports are listeners. Times are epoch milliseconds. Task events name
 * the worker that ran the task; worker events say who joined, who was lost, and
 * (periodically, when anything changed) what every worker holds.
 */
export type SluiceEvent =
  | { type: 'workerJoined'; time: number; worker: WorkerView }
  | { type: 'workerLost'; time: number; worker: string; host: string; reason: string }
  | { type: 'workerStatus'; time: number; workers: WorkerView[] }
  | { type: 'jobStart'; time: number; jobId: number; description: string; stages: Array<{ stageId: number; name: string; numTasks: number; skipped?: boolean }> }
  | { type: 'jobEnd'; time: number; jobId: number; ok: boolean; error?: string }
  | { type: 'stageSubmitted'; time: number; jobId: number; stageId: number; name: string; numTasks: number; attempt: number }
  | { type: 'stageCompleted'; time: number; jobId: number; stageId: number; name: string; metrics: Metrics }
  /** `speculative`: a copy of a straggler still running elsewhere (the first of the two to finish wins). */
  | { type: 'taskStart'; time: number; jobId: number; stageId: number; taskId: number; partition: number; attempt: number; worker: string; speculative?: boolean }
  | {
      type: 'taskEnd';
      time: number;
      jobId: number;
      stageId: number;
      taskId: number;
      partition: number;
      attempt: number;
      worker: string;
      ok: boolean;
      metrics?: Metrics;
      error?: TaskErrorInfo;
      speculative?: boolean;
    };

export type Listener = (e: SluiceEvent) => void;

/** A synchronous fan-out; a listener that throws is removed rather than breaking the job. */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  on(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(e: SluiceEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.listeners.delete(l);
        process.emitWarning(`sluice: an event listener threw and was removed: ${String(err)}`);
      }
    }
  }
}

