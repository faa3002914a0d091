import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Backend, BackendEvent } from '../backend/backend.js';
import { DRIVER, type BlockRef } from '../exec/block-ref.js';
import { storeChunk } from '../exec/exchange/exchange-writer.js';
import { LocalBlockStore } from '../exec/local-block-store.js';
import { MemoryBudget } from '../exec/memory-budget.js';
import { sliceKey, type ActionSpec, type TaskPayload, type TaskResult } from '../exec/task.js';
import { taskInputs } from '../exec/task-inputs.js';
import type { PlanNode } from '../plan/node.js';
import { cutStages, toWire, type Stage, type WireNode } from '../plan/stages.js';
import { EventBus } from '../scheduler/bus.js';
import type { JobFailure, SchedulerCommand, SchedulerConfig, SchedulerEvent, WorkerId } from '../scheduler/events.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { describeThrown, JobCancelledError, SluiceError, TaskFailedError, type TaskErrorInfo } from '../util/errors.js';
import { addMetrics, zeroMetrics, type Metrics } from '../util/metrics.js';
import { BlockRegistry } from './block-registry.js';
import { Cleaner } from './cleaner.js';
import { BroadcastRegistry } from './broadcast.js';
import type { AccumulatorRegistry } from './accumulator.js';
import { WorkerRegistry } from './worker-registry.js';
import { workerHost } from './hosts.js';
import { directStages, stageSpec } from './stage-specs.js';

interface JobState {
  jobId: number;
  stages: Map<number, Stage>;
  wire: Map<number, WireNode>;
  /** What each stage's tasks do with their records: one object per stage, so backends can send it once per stage. */
  outputs: Map<number, TaskPayload['output']>;
  /** Stage names fixed at submission (what is cached then), so events of a job agree. */
  names: Map<number, string>;
  stageMetrics: Map<number, Metrics>;
  finalStageId: number;
  action: ActionSpec;
  partitions: number[];
  results: Map<number, TaskResult>;
  resolve: (r: TaskResult[]) => void;
  reject: (e: Error) => void;
}

/**
 * The driver: turns actions into jobs, feeds the scheduler, carries out its
 * commands on the backend, and keeps the index of stored blocks (where each
 * is, never its bytes). All state changes happen here on the main thread, one
 * event at a time.
 */
export class Driver {
  readonly bus = new EventBus();
  /** The driver's own blocks (parallelize slices, broadcast values), served to workers by the backend. */
  readonly store = new LocalBlockStore(DRIVER, MemoryBudget.create(Number.MAX_SAFE_INTEGER));
  readonly broadcasts = new BroadcastRegistry(this.store);
  readonly blocks = new BlockRegistry((ref) => this.freeBlock(ref));
  readonly spillDir: string;
  /** Where checkpoint() writes: the session's own directory under the given one, or under spillDir (removed at stop()). */
  readonly checkpointDir: string;
  private readonly scheduler: Scheduler;
  /** Live workers: what they announced, and what their block stores hold (latest figure). */
  readonly workers: WorkerRegistry;
  private readonly jobs = new Map<number, JobState>();
  private readonly tasks = new Map<number, { jobId: number; payload: TaskPayload; worker: WorkerId; speculative?: boolean }>();
  private readonly finished = new Map<number, TaskResult>();
  /** Frees the blocks of plan nodes nothing can reach any more. */
  readonly cleaner = new Cleaner(({ nodeId, shuffleIds, driverBlocks }) => {
    if (this.stopped) return;
    this.store.free(driverBlocks);
    this.uncache(nodeId);
    for (const shuffleId of shuffleIds) this.dropShuffle(shuffleId);
  });
  private nextJobId = 0;
  private nextStageId = 0;
  private stopped = false;
  /** The scheduler's WakeAt: one timer, for the earliest time asked. */
  private wake: { at: number; timer: NodeJS.Timeout } | undefined;
  /** Why no job can run any more (every worker is gone for good), once that happened. */
  private backendFailure: string | undefined;

