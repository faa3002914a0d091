import type { BackendEvent } from '../backend/backend.js';
import type { HeldBytes } from '../exec/block-ref.js';
import type { EventBus, WorkerView } from '../scheduler/bus.js';
import type { WorkerId } from '../scheduler/events.js';
import { workerHost } from './hosts.js';

/** How often the driver reports what every worker holds (only when something changed). */
export const DEFAULT_STATUS_INTERVAL_MS = 2000;

/**
 * The live workers as the driver knows them: what each announced (host, cores, memory) and the
 * latest figure of what its block store holds (sent with task results, heartbeats and frees).
 * Joins and losses go on the bus at once; what workers hold goes every `intervalMs` when it
 * changed, so a listener sees workers fill and empty without an event per task.
 */
export class WorkerRegistry {
  private readonly workers = new Map<WorkerId, WorkerView>();
  private changed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly intervalMs = DEFAULT_STATUS_INTERVAL_MS,
  ) {}

  /** Starts the periodic report (unref'd: it never keeps the process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.report(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  has(worker: WorkerId): boolean {
    return this.workers.has(worker);
  }

  joined(e: Extract<BackendEvent, { type: 'WorkerJoined' }>): void {
    const view: WorkerView = { worker: e.worker, host: workerHost(e.host), cores: e.slots, memory: e.memory, blocks: 0, memoryHeld: 0, diskHeld: 0 };
    this.workers.set(e.worker, view);
    // The next status lists it too: listeners attached after the join learn of it there.
    this.changed = true;
    this.bus.emit({ type: 'workerJoined', time: Date.now(), worker: { ...view } });
  }

  lost(worker: WorkerId, reason: string): void {
    const view = this.workers.get(worker);
    if (!view) return;
    this.workers.delete(worker);
    this.changed = true;
    this.bus.emit({ type: 'workerLost', time: Date.now(), worker, host: view.host, reason });
  }

  /** A worker's latest figure; one not (or no longer) in the cluster is ignored. */
  held(worker: WorkerId, held: HeldBytes | undefined): void {
    const view = this.workers.get(worker);
    if (!view || !held) return;
    if (view.blocks === held.blocks && view.memoryHeld === held.memory && view.diskHeld === held.disk) return;
    Object.assign(view, { blocks: held.blocks, memoryHeld: held.memory, diskHeld: held.disk });
    this.changed = true;
  }

  /** Every live worker, as listeners see it (copies). */
  list(): WorkerView[] {
    return [...this.workers.values()].map((v) => ({ ...v }));
  }

  /** Emits `workerStatus` if anything changed since the last one. */
  report(): void {
    if (!this.changed) return;
    this.changed = false;
    this.bus.emit({ type: 'workerStatus', time: Date.now(), workers: this.list() });
  }
}
