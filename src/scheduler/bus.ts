import type { TaskErrorInfo } from '../util/errors.js';
import type { Metrics } from '../util/metrics.js';

export type { Metrics };

/**
 * Everything the engine does, as events on one bus: progress bars, the event
 * log, and reports are listeners. Times are epoch milliseconds.
 */
export type SluiceEvent =
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