  constructor(
    readonly backend: Backend,
    private readonly accumulators: AccumulatorRegistry,
    config: Partial<SchedulerConfig>,
    opts: { statusIntervalMs?: number; checkpointDir?: string } = {},
  ) {
    this.scheduler = new Scheduler(config);
    this.workers = new WorkerRegistry(this.bus, opts.statusIntervalMs);
    // Created by the first spill or file block written (SpillWriter makes its directory), so a
    // session that never spills leaves nothing; removed at stop() or, failing that, at process exit.
    const session = `sluice-${process.pid}-${randomBytes(6).toString('hex')}`;
    this.spillDir = join(tmpdir(), session);
    this.checkpointDir = opts.checkpointDir ? join(resolve(opts.checkpointDir), session) : join(this.spillDir, 'checkpoints');
    process.on('exit', this.removeSpillDir);
  }

  private readonly removeSpillDir = (): void => rmSync(this.spillDir, { recursive: true, force: true });

  /**
   * Frees shuffles that no plan will read again before the garbage collector
   * finds their nodes unreachable (a finished query's own, an uncached stage's):
   * their memory can then be reused at once. One an active job still writes or
   * reads is left to the cleaner.
   */
  releaseShuffles(shuffleIds: readonly number[]): void {
    if (this.stopped) return;
    for (const id of shuffleIds) if (!this.scheduler.shuffleInUse(id)) this.dropShuffle(id);
  }

  /** Frees a block at its owner: the driver's own store, or the worker's through the backend. */
  private freeBlock(ref: BlockRef): void {
    if (ref.worker === DRIVER) this.store.free([ref.blockId]);
    else if (!this.stopped) this.backend.free(ref.worker, [ref.blockId]);
  }

  /** Stores one encoded partition in the driver's own store (a parallelize slice): workers fetch it from there. */
  storeSlice(chunk: Uint8Array): BlockRef {
    return storeChunk(this.store, this.spillDir, chunk);
  }

  /** Frees a cached node's partitions (unpersist, or the node can no longer be reached). */
  uncache(nodeId: number): void {
    if (this.stopped) return;
    this.blocks.uncache(nodeId);
    this.dispatch({ type: 'CacheRemoved', nodeId });
  }

  private dropShuffle(shuffleId: number): void {
    this.blocks.dropShuffle(shuffleId);
    this.dispatch({ type: 'ShuffleRemoved', shuffleId });
  }

  /** Starts the backend; if it cannot start (it cleans up after itself), nothing of the driver is left running either. */
  async start(): Promise<void> {
    this.workers.start();
    try {
      await this.backend.start((e) => this.onBackend(e), this.store);
    } catch (e) {
      this.stopped = true;
      this.workers.stop();
      this.store.clear();
      this.removeSpillDir();
      process.off('exit', this.removeSpillDir);
      throw e;
    }
  }

  /** Runs `action` over the given partitions of `root` (all by default); results come back in partition order. */
  runJob(root: PlanNode, action: ActionSpec, description: string, partitions?: number[]): Promise<TaskResult[]> {
    if (this.stopped) return Promise.reject(new SluiceError('this session is stopped'));
    if (this.backendFailure) return Promise.reject(new SluiceError(this.backendFailure));
    const jobId = this.nextJobId++;
    const { final, all } = cutStages(root, () => this.nextStageId++, (n) => !!n.cached && this.blocks.isFullyCached(n.id, n.numPartitions));
    const parts = partitions ?? [...Array(root.numPartitions).keys()];
    return new Promise<TaskResult[]>((resolve, reject) => {
      const job: JobState = {
        jobId,
        stages: new Map(all.map((s) => [s.stageId, s])),
        wire: new Map(),
        outputs: new Map(),
        names: new Map(all.map((s) => [s.stageId, this.stageName(s)])),
        stageMetrics: new Map(),
        finalStageId: final.stageId,
        action,
        partitions: parts,
        results: new Map(),
        resolve,
        reject,
      };
      this.jobs.set(jobId, job);
      const specs = all.map(stageSpec);
      const direct = directStages(final);
      this.bus.emit({
        type: 'jobStart',
        time: Date.now(),
        jobId,
        description,
        stages: all.map((s) => ({ stageId: s.stageId, name: job.names.get(s.stageId)!, numTasks: s.node.numPartitions, skipped: !direct.has(s) || (s.shuffle ? this.scheduler.isShuffleAvailable(s.shuffle.shuffleId) : false) })),
      });
      this.dispatch({ type: 'JobSubmitted', job: { jobId, finalStageId: final.stageId, partitions: parts, stages: specs } });
    });
  }

