import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DRIVER, HeldTally, noneHeld, type HeldBytes } from '../exec/block-ref.js';
import type { BlockSource } from '../exec/block-store.js';
import type { TaskOutcome } from '../exec/run-task.js';
import type { TaskPayload } from '../exec/task.js';
import { taskRegions } from '../exec/task-regions.js';
import type { BlockStore } from '../exec/worker-services.js';
import type { WorkerId } from '../scheduler/events.js';
import { describeThrown } from '../util/errors.js';
import { engineFailure, type Backend, type BackendEvent } from './backend.js';
import { SentPipelines, type ForgetMessage, type RunMessage } from './stage-pipelines.js';
import type { WireNode } from '../plan/stages.js';
import { deathError, lastWordsBuffer, readLastWords } from './last-words.js';
import { ReadGate } from './read-gate.js';

/** Pauses before trying again to start a thread that failed to start; after the last, the worker is given up. */
const RESTART_DELAYS_MS = [100, 400, 1600];

/** Test hook (main thread): the next `failStarts` thread starts fail, as when threads cannot be created. */
export const threadFaults = { failStarts: 0 };

/** A block a thread stored: its bytes stay where they are (shared memory or a file), the main thread notes where. */
export interface NewBlock {
  blockId: string;
  source: BlockSource;
  bytes: number;
}

/** `blocks`: what the task stored, beside (not inside) its result. */
export type WorkerMessage = { type: 'ready' } | { type: 'done'; taskId: number; outcome: TaskOutcome; blocks: NewBlock[] };

/** Tells a thread to free blocks of its store. */
export interface FreeMessage {
  type: 'free';
  blockIds: string[];
}

/** What a thread starts with: its worker id and budget, and the blocks of its dead predecessor it takes over. */
export interface ThreadData {
  preload: string[];
  lastWords: SharedArrayBuffer;
  worker: WorkerId;
  memory: number;
  adopt: NewBlock[];
}

interface Slot {
  id: WorkerId;
  thread: Worker;
  /** Where the thread writes the stack it exits on. */
  lastWords: SharedArrayBuffer;
  running?: TaskPayload;
  /** Stage pipelines this thread holds (a new thread holds none). */
  pipelines: SentPipelines;
  /** The thread died (or was killed); its WorkerLost is on its way. */
  dead?: boolean;
}

/**
 * local[N]: N worker threads, one task at a time each. Each thread owns its
 * worker's block store and budget; the main thread keeps only where each block's
 * bytes are (a SharedArrayBuffer or a file) and attaches those a task reads to
 * the message that runs it, so threads read each other's blocks without copying.
 * A thread that dies at any moment (idle, running a task, or while one is handed
 * to it) is reported as WorkerLost, with its task's failure, and replaced under
 * the same worker id (WorkerJoined again); its blocks survive it in shared memory
 * or files, the new thread takes them over, and nothing needs recomputing.
 */
export class ThreadsBackend implements Backend {
  readonly name: string;
  private emit: (e: BackendEvent) => void = () => {};
  private readonly slots = new Map<WorkerId, Slot>();
  /** Workers whose new thread is starting (or waiting to be tried again). */
  private readonly restarting = new Set<WorkerId>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private driverStore: BlockStore | undefined;
  /** Every live block of the workers: its owner and where its bytes are. */
  private readonly blocks = new Map<string, NewBlock & { owner: WorkerId }>();
  /** What each worker's blocks come to (kept with `blocks`). */
  private readonly tallies = new Map<WorkerId, HeldTally>();
  private readonly gate = new ReadGate();

  constructor(private readonly opts: { workers: number; memoryPerWorker: number; preload: string[] }) {
    this.name = `local[${opts.workers}]`;
  }

  async start(emit: (e: BackendEvent) => void, driverStore: BlockStore): Promise<void> {
    this.emit = emit;
    this.driverStore = driverStore;
    const ready: Promise<void>[] = [];
    for (let i = 1; i <= this.opts.workers; i++) ready.push(this.spawn(`worker-${i}`));
    await Promise.all(ready);
    for (const s of this.slots.values()) emit({ type: 'WorkerJoined', worker: s.id, slots: 1, memory: this.opts.memoryPerWorker });
  }

