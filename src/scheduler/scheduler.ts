import type { TaskErrorInfo } from '../util/errors.js';
import type {
  FetchFailure,
  JobFailure,
  JobSpec,
  SchedulerCommand,
  SchedulerConfig,
  SchedulerEvent,
  TaskSpec,
  WorkerId,
} from './events.js';
import { JobState, ShuffleState, StageState, validateJob } from './job-state.js';
import { PartitionQueue } from './partition-queue.js';
import { ANY, HOST_LOCAL, pickAny, placeTask, WORKER_LOCAL, type Placement, type Preference, type WorkerView } from './task-placement.js';

export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = { maxTaskFailures: 4, maxStageAttempts: 4, localityWaitMs: 3000 };

/** While a stage waits for local slots, this many of its queued tasks are looked at per launch round. */
const LOCALITY_SCAN = 1000;

/** Late events for tasks lost with their worker are answered with DiscardTask; remember this many. */
const ORPHAN_MEMORY = 10_000;

interface TaskRecord {
  spec: TaskSpec;
  worker: WorkerId;
  /** The stage attempt that launched it: fetch failures count once per stage attempt. */
  stageAttempt: number;
  /** Killed (or its job is over): it still holds its slot until the backend reports it. */
  killed: boolean;
  /** The clock of `handle` when it was launched. */
  launchedAt: number;
}

interface WorkerState extends WorkerView {
  /** Tasks holding a slot, killed ones included. */
  tasks: Set<number>;
}

/**
 * Spark-style DAG + task scheduler as a pure state machine: `handle` takes one
 * event and returns the commands it causes. No I/O, no timers, no promises, and
 * deterministic (all iteration is in insertion or numeric order), so it is
 * tested by feeding events and the same scheduler drives every backend.
 *
 * It tracks workers and their slots, jobs and their stages, running tasks, and
 * where each shuffle map output lives (by shuffleId, shared across jobs, so a
 * later job skips map stages whose output is still available). After every
 * event it walks each job's stage graph from the result stage (`advance`):
 * stages whose parents are available are submitted, stages whose parents lost
 * outputs are paused, finished stages complete. Then queued tasks are launched
 * on free slots (`launch`), each where its input is when that slot is free
 * (delay scheduling), and stragglers get speculative copies.
 *
 * Time comes in as the `now` argument of `handle` (any monotonic clock in ms);
 * when it needs to look again later, it emits WakeAt and expects a Tick then.
 */
export class Scheduler {
  private readonly config: SchedulerConfig;
  private readonly workers = new Map<WorkerId, WorkerState>();
  /** Active jobs in submission order: the FIFO order of launching. */
  private readonly jobs = new Map<number, JobState>();
  /** Tasks holding a slot on a live worker, in launch (= taskId) order. */
  private readonly tasks = new Map<number, TaskRecord>();
  /** Tasks that were running on a lost worker, so a late report is discarded, not ignored. */
  private readonly orphans = new Map<number, TaskSpec>();
  private readonly shuffles = new Map<number, ShuffleState>();
  /** Where each stored partition of a cached node is: nodeId → partition → worker. */
  private readonly cached = new Map<number, Map<number, WorkerId>>();
  private nextTaskId = 0;
  private out: SchedulerCommand[] = [];
  private now = 0;
  /** The last WakeAt sent, and the earliest one this event's launch round wants. */
  private wakeAt: number | undefined;
  private nextWake: number | undefined;

  constructor(config?: Partial<SchedulerConfig>) {
    this.config = { ...DEFAULT_SCHEDULER_CONFIG, ...config };
  }

