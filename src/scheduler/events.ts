import type { TaskErrorInfo } from '../util/errors.js';

/**
 * The scheduler is a pure state machine: the events below go in, the commands
 * below come out. It does no I/O and holds only ids; payloads (plans, blocks,
 * results) live with the driver, keyed by the same ids.
 */

export type WorkerId = string;

/** One stage of a job as the scheduler sees it: a task per partition. */
export interface StageSpec {
  stageId: number;
  /** Number of partitions (tasks) of the stage. */
  numPartitions: number;
  /** Stages whose shuffle output this stage reads. */
  parents: number[];
  /** Set for shuffle map stages: the shuffle this stage writes. Absent for the job's result stage. */
  shuffleId?: number;
  /**
   * Cached nodes whose partition p task p reads (or computes and stores): the worker holding
   * one is where task p prefers to run.
   */
  cachedNodes?: number[];
  /**
   * Hosts holding the input file task p reads (`hosts[p]`; absent: no preference): a worker on one
   * of them is where task p prefers to run when no worker holds a cached partition of it.
   */
  hosts?: ReadonlyArray<readonly string[] | undefined>;
  /**
   * Stages computing the input of a cached node this stage reads, fully cached when the job
   * was submitted: they run only if a partition of it the stage still needs is lost (with its
   * worker) before the stage is done. `under`: the cached node it is itself behind (it matters
   * only if that one is lost too).
   */
  cachedParents?: CachedParents[];
}

export interface CachedParents {
  nodeId: number;
  numPartitions: number;
  parents: number[];
  under?: number;
}

export interface JobSpec {
  jobId: number;
  /** The result stage. */
  finalStageId: number;
  /** Which partitions of the final stage to compute (all for most actions, a prefix for take()). */
  partitions: number[];
  /** Every stage the job may need, parents included; shuffle stages whose output is already available are skipped. */
  stages: StageSpec[];
}

export interface TaskSpec {
  taskId: number;
  jobId: number;
  stageId: number;
  partition: number;
  /** 0 for the first attempt of this partition in this job. */
  attempt: number;
  /** A copy of a straggler still running elsewhere: the first of the two to finish wins. */
  speculative?: boolean;
}

// ---- events in ----

export type SchedulerEvent =
  | { type: 'JobSubmitted'; job: JobSpec }
  /** `cached`: partitions of cached nodes the task stored on its worker (kept if the task is accepted). */
  | { type: 'TaskFinished'; taskId: number; cached?: Array<{ nodeId: number; partition: number }> }
  | {
      type: 'TaskFailed';
      taskId: number;
      error: TaskErrorInfo;
      /** Set when the task could not read a map output: that output is lost and its map task must run again. */
      fetchFailed?: FetchFailure;
    }
  /** `host`: the machine it runs on (workers on one host share its input files); absent: `localhost`. */
  | { type: 'WorkerJoined'; worker: WorkerId; slots: number; host?: string }
  /** Time passed (the driver's timer for a WakeAt): locality waits may have expired, stragglers appeared. */
  | { type: 'Tick' }
  | {
      type: 'WorkerLost';
      worker: WorkerId;
      reason: string;
      /** True when shuffle outputs written by this worker are gone with it. */
      outputsLost: boolean;
      /** What the backend knows of why each of its running tasks failed (by taskId); a generic WorkerLost error otherwise. */
      taskErrors?: Record<number, TaskErrorInfo>;
    }
  | { type: 'CancelJob'; jobId: number; reason: string }
  /** The job cannot run (no worker is left): it fails with `message`. */
  | { type: 'AbortJob'; jobId: number; message: string }
  /** Nothing can read this shuffle any more (its datasets were garbage-collected): forget its outputs. */
  | { type: 'ShuffleRemoved'; shuffleId: number }
  /** A cached node was unpersisted (or can no longer be reached): forget where its partitions are. */
  | { type: 'CacheRemoved'; nodeId: number };

/**
 * A reduce task could not read `mapPartition` of `shuffleId`. `lost` lists every
 * map output of that shuffle found unreadable when the failure was checked
 * (`mapPartition` among them), so that one stage attempt recomputes them all,
 * as Spark unregisters every output of a lost executor.
 */
export interface FetchFailure {
  shuffleId: number;
  mapPartition: number;
  lost?: number[];
}

// ---- commands out ----

export type SchedulerCommand =
  | { type: 'LaunchTask'; task: TaskSpec; worker: WorkerId }
  | { type: 'KillTask'; taskId: number; worker: WorkerId }
  /** The task's result is the first success for its partition: the driver keeps its output (map output, result, accumulator updates). */
  | { type: 'AcceptTask'; task: TaskSpec; worker: WorkerId }
  /** The task's result is not needed (duplicate, or its stage/job is no longer active): the driver discards its outputs. */
  | { type: 'DiscardTask'; task: TaskSpec }
  | { type: 'StageSubmitted'; jobId: number; stageId: number; numTasks: number; attempt: number }
  | { type: 'StageCompleted'; jobId: number; stageId: number }
  /** A shuffle map output is lost (worker lost, fetch failure); the driver forgets where it was. */
  | { type: 'MapOutputLost'; shuffleId: number; mapPartition: number }
  /** A cached partition was lost with its worker; the driver forgets it (the next task reading it computes it from lineage). */
  | { type: 'CachedPartitionLost'; nodeId: number; partition: number; worker: WorkerId }
  | { type: 'JobSucceeded'; jobId: number }
  | { type: 'JobFailed'; jobId: number; error: JobFailure }
  /** Send a Tick at time `at` (the clock `handle` is given): a locality wait ends, or a task may become a straggler then. */
  | { type: 'WakeAt'; at: number };

export type JobFailure =
  | { kind: 'task'; info: TaskErrorInfo; attempts: number }
  | { kind: 'cancelled'; reason: string }
  | { kind: 'internal'; message: string };

export interface SchedulerConfig {
  /** How many times one partition's task may fail before the job fails (Spark's spark.task.maxFailures). */
  maxTaskFailures: number;
  /** How many times a stage may be resubmitted after fetch failures before the job fails. */
  maxStageAttempts: number;
  /**
   * Delay scheduling: how long (ms) a stage waits for a free slot on the worker (then the host)
   * its tasks prefer before launching them elsewhere (Spark's spark.locality.wait). 0: never wait.
   */
  localityWaitMs: number;
  /** Speculative execution: off when absent. */
  speculation?: SpeculationConfig;
}

/**
 * Once `quantile` of a stage's tasks are done, a task running longer than `multiplier` × the
 * median time of the finished ones (and at least `minMs`) gets a copy on another worker.
 */
export interface SpeculationConfig {
  multiplier: number;
  quantile: number;
  minMs: number;
}