  /** Cancels every running job (Ctrl-C). */
  cancelAll(reason = 'cancelled'): void {
    for (const jobId of [...this.jobs.keys()]) this.dispatch({ type: 'CancelJob', jobId, reason });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.cancelAll('the session stopped');
    this.stopped = true;
    this.workers.stop();
    if (this.wake) clearTimeout(this.wake.timer);
    this.wake = undefined;
    await this.backend.stop();
    this.blocks.clear();
    this.broadcasts.clear();
    this.store.clear();
    this.removeSpillDir();
    process.off('exit', this.removeSpillDir);
  }

  private stageName(stage: Stage): string {
    return stageName(stage, (n) => !!n.cached && this.blocks.isFullyCached(n.id, n.numPartitions));
  }

  private onBackend(e: BackendEvent): void {
    switch (e.type) {
      case 'BackendFailed':
        this.backendFailure = e.reason;
        for (const jobId of [...this.jobs.keys()]) this.dispatch({ type: 'AbortJob', jobId, message: e.reason });
        return;
      case 'WorkerJoined':
        this.workers.joined(e);
        return this.dispatch({ type: 'WorkerJoined', worker: e.worker, slots: e.slots, host: workerHost(e.host) });
      case 'WorkerHeld':
        return this.workers.held(e.worker, e.held);
      case 'WorkerLost': {
        this.workers.lost(e.worker, e.reason);
        // Its tasks end here: the scheduler fails (and retries) them as part of the loss.
        const ids = [...this.tasks].filter(([, t]) => t.worker === e.worker).map(([id]) => id);
        for (const id of ids) this.taskEnded(id, e.worker, false, undefined, e.taskErrors?.[id] ?? lostError(this.tasks.get(id)!.payload, e.worker, e.reason));
        this.dispatch(e);
        for (const id of ids) this.removeTask(id);
        return;
      }
      case 'TaskFinished': {
        this.workers.held(e.worker, e.result.held);
        this.taskEnded(e.taskId, e.worker, true, e.result.metrics);
        this.finished.set(e.taskId, e.result);
        this.dispatch({ type: 'TaskFinished', taskId: e.taskId, cached: e.result.cacheBlocks.map(({ nodeId, partition }) => ({ nodeId, partition })) });
        // Neither accepted nor discarded (unknown task): free what it stored.
        const left = this.finished.get(e.taskId);
        if (left) this.discard(e.taskId, left);
        return this.removeTask(e.taskId);
      }
      case 'TaskFailed': {
        this.taskEnded(e.taskId, e.worker, false, undefined, e.error);
        // The worker reports every output of the shuffle it found unreadable, so one resubmission recomputes them all.
        this.dispatch({ type: 'TaskFailed', taskId: e.taskId, error: e.error, fetchFailed: e.fetchFailed });
        return this.removeTask(e.taskId);
      }
    }
  }

  private removeTask(taskId: number): void {
    this.tasks.delete(taskId);
  }

  private taskEnded(taskId: number, worker: string, ok: boolean, metrics?: Metrics, error?: TaskErrorInfo): void {
    const t = this.tasks.get(taskId);
    if (!t) return;
    const p = t.payload;
    this.bus.emit({ type: 'taskEnd', time: Date.now(), jobId: t.jobId, stageId: p.stageId, taskId, partition: p.partition, attempt: p.attempt, worker, ok, metrics, error, ...(t.speculative ? { speculative: true } : {}) });
  }

  private dispatch(event: SchedulerEvent): void {
    for (const c of this.scheduler.handle(event, performance.now())) this.execute(c);
  }

  /** Sends the scheduler a Tick at `at` (performance.now() time), unless one is due sooner. */
  private wakeAt(at: number): void {
    if (this.stopped || (this.wake && this.wake.at <= at)) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(() => {
      this.wake = undefined;
      this.dispatch({ type: 'Tick' });
    }, Math.max(0, Math.ceil(at - performance.now())));
    this.wake = { at, timer };
  }