  /** Takes one event that happened at time `now` (ms; unchanged when omitted) and returns the commands it causes. */
  handle(event: SchedulerEvent, now?: number): SchedulerCommand[] {
    this.out = [];
    if (now !== undefined && now > this.now) this.now = now;
    this.nextWake = undefined;
    switch (event.type) {
      case 'JobSubmitted':
        this.onJobSubmitted(event.job);
        break;
      case 'TaskFinished':
        this.onTaskFinished(event.taskId, event.cached);
        break;
      case 'TaskFailed':
        this.onTaskFailed(event.taskId, event.error, event.fetchFailed);
        break;
      case 'WorkerJoined':
        this.onWorkerJoined(event.worker, event.slots, event.host);
        break;
      case 'Tick':
        this.launch();
        break;
      case 'WorkerLost':
        this.onWorkerLost(event.worker, event.reason, event.outputsLost, event.taskErrors);
        break;
      case 'CancelJob': {
        const job = this.jobs.get(event.jobId);
        if (job) this.endJob(job, { kind: 'cancelled', reason: event.reason });
        break;
      }
      case 'AbortJob': {
        const job = this.jobs.get(event.jobId);
        if (job) this.endJob(job, { kind: 'internal', message: event.message });
        break;
      }
      case 'ShuffleRemoved':
        this.onShuffleRemoved(event.shuffleId);
        break;
      case 'CacheRemoved':
        this.cached.delete(event.nodeId);
        break;
    }
    this.requestWake();
    const out = this.out;
    this.out = [];
    return out;
  }

  // ---- read-only views ----

  /** Tasks holding a slot (killed ones included until the backend reports them), by taskId. */
  runningTasks(): TaskSpec[] {
    return [...this.tasks.values()].map((r) => ({ ...r.spec }));
  }

  idleSlots(): number {
    let n = 0;
    for (const w of this.workers.values()) n += Math.max(0, w.slots - w.tasks.size);
    return n;
  }

  isShuffleAvailable(shuffleId: number): boolean {
    return this.shuffles.get(shuffleId)?.available ?? false;
  }

  /** The worker holding partition `partition` of cached node `nodeId`, if one does. */
  cachedAt(nodeId: number, partition: number): WorkerId | undefined {
    return this.cached.get(nodeId)?.get(partition);
  }

  // ---- events ----

  private onJobSubmitted(spec: JobSpec): void {
    if (this.jobs.has(spec.jobId)) throw new Error(`Scheduler: job ${spec.jobId} is already active`);
    const problem = validateJob(spec, this.shuffles);
    if (problem) {
      this.emit({ type: 'JobFailed', jobId: spec.jobId, error: { kind: 'internal', message: `Invalid job: ${problem}` } });
      return;
    }
    for (const s of spec.stages) {
      if (s.shuffleId !== undefined && !this.shuffles.has(s.shuffleId)) {
        this.shuffles.set(s.shuffleId, new ShuffleState(s.numPartitions));
      }
    }
    const job = new JobState(spec);
    if (job.partitions.length === 0) {
      // Nothing to compute (e.g. take(0)): parents are not needed either.
      this.emit({ type: 'JobSucceeded', jobId: spec.jobId });
      return;
    }
    this.jobs.set(job.id, job);
    this.advanceAll();
    this.launch();
  }

  private onTaskFinished(taskId: number, cached: Array<{ nodeId: number; partition: number }> | undefined): void {
    const rec = this.tasks.get(taskId);
    if (!rec) return this.lateReport(taskId);
    const job = this.release(rec);
    if (!job) {
      this.emit({ type: 'DiscardTask', task: { ...rec.spec } });
      return this.launch();
    }
    const st = job.stages.get(rec.spec.stageId)!;
    const p = rec.spec.partition;
    if (this.needs(job, st, p)) {
      this.emit({ type: 'AcceptTask', task: { ...rec.spec }, worker: rec.worker });
      st.times.add(this.now - rec.launchedAt);
      if (st.speculated.has(p)) this.killCopies(job, st, p);
      for (const c of cached ?? []) this.recordCached(c.nodeId, c.partition, rec.worker);
      if (st.isFinal) st.accepted.add(p);
      else this.recordMapOutput(st.spec.shuffleId!, p, rec.worker);
    } else {
      // A duplicate: another task (maybe of another job's stage for the same shuffle) got there first.
      this.emit({ type: 'DiscardTask', task: { ...rec.spec } });
    }
    this.advanceAll();
    this.launch();
  }

