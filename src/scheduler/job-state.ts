import type { JobSpec, StageSpec, WorkerId } from './events.js';
import { PartitionQueue } from './partition-queue.js';
import { StageTimes } from './stage-times.js';
import { ANY } from './task-placement.js';

/**
 * Book-keeping the scheduler holds per job and per stage. Plain mutable data:
 * every transition lives in `scheduler.ts`, so the rules are read in one place.
 */

/**
 * - `waiting`: not submitted yet, or paused because a parent's output went missing
 *   (its running tasks may still finish and be accepted).
 * - `running`: submitted; queued partitions may be launched.
 * - `done`: every partition it has to compute is done (or it was skipped).
 */
export type StageStatus = 'waiting' | 'running' | 'done';

export class StageState {
  status: StageStatus = 'waiting';
  /** Attempt number of the latest submission; -1 before the first. */
  attempt = -1;
  /** A StageSubmitted was emitted and no StageCompleted yet (so the UI sees matching pairs). */
  open = false;
  /** Partitions waiting for a slot, ascending; only meaningful while `running`. */
  queue = new PartitionQueue();
  /** Live (not killed) tasks per partition: a partition with one is never queued twice. */
  readonly inflight = new Map<number, number>();
  /** Launches per partition: the next LaunchTask's `attempt`. */
  readonly launches = new Map<number, number>();
  /** Failures per partition that count toward maxTaskFailures (fetch failures do not). */
  readonly failures = new Map<number, number>();
  /** Workers each partition failed on, avoided by its retries when possible. */
  readonly failedOn = new Map<number, Set<WorkerId>>();
  /** Stage attempts that ended in a fetch failure (counted once per attempt, as Spark does). */
  readonly fetchFailedAttempts = new Set<number>();
  /** Result stage only: partitions whose result was accepted. */
  readonly accepted = new Set<number>();
  /** Delay scheduling: the locality level tasks may launch at, and since when (the clock of `handle`). */
  level = ANY;
  levelSince = 0;
  /** Durations of accepted tasks: the median speculation compares running tasks with. */
  readonly times = new StageTimes();
  /** Stragglers waiting for a slot for their copy. */
  readonly speculatable = new Set<number>();
  /** Partitions that got a copy (one each, as Spark does). */
  readonly speculated = new Set<number>();

  constructor(
    readonly spec: StageSpec,
    readonly isFinal: boolean,
  ) {}

  addInflight(p: number, delta: 1 | -1): void {
    const n = (this.inflight.get(p) ?? 0) + delta;
    if (n > 0) this.inflight.set(p, n);
    else this.inflight.delete(p);
  }

  /** Remembers a failure of partition `p` on `worker`; returns the new failure count. */
  recordFailure(p: number, worker: WorkerId): number {
    const n = (this.failures.get(p) ?? 0) + 1;
    this.failures.set(p, n);
    let on = this.failedOn.get(p);
    if (!on) this.failedOn.set(p, (on = new Set()));
    on.add(worker);
    return n;
  }
}

export class JobState {
  readonly id: number;
  readonly stages = new Map<number, StageState>();
  /** Stages in ascending id: the launch order within a job. */
  readonly order: StageState[];
  readonly final: StageState;
  /** The final stage's partitions to compute, ascending and deduplicated. */
  readonly partitions: number[];
  readonly wanted: Set<number>;

  constructor(readonly spec: JobSpec) {
    this.id = spec.jobId;
    for (const s of spec.stages) this.stages.set(s.stageId, new StageState(s, s.stageId === spec.finalStageId));
    this.order = [...this.stages.values()].sort((a, b) => a.spec.stageId - b.spec.stageId);
    this.final = this.stages.get(spec.finalStageId)!;
    this.wanted = new Set(spec.partitions);
    this.partitions = [...this.wanted].sort((a, b) => a - b);
  }
}

/** Where the scheduler believes each map output of one shuffle lives. Shared by all jobs. */
export class ShuffleState {
  readonly locs = new Map<number, WorkerId>();
  constructor(readonly numPartitions: number) {}
  get available(): boolean {
    return this.locs.size >= this.numPartitions;
  }
}

/**
 * Checks a submitted job against the contract; returns a message for the first
 * problem found, or undefined. A malformed job fails alone instead of corrupting
 * the scheduler's state (or hanging forever on a stage that can never run).
 */
export function validateJob(job: JobSpec, shuffles: ReadonlyMap<number, ShuffleState>): string | undefined {
  const byId = new Map<number, StageSpec>();
  const shuffleParts = new Map<number, number>();
  for (const s of job.stages) {
    if (byId.has(s.stageId)) return `stage ${s.stageId} is listed twice`;
    byId.set(s.stageId, s);
    if (!Number.isInteger(s.numPartitions) || s.numPartitions < 0) {
      return `stage ${s.stageId} has an invalid partition count ${s.numPartitions}`;
    }
    if (s.stageId === job.finalStageId) {
      if (s.shuffleId !== undefined) return `final stage ${s.stageId} must not write a shuffle`;
      continue;
    }
    if (s.shuffleId === undefined) return `stage ${s.stageId} is not the final stage but writes no shuffle`;
    const known = shuffles.get(s.shuffleId)?.numPartitions ?? shuffleParts.get(s.shuffleId);
    if (known !== undefined && known !== s.numPartitions) {
      return `shuffle ${s.shuffleId} has ${known} map partitions, but stage ${s.stageId} says ${s.numPartitions}`;
    }
    shuffleParts.set(s.shuffleId, s.numPartitions);
  }
  const final = byId.get(job.finalStageId);
  if (!final) return `final stage ${job.finalStageId} is not among the job's stages`;
  for (const p of job.partitions) {
    if (!Number.isInteger(p) || p < 0 || p >= final.numPartitions) {
      return `partition ${p} is out of range for final stage ${final.stageId} (${final.numPartitions} partitions)`;
    }
  }
  // Parents must exist, must not be the final stage, and must not form a cycle.
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (s: StageSpec): string | undefined => {
    state.set(s.stageId, 'visiting');
    for (const pid of [...s.parents, ...(s.cachedParents ?? []).flatMap((c) => c.parents)]) {
      const parent = byId.get(pid);
      if (!parent) return `stage ${s.stageId} reads stage ${pid}, which is not among the job's stages`;
      if (pid === job.finalStageId) return `stage ${s.stageId} reads the final stage ${pid}`;
      const st = state.get(pid);
      if (st === 'visiting') return `stages form a cycle through stage ${pid}`;
      if (st === undefined) {
        const problem = visit(parent);
        if (problem) return problem;
      }
    }
    state.set(s.stageId, 'done');
    return undefined;
  };
  for (const s of job.stages) {
    if (!state.has(s.stageId)) {
      const problem = visit(s);
      if (problem) return problem;
    }
  }
  return undefined;
}