  private execute(c: SchedulerCommand): void {
    switch (c.type) {
      case 'LaunchTask':
        return this.launch(c.task.taskId, c.task.jobId, c.task.stageId, c.task.partition, c.task.attempt, c.worker, c.task.speculative);
      case 'WakeAt':
        return this.wakeAt(c.at);
      case 'KillTask':
        return this.backend.kill(c.worker, c.taskId);
      case 'AcceptTask':
        return this.accept(c.task.taskId, c.task.jobId, c.task.stageId, c.task.partition, c.worker);
      case 'DiscardTask': {
        const r = this.finished.get(c.task.taskId);
        if (r) this.discard(c.task.taskId, r);
        return;
      }
      case 'MapOutputLost':
        return this.blocks.dropMapOutput(c.shuffleId, c.mapPartition);
      case 'CachedPartitionLost':
        return this.blocks.forgetCached(c.nodeId, c.partition);
      case 'StageSubmitted': {
        const job = this.jobs.get(c.jobId);
        const stage = job?.stages.get(c.stageId);
        if (job && stage) {
          job.stageMetrics.set(c.stageId, zeroMetrics());
          this.bus.emit({ type: 'stageSubmitted', time: Date.now(), jobId: c.jobId, stageId: c.stageId, name: job.names.get(c.stageId)!, numTasks: c.numTasks, attempt: c.attempt });
        }
        return;
      }
      case 'StageCompleted': {
        const job = this.jobs.get(c.jobId);
        const stage = job?.stages.get(c.stageId);
        // Workers drop the stage's pipeline (a resubmission sends it again).
        const node = job?.wire.get(c.stageId);
        if (node) this.backend.releaseStages([node]);
        if (job && stage) this.bus.emit({ type: 'stageCompleted', time: Date.now(), jobId: c.jobId, stageId: c.stageId, name: job.names.get(c.stageId)!, metrics: job.stageMetrics.get(c.stageId) ?? zeroMetrics() });
        return;
      }
      case 'JobSucceeded': {
        const job = this.jobs.get(c.jobId);
        if (!job) return;
        this.jobs.delete(c.jobId);
        this.backend.releaseStages([...job.wire.values()]);
        this.bus.emit({ type: 'jobEnd', time: Date.now(), jobId: c.jobId, ok: true });
        job.resolve(job.partitions.map((p) => job.results.get(p)!));
        return;
      }
      case 'JobFailed': {
        const job = this.jobs.get(c.jobId);
        if (!job) return;
        this.jobs.delete(c.jobId);
        this.backend.releaseStages([...job.wire.values()]);
        const err = jobError(c.error);
        this.bus.emit({ type: 'jobEnd', time: Date.now(), jobId: c.jobId, ok: false, error: err.message });
        job.reject(err);
        return;
      }
    }
  }

  /**
   * Builds the task's payload and hands it to the backend. Whatever goes wrong
   * here (a plan too deep or not cloneable) fails the task for good, reported
   * once the current commands are carried out, so the session stays usable.
   */
  private launch(taskId: number, jobId: number, stageId: number, partition: number, attempt: number, worker: WorkerId, speculative?: boolean): void {
    try {
      this.launchTask(taskId, jobId, stageId, partition, attempt, worker, speculative);
    } catch (e) {
      const t = this.tasks.get(taskId);
      const error: TaskErrorInfo = {
        operator: t?.payload.node.op ?? 'launch',
        site: t?.payload.node.site,
        stageId,
        partition,
        attempt,
        ...describeThrown(e),
        message: `could not launch the task on ${worker}: ${describeThrown(e).message}`,
        internal: true,
        fatal: true,
      };
      setImmediate(() => this.onBackend({ type: 'TaskFailed', worker, taskId, error }));
    }
  }