  private onTaskFailed(taskId: number, error: TaskErrorInfo, fetchFailed: FetchFailure | undefined): void {
    const rec = this.tasks.get(taskId);
    if (!rec) return this.lateReport(taskId);
    const job = this.release(rec);
    if (!job) {
      this.emit({ type: 'DiscardTask', task: { ...rec.spec } });
      return this.launch();
    }
    const st = job.stages.get(rec.spec.stageId)!;
    if (fetchFailed) this.fetchFailed(job, st, rec, error, fetchFailed);
    else this.taskFailed(job, st, rec, error);
    this.advanceAll();
    this.launch();
  }

  private onWorkerJoined(worker: WorkerId, slots: number, host = 'localhost'): void {
    const known = this.workers.get(worker);
    // A second join of a live worker just updates its slot count.
    if (known) known.slots = slots;
    else this.workers.set(worker, { slots, host, tasks: new Set() });
    this.launch();
  }

  private onWorkerLost(worker: WorkerId, reason: string, outputsLost: boolean, taskErrors: Record<number, TaskErrorInfo> | undefined): void {
    const w = this.workers.get(worker);
    if (!w) return;
    this.workers.delete(worker);
    // Detach every task first, so a job failing below does not try to kill tasks on the dead worker.
    const lost: Array<{ rec: TaskRecord; job: JobState | undefined }> = [];
    for (const id of [...w.tasks].sort((a, b) => a - b)) {
      const rec = this.tasks.get(id)!;
      lost.push({ rec, job: this.release(rec) });
      this.rememberOrphan(rec.spec);
    }
    for (const { rec, job } of lost) {
      if (!job || !this.jobs.has(job.id)) continue; // killed, or its job failed earlier in this loop
      const { stageId, partition, attempt } = rec.spec;
      const message = `Worker ${worker} was lost: ${reason}`;
      this.taskFailed(job, job.stages.get(stageId)!, rec, taskErrors?.[rec.spec.taskId] ?? {
        operator: 'worker',
        stageId,
        partition,
        attempt,
        errorName: 'WorkerLost',
        message,
        stack: message,
        internal: true,
      });
    }
    if (outputsLost) {
      // Everything the worker held goes at once: map outputs (their stages run again) and cached
      // partitions (the next task reading one computes it from lineage).
      for (const shuffleId of [...this.shuffles.keys()].sort((a, b) => a - b)) {
        const sh = this.shuffles.get(shuffleId)!;
        const gone = [...sh.locs].filter(([, at]) => at === worker).map(([p]) => p);
        for (const p of gone.sort((a, b) => a - b)) this.loseMapOutput(shuffleId, p);
      }
      for (const nodeId of [...this.cached.keys()].sort((a, b) => a - b)) {
        const parts = this.cached.get(nodeId)!;
        const gone = [...parts].filter(([, at]) => at === worker).map(([p]) => p);
        for (const p of gone.sort((a, b) => a - b)) {
          parts.delete(p);
          this.emit({ type: 'CachedPartitionLost', nodeId, partition: p, worker });
        }
        if (parts.size === 0) this.cached.delete(nodeId);
      }
    }
    this.advanceAll();
    this.launch();
  }

  // ---- failures ----

  private taskFailed(job: JobState, st: StageState, rec: TaskRecord, error: TaskErrorInfo): void {
    const p = rec.spec.partition;
    // A failing duplicate of a partition that is already done is harmless: no count, no retry.
    if (!this.needs(job, st, p)) return;
    const failures = st.recordFailure(p, rec.worker);
    if (failures >= this.config.maxTaskFailures || error.fatal) {
      this.endJob(job, { kind: 'task', info: error, attempts: failures });
      return;
    }
    this.requeue(job, st, p);
  }