  private spawn(id: WorkerId): Promise<void> {
    const lastWords = lastWordsBuffer();
    let thread: Worker;
    try {
      if (threadFaults.failStarts > 0) {
        threadFaults.failStarts--;
        throw new Error('injected fault: the worker thread could not start');
      }
      const adopt = [...this.blocks.values()].filter((b) => b.owner === id).map(({ blockId, source, bytes }) => ({ blockId, source, bytes }));
      const workerData: ThreadData = { preload: this.opts.preload, lastWords, worker: id, memory: this.opts.memoryPerWorker, adopt };
      thread = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData });
    } catch (e) {
      return Promise.reject(e);
    }
    const slot: Slot = { id, thread, lastWords, pipelines: new SentPipelines() };
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
        } else this.finished(slot, m.taskId, m.outcome, m.blocks);
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
      const ids = this.attach(msg, payload);
      slot.thread.postMessage(msg);
      slot.pipelines.sent(msg);
      this.gate.begin(payload.taskId, ids);
    } catch (e) {
      // A payload that cannot be posted (too deep, not cloneable) fails for good; the thread is fine.
      slot.running = undefined;
      if (!this.stopping) slot.thread.unref();
      const error = { ...engineFailure(payload, `could not send the task to ${worker}: ${describeThrown(e).message}`), fatal: true };
      // Reported later: the driver is in the middle of carrying out the scheduler's commands.
      setImmediate(() => this.emit({ type: 'TaskFailed', worker, taskId: payload.taskId, error }));
    }
  }

  /** Attaches where the blocks the task reads are (the driver's from its store); returns their ids. */
  private attach(msg: RunMessage, payload: TaskPayload): string[] {
    const blocks: Record<string, BlockSource> = {};
    for (const { region } of taskRegions(payload)) {
      if (region.blockId in blocks) continue;
      let source: BlockSource | undefined = this.blocks.get(region.blockId)?.source;
      if (region.worker === DRIVER && this.driverStore) {
        try {
          const local = this.driverStore.read(region.blockId, region.start, region.end);
          source = local.kind === 'file' ? { kind: 'file', path: local.path } : { kind: 'memory', buffer: local.chunks[0]!.buffer as SharedArrayBuffer };
        } catch {
          // Gone (a destroyed broadcast): the thread's fetcher reports it.
        }
      }
      if (source) blocks[region.blockId] = source;
    }
    msg.blocks = blocks;
    return Object.keys(blocks);
  }

  free(worker: WorkerId, blockIds: readonly string[]): void {
    const mine = blockIds.filter((id) => this.blocks.get(id)?.owner === worker);
    if (mine.length === 0) return;
    this.gate.free(mine, (ids) => {
      const slot = this.slots.get(worker);
      const entries = ids.map((id) => this.blocks.get(id)).filter((b) => b !== undefined);
      for (const b of entries) this.forget(b);
      // Files go now, not when the owner gets to the message (one disk: the driver's view of what is
      // held stays exact); the owner releases the memory and its accounting.
      for (const b of entries) if (b.source.kind === 'file') rmSync(b.source.path, { force: true });
      if (slot && !slot.dead) slot.thread.postMessage({ type: 'free', blockIds: ids } satisfies FreeMessage);
      if (!this.stopping) this.emit({ type: 'WorkerHeld', worker, held: this.held(worker) });
    });
  }

  /** What a worker's blocks come to (they outlive its threads). */
  private held(worker: WorkerId): HeldBytes {
    return this.tallies.get(worker)?.get() ?? noneHeld();
  }

  private remember(b: NewBlock, owner: WorkerId): void {
    const old = this.blocks.get(b.blockId);
    if (old) this.forget(old);
    this.blocks.set(b.blockId, { ...b, owner });
    let tally = this.tallies.get(owner);
    if (!tally) this.tallies.set(owner, (tally = new HeldTally()));
    tally.add(b);
  }

  private forget(b: NewBlock & { owner: WorkerId }): void {
    this.blocks.delete(b.blockId);
    this.tallies.get(b.owner)?.remove(b);
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

  private finished(slot: Slot, taskId: number, outcome: TaskOutcome, blocks: NewBlock[]): void {
    if (slot.dead || slot.running?.taskId !== taskId) {
      // A result nobody will hear of (the thread is being ended): its blocks' files go (memory goes with the thread).
      for (const b of blocks) if (b.source.kind === 'file') rmSync(b.source.path, { force: true });
      return;
    }
    // Known before the driver hears of the result: its next tasks may read these blocks.
    for (const b of blocks) this.remember(b, slot.id);
    slot.running = undefined;
    this.gate.end(taskId);
    if (!this.stopping) slot.thread.unref();
    // What the worker holds as this thread sees it: the same count a free reports later.
    if (outcome.ok) this.emit({ type: 'TaskFinished', worker: slot.id, taskId, result: { ...outcome.result, held: this.held(slot.id) } });
    else {
      this.emit({ type: 'WorkerHeld', worker: slot.id, held: this.held(slot.id) });
      this.emit({ type: 'TaskFailed', worker: slot.id, taskId, error: outcome.error, fetchFailed: outcome.fetchFailed });
    }
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
      if (payload) this.gate.end(payload.taskId);
      const taskErrors = payload ? { [payload.taskId]: deathError(payload, reason, lastWords) } : undefined;
      this.emit({ type: 'WorkerLost', worker: slot.id, reason, outputsLost: false, taskErrors });
      this.restart(slot.id, 0, reason);
    });
  }

  /**
   * Starts a new thread under `id`, with a fresh budget (it takes over the blocks the dead
   * thread stored: their memory counts against the new budget). A thread that cannot
   * start (out of memory or descriptors, a preload that fails) is tried again
   * after a growing pause; after the last attempt the worker is gone for good,
   * and once no worker is left or coming back the backend reports
   * BackendFailed, so jobs fail instead of waiting for a slot forever.
   */
  private restart(id: WorkerId, attempt: number, why: string): void {
    if (this.stopping) return;
    this.restarting.add(id);
    this.spawn(id).then(
      () => {
        this.restarting.delete(id);
        if (this.stopping) return;
        this.emit({ type: 'WorkerJoined', worker: id, slots: 1, memory: this.opts.memoryPerWorker });
        // The new thread took over the blocks of the dead one.
        this.emit({ type: 'WorkerHeld', worker: id, held: this.held(id) });
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
    this.blocks.clear();
    this.tallies.clear();
  }
}