  private launchTask(taskId: number, jobId: number, stageId: number, partition: number, attempt: number, worker: WorkerId, speculative?: boolean): void {
    const job = this.jobs.get(jobId);
    const stage = job?.stages.get(stageId);
    if (!job || !stage || !this.workers.has(worker)) throw new Error(`internal: launch for unknown job ${jobId}, stage ${stageId} or worker ${worker}`);
    let node = job.wire.get(stageId);
    if (!node) job.wire.set(stageId, (node = toWire(stage.node)));
    let output = job.outputs.get(stageId);
    if (!output) job.outputs.set(stageId, (output = stage.shuffle ? { kind: 'shuffleWrite', shuffle: stage.shuffle } : { kind: 'result', action: job.action }));
    // Only what this task reads: its own shuffle partitions and cached partitions.
    const inputs = taskInputs(node, partition);
    const shuffleInputs: TaskPayload['shuffleInputs'] = {};
    for (const s of inputs.shuffles) shuffleInputs[sliceKey(s.shuffleId, s.partition)] = this.blocks.shuffleSlice(s.shuffleId, s.numMaps, s.partition);
    const cachedBlocks: TaskPayload['cachedBlocks'] = {};
    for (const c of inputs.cached) {
      const ref = this.blocks.cachedRef(c.nodeId, c.partition);
      if (ref) cachedBlocks[`${c.nodeId}:${c.partition}`] = ref;
    }
    const payload: TaskPayload = {
      taskId,
      jobId,
      stageId,
      partition,
      attempt,
      node,
      output,
      shuffleInputs,
      cachedBlocks,
      broadcasts: this.broadcasts.refs(),
      spillDir: this.spillDir,
    };
    this.tasks.set(taskId, { jobId, payload, worker, speculative });
    this.bus.emit({ type: 'taskStart', time: Date.now(), jobId, stageId, taskId, partition, attempt, worker, ...(speculative ? { speculative } : {}) });
    this.backend.launch(worker, payload);
  }

  private accept(taskId: number, jobId: number, stageId: number, partition: number, worker: WorkerId): void {
    const r = this.finished.get(taskId);
    this.finished.delete(taskId);
    const job = this.jobs.get(jobId);
    const stage = job?.stages.get(stageId);
    if (!r || !job || !stage) return;
    if (stage.shuffle && r.mapOutput) this.blocks.putMapOutput(stage.shuffle.shuffleId, partition, r.mapOutput);
    for (const c of r.cacheBlocks) this.blocks.putCached(c.nodeId, c.partition, c.ref);
    this.accumulators.apply(r.accumulators);
    const m = job.stageMetrics.get(stageId);
    if (m) addMetrics(m, r.metrics);
    if (stageId === job.finalStageId) job.results.set(partition, r);
  }

  private discard(taskId: number, r: TaskResult): void {
    this.finished.delete(taskId);
    if (r.mapOutput) this.freeBlock(r.mapOutput);
    for (const c of r.cacheBlocks) this.freeBlock(c.ref);
  }
}

/** A stage is named after its operators, sources first: `textFile → flatMap → map → reduceByKey`. */
export function stageName(stage: Stage, isCached: (n: PlanNode) => boolean = () => false): string {
  const ops: string[] = [];
  let n: PlanNode | undefined = stage.node;
  while (n) {
    if (isCached(n)) {
      ops.push(`${n.op} (cached)`);
      break;
    }
    ops.push(n.op);
    const narrow: PlanNode | undefined = n.deps.find((d) => d.type === 'narrow')?.node;
    if (!narrow) {
      if (n.deps.some((d) => d.type === 'shuffle')) ops.push('(shuffle read)');
      break;
    }
    n = narrow;
  }
  const name = ops.reverse().join(' → ');
  return stage.shuffle ? `${name} → (shuffle write)` : name;
}

/** A task lost with its worker when the backend said nothing more about it. */
function lostError(p: TaskPayload, worker: WorkerId, reason: string): TaskErrorInfo {
  const message = `Worker ${worker} was lost: ${reason}`;
  return { operator: p.node.op, site: p.node.site, stageId: p.stageId, partition: p.partition, attempt: p.attempt, errorName: 'WorkerLost', message, stack: message, internal: true };
}

function jobError(f: JobFailure): Error {
  switch (f.kind) {
    case 'task':
      return new TaskFailedError(f.info, f.attempts);
    case 'cancelled':
      return new JobCancelledError(`job cancelled: ${f.reason}`);
    case 'internal':
      return new SluiceError(f.message);
  }
}