  private fetchFailed(
    job: JobState,
    st: StageState,
    rec: TaskRecord,
    error: TaskErrorInfo,
    { shuffleId, mapPartition, lost }: FetchFailure,
  ): void {
    this.loseMapOutput(shuffleId, mapPartition);
    // Every other output found lost goes too, so one resubmission of the map stage recomputes them all.
    for (const p of lost ?? []) this.loseMapOutput(shuffleId, p);
    // Only a failure of the current attempt counts; stragglers of older attempts do not.
    if (rec.stageAttempt === st.attempt && !st.fetchFailedAttempts.has(st.attempt)) {
      st.fetchFailedAttempts.add(st.attempt);
      const n = st.fetchFailedAttempts.size;
      if (n >= this.config.maxStageAttempts) {
        const message =
          `Stage ${st.spec.stageId} of job ${job.id} failed ${n} time(s) fetching shuffle ${shuffleId} ` +
          `(map partition ${mapPartition}); last error: ${error.errorName}: ${error.message}`;
        this.endJob(job, { kind: 'internal', message });
        return;
      }
      // Pause: its other running tasks may still finish; it resumes for the missing partitions
      // once the parent has recomputed the lost output.
      this.pause(st);
    }
    // A straggler's fetch failure while the stage keeps running: run that partition again.
    this.requeue(job, st, rec.spec.partition);
  }

  private loseMapOutput(shuffleId: number, p: number): void {
    const sh = this.shuffles.get(shuffleId);
    if (!sh || !sh.locs.delete(p)) return;
    this.emit({ type: 'MapOutputLost', shuffleId, mapPartition: p });
    // Stages still running for this shuffle must compute it again.
    for (const job of this.jobs.values()) {
      for (const st of job.order) if (st.spec.shuffleId === shuffleId) this.requeue(job, st, p);
    }
  }

  /** Forgets a shuffle no active job reads or writes; one still in use is kept. */
  private onShuffleRemoved(shuffleId: number): void {
    if (!this.shuffleInUse(shuffleId)) this.shuffles.delete(shuffleId);
  }

  /** Whether a stage of an active job writes this shuffle (its outputs may still be read). */
  shuffleInUse(shuffleId: number): boolean {
    for (const job of this.jobs.values()) for (const st of job.order) if (st.spec.shuffleId === shuffleId) return true;
    return false;
  }

  /** The first copy of a cached partition is kept (the driver frees later duplicates). */
  private recordCached(nodeId: number, p: number, worker: WorkerId): void {
    let parts = this.cached.get(nodeId);
    if (!parts) this.cached.set(nodeId, (parts = new Map()));
    if (!parts.has(p)) parts.set(p, worker);
  }

  private recordMapOutput(shuffleId: number, p: number, worker: WorkerId): void {
    this.shuffles.get(shuffleId)!.locs.set(p, worker);
    // Other jobs' stages for the same shuffle need not compute this partition any more.
    for (const job of this.jobs.values()) {
      for (const st of job.order) if (st.spec.shuffleId === shuffleId) st.queue.remove(p);
    }
  }

  // ---- stage graph ----

  private advanceAll(): void {
    for (const job of [...this.jobs.values()]) this.advance(job);
  }

  /**
   * Brings one job's stages in line with what is available, depth first from the
   * result stage, so parents are completed/submitted before their children look.
   * Every parent is visited (no short-circuit) so independent missing parents run in parallel.
   */
  private advance(job: JobState): void {
    const memo = new Map<StageState, boolean>();
    const visit = (st: StageState): boolean => {
      const seen = memo.get(st);
      if (seen !== undefined) return seen;
      memo.set(st, false);
      let ready: boolean;
      if (this.isComplete(job, st)) {
        this.complete(job, st);
        ready = true;
      } else {
        if (st.status === 'done') st.status = 'waiting'; // a complete map stage lost outputs
        let parentsReady = true;
        for (const pid of this.parentsNeeded(job, st)) if (!visit(job.stages.get(pid)!)) parentsReady = false;
        if (st.status === 'waiting' && parentsReady) this.submit(job, st);
        else if (st.status === 'running' && !parentsReady) this.pause(st);
        ready = false;
      }
      memo.set(st, ready);
      return ready;
    };
    if (visit(job.final)) this.endJob(job, undefined);
  }

  /**
   * The stages `st` reads from: its shuffle parents, and those behind a cached node while a
   * partition of it that `st` still needs is not cached (lost with its worker: the task
   * computes it from lineage, which reads their shuffles).
   */
  private parentsNeeded(job: JobState, st: StageState): number[] {
    const behind = st.spec.cachedParents;
    if (!behind) return st.spec.parents;
    const lost = new Map<number, boolean>();
    for (const c of behind) lost.set(c.nodeId, this.cacheLost(job, st, c.nodeId, c.numPartitions));
    const out = [...st.spec.parents];
    for (const c of behind) if (lost.get(c.nodeId) && (c.under === undefined || lost.get(c.under))) out.push(...c.parents);
    return out;
  }

  /** Whether a partition of cached node `nodeId` that `st` still needs is not cached (every one, for a node partitioned otherwise). */
  private cacheLost(job: JobState, st: StageState, nodeId: number, numPartitions: number): boolean {
    const parts = this.cached.get(nodeId);
    if (parts && parts.size >= numPartitions) return false; // the usual case: O(1)
    if (numPartitions !== st.spec.numPartitions) return true;
    const pending = st.isFinal ? job.partitions.filter((p) => !st.accepted.has(p)) : range(numPartitions).filter((p) => this.needs(job, st, p));
    return pending.some((p) => !parts?.has(p));
  }

  private isComplete(job: JobState, st: StageState): boolean {
    return st.isFinal ? st.accepted.size === job.partitions.length : this.shuffles.get(st.spec.shuffleId!)!.available;
  }

  /** Marks a stage done; a map stage never submitted is thereby skipped, silently. */
  private complete(job: JobState, st: StageState): void {
    if (st.open) this.emit({ type: 'StageCompleted', jobId: job.id, stageId: st.spec.stageId });
    st.open = false;
    st.status = 'done';
    st.queue.clear();
  }

  private submit(job: JobState, st: StageState): void {
    st.attempt += 1;
    st.status = 'running';
    st.open = true;
    const missing = st.isFinal
      ? job.partitions.filter((p) => !st.accepted.has(p))
      : range(st.spec.numPartitions).filter((p) => !this.shuffles.get(st.spec.shuffleId!)!.locs.has(p));
    this.emit({ type: 'StageSubmitted', jobId: job.id, stageId: st.spec.stageId, numTasks: missing.length, attempt: st.attempt });
    st.level = st.spec.cachedNodes ? WORKER_LOCAL : st.spec.hosts ? HOST_LOCAL : ANY;
    st.levelSince = this.now;
    // Partitions still running from an earlier attempt are not launched twice.
    const fresh = missing.filter((p) => !st.inflight.has(p));
    // A partition run again (its output lost) may get a copy again, as in its first attempt.
    for (const p of fresh) {
      st.speculated.delete(p);
      st.speculatable.delete(p);
    }
    st.queue = new PartitionQueue(fresh);
  }

  private pause(st: StageState): void {
    if (st.status !== 'running') return;
    st.status = 'waiting';
    st.queue.clear();
  }

  /** Whether partition `p` of `st` still lacks an accepted result. */
  private needs(job: JobState, st: StageState, p: number): boolean {
    if (st.isFinal) return job.wanted.has(p) && !st.accepted.has(p);
    return !this.shuffles.get(st.spec.shuffleId!)!.locs.has(p);
  }

  /** Queues `p` again if its stage is running and nothing else is computing it. */
  private requeue(job: JobState, st: StageState, p: number): void {
    if (st.status === 'running' && !st.inflight.has(p) && this.needs(job, st, p)) st.queue.insert(p);
  }

  /** Ends a job: success when `failure` is undefined. Its remaining tasks are killed. */
  private endJob(job: JobState, failure: JobFailure | undefined): void {
    for (const rec of this.tasks.values()) {
      if (rec.spec.jobId === job.id && !rec.killed) {
        rec.killed = true;
        this.emit({ type: 'KillTask', taskId: rec.spec.taskId, worker: rec.worker });
      }
    }
    this.jobs.delete(job.id);
    this.emit(failure ? { type: 'JobFailed', jobId: job.id, error: failure } : { type: 'JobSucceeded', jobId: job.id });
  }

  // ---- tasks and slots ----

  /**
   * Launches queued tasks FIFO (job submission order, then stage id, then partition) on free
   * slots, then speculative copies of stragglers. A stage waiting for local slots lets later
   * stages use the free ones meanwhile.
   */
  private launch(): void {
    if (this.config.speculation) this.findStragglers();
    for (const job of this.jobs.values()) {
      for (const st of job.order) {
        if (st.status !== 'running') continue;
        if (!this.launchStage(job, st) || !this.launchCopies(job, st)) return; // no free slot anywhere
      }
    }
  }

  /** Launches what it can of one stage's queue; false once no slot is free anywhere. */
  private launchStage(job: JobState, st: StageState): boolean {
    const allowed = this.allowedLevel(st);
    if (allowed === ANY) {
      while (st.queue.size > 0) {
        const p = st.queue.first()!;
        const place = placeTask(this.workers, this.preference(st, p), ANY, st.failedOn.get(p));
        if (place === undefined) return false;
        st.queue.takeFirst();
        this.placed(st, place);
        this.startTask(job, st, p, place.worker, false);
      }
      return true;
    }
    // Delay scheduling: a task whose preferred slot is busy waits (its stage's level allows no
    // further), the ones after it may still find theirs free.
    let waiting = false;
    for (const p of st.queue.peek(LOCALITY_SCAN)) {
      if (this.idleSlots() === 0) return false;
      const place = placeTask(this.workers, this.preference(st, p), st.level, st.failedOn.get(p));
      if (place === undefined) {
        waiting = true;
        continue;
      }
      if (st.queue.first() === p) st.queue.takeFirst();
      else st.queue.remove(p);
      this.placed(st, place);
      this.startTask(job, st, p, place.worker, false);
    }
    if (waiting) this.wakeBy(st.levelSince + this.config.localityWaitMs);
    return this.idleSlots() > 0;
  }

  /** A launch of a task with a preference sets its stage's level to the one it achieved (as Spark does): a local launch makes it wait again. */
  private placed(st: StageState, place: Placement): void {
    if (place.local && (place.level < st.level || st.level < ANY)) [st.level, st.levelSince] = [place.level, this.now];
  }

  /** The most remote level a stage's tasks may launch at now: one level further per locality wait without a local launch. */
  private allowedLevel(st: StageState): number {
    const wait = this.config.localityWaitMs;
    if (wait <= 0) return ANY;
    while (st.level < ANY && this.now - st.levelSince >= wait) {
      st.level++;
      st.levelSince += wait;
    }
    return st.level;
  }

  /** Where task `p` of a stage would rather run: the holder of its cached input, the hosts of its input file. */
  private preference(st: StageState, p: number): Preference {
    let worker: WorkerId | undefined;
    for (const nodeId of st.spec.cachedNodes ?? []) {
      worker = this.cached.get(nodeId)?.get(p);
      if (worker !== undefined) break;
    }
    return { worker, hosts: st.spec.hosts?.[p] };
  }

  private startTask(job: JobState, st: StageState, p: number, worker: WorkerId, speculative: boolean): void {
    const attempt = st.launches.get(p) ?? 0;
    st.launches.set(p, attempt + 1);
    const spec: TaskSpec = { taskId: this.nextTaskId++, jobId: job.id, stageId: st.spec.stageId, partition: p, attempt, ...(speculative ? { speculative } : {}) };
    this.tasks.set(spec.taskId, { spec, worker, stageAttempt: st.attempt, killed: false, launchedAt: this.now });
    this.workers.get(worker)!.tasks.add(spec.taskId);
    st.addInflight(p, 1);
    this.emit({ type: 'LaunchTask', task: { ...spec }, worker });
  }

  // ---- speculation ----

  /** Marks running tasks slower than their stage's threshold as stragglers; asks to wake when the next one would be. */
  private findStragglers(): void {
    const cfg = this.config.speculation!;
    for (const rec of this.tasks.values()) {
      const { jobId, stageId, partition: p, speculative } = rec.spec;
      if (rec.killed || speculative) continue;
      const job = this.jobs.get(jobId)!;
      const st = job.stages.get(stageId)!;
      if (st.status !== 'running' || st.speculated.has(p) || st.speculatable.has(p) || (st.inflight.get(p) ?? 0) > 1) continue;
      // Cheap checks first: the median is only sorted for a task past minMs.
      const total = st.isFinal ? job.partitions.length : st.spec.numPartitions;
      const threshold = this.now - rec.launchedAt > cfg.minMs ? st.times.threshold(cfg, total) : undefined;
      if (threshold === undefined) {
        if (st.times.count > 0 && st.times.count >= Math.floor(cfg.quantile * total)) this.wakeBy(rec.launchedAt + cfg.minMs + 1);
      } else if (this.now - rec.launchedAt > threshold) {
        st.speculatable.add(p);
      } else {
        this.wakeBy(rec.launchedAt + threshold + 1);
      }
    }
  }

  /** Launches a copy of each straggler of a stage, on a worker not running it; false once no slot is free anywhere. */
  private launchCopies(job: JobState, st: StageState): boolean {
    for (const p of [...st.speculatable]) {
      // Done meanwhile, or its only copy failed (then it is queued again as usual).
      if (!this.needs(job, st, p) || !st.inflight.has(p)) {
        st.speculatable.delete(p);
        continue;
      }
      const running = new Set<WorkerId>();
      for (const rec of this.tasks.values()) if (!rec.killed && rec.spec.jobId === job.id && rec.spec.stageId === st.spec.stageId && rec.spec.partition === p) running.add(rec.worker);
      const worker = pickAny(this.workers, st.failedOn.get(p), running);
      if (worker === undefined) {
        if (this.idleSlots() === 0) return false;
        continue;
      }
      st.speculatable.delete(p);
      st.speculated.add(p);
      this.startTask(job, st, p, worker, true);
    }
    return true;
  }

  /** A partition's result was accepted: its other copies are killed (their outputs will be discarded). */
  private killCopies(job: JobState, st: StageState, p: number): void {
    for (const rec of this.tasks.values()) {
      const s = rec.spec;
      if (rec.killed || s.jobId !== job.id || s.stageId !== st.spec.stageId || s.partition !== p) continue;
      rec.killed = true;
      st.addInflight(p, -1);
      this.emit({ type: 'KillTask', taskId: s.taskId, worker: rec.worker });
    }
  }

  // ---- timers ----

  private wakeBy(at: number): void {
    if (this.nextWake === undefined || at < this.nextWake) this.nextWake = at;
  }

  /** Emits WakeAt for the earliest time this event's launch round asked for, unless an earlier wake is pending. */
  private requestWake(): void {
    const at = this.nextWake;
    if (at === undefined) return;
    if (this.wakeAt !== undefined && this.wakeAt > this.now && this.wakeAt <= at) return;
    this.wakeAt = at;
    this.emit({ type: 'WakeAt', at });
  }

  /** Frees the task's slot; returns its job when the task was still live (not killed, job active). */
  private release(rec: TaskRecord): JobState | undefined {
    this.tasks.delete(rec.spec.taskId);
    this.workers.get(rec.worker)?.tasks.delete(rec.spec.taskId);
    if (rec.killed) return undefined;
    const job = this.jobs.get(rec.spec.jobId);
    job?.stages.get(rec.spec.stageId)?.addInflight(rec.spec.partition, -1);
    return job;
  }

  private rememberOrphan(spec: TaskSpec): void {
    this.orphans.set(spec.taskId, spec);
    if (this.orphans.size > ORPHAN_MEMORY) this.orphans.delete(this.orphans.keys().next().value!);
  }

  /** A report for a task that holds no slot: lost with its worker (discard it) or unknown (ignore). */
  private lateReport(taskId: number): void {
    const spec = this.orphans.get(taskId);
    if (!spec) return;
    this.orphans.delete(taskId);
    this.emit({ type: 'DiscardTask', task: { ...spec } });
  }

  private emit(cmd: SchedulerCommand): void {
    this.out.push(cmd);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
