import assert from 'node:assert/strict';
import { seededRandom } from '../../src/util/random.js';
import type {
  JobFailure,
  JobSpec,
  SchedulerCommand,
  SchedulerConfig,
  SchedulerEvent,
  StageSpec,
  WorkerId,
} from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { TaskErrorInfo } from '../../src/util/errors.js';

/**
 * A fake backend driving a Scheduler with random (seeded) timing: tasks finish in
 * random order, some fail transiently, workers die (and new ones join), and reduce
 * tasks report fetch failures when a map output they read has vanished. It checks
 * the scheduler's commands against what a real backend would see as it goes.
 */

export interface SimOptions {
  seed: number;
  jobs: JobSpec[];
  workers: Array<{ id: WorkerId; slots: number }>;
  /** Worker losses to inject in total. */
  maxLosses: number;
  /** Transient failures to inject per (stage, partition). */
  failuresPerPartition: number;
  failProbability: number;
  /** Chance per step that a worker dies (while losses remain). */
  lossProbability?: number;
  config?: Partial<SchedulerConfig>;
  maxSteps?: number;
  /** A lost worker comes back under its own id (as a replaced worker thread does), and keeps its outputs. */
  rejoinSameId?: boolean;
  /** A fetch failure lists every missing output of the shuffle (`lost`), as the driver does after checking them. */
  reportAllLost?: boolean;
  /** Events carry a clock (10 ms a step), and Ticks answer WakeAt commands (for speculation and locality waits). */
  clock?: boolean;
}

export interface SimResult {
  outcomes: Map<number, 'ok' | JobFailure>;
  /** Per job: final partition → number of AcceptTask commands. */
  accepted: Map<number, Map<number, number>>;
  /** Every event and the commands it produced, for determinism checks. */
  log: Array<{ event: SchedulerEvent; commands: SchedulerCommand[] }>;
  scheduler: Scheduler;
  liveSlots: number;
}

interface SimTask {
  taskId: number;
  jobId: number;
  stageId: number;
  partition: number;
  worker: WorkerId;
  killed: boolean;
}


export function runSimulation(opts: SimOptions): SimResult {
  const rand = seededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const scheduler = new Scheduler(opts.config);
  const log: SimResult['log'] = [];

  const stages = new Map<number, StageSpec>();
  const finalStages = new Set<number>();
  for (const job of opts.jobs) {
    for (const s of job.stages) stages.set(s.stageId, s);
    finalStages.add(job.finalStageId);
  }
  const workers = new Map<WorkerId, { slots: number; tasks: Set<number> }>();
  const running = new Map<number, SimTask>();
  const orphans: number[] = []; // tasks lost with their worker: may still be reported late
  const outputs = new Map<number, Map<number, WorkerId>>();
  const injected = new Map<string, number>();
  const accepted = new Map<number, Map<number, number>>();
  const outcomes = new Map<number, 'ok' | JobFailure>();
  const toSubmit = [...opts.jobs];
  const toJoin: Array<{ id: WorkerId; slots: number }> = [...opts.workers];
  let lossesLeft = opts.maxLosses;
  let nextWorker = opts.workers.length;
  let step = 0;
  let wake: number | undefined;

  const parentsAvailable = (stageId: number): boolean =>
    stages.get(stageId)!.parents.every((pid) => {
      const parent = stages.get(pid)!;
      return (outputs.get(parent.shuffleId!)?.size ?? 0) === parent.numPartitions;
    });

  const apply = (cmd: SchedulerCommand): void => {
    switch (cmd.type) {
      case 'LaunchTask': {
        const w = workers.get(cmd.worker);
        assert.ok(w, `launch on unknown worker ${cmd.worker}`);
        assert.ok(w.tasks.size < w.slots, `worker ${cmd.worker} over its ${w.slots} slots`);
        assert.ok(!outcomes.has(cmd.task.jobId), `launch for finished job ${cmd.task.jobId}`);
        assert.ok(parentsAvailable(cmd.task.stageId), `stage ${cmd.task.stageId} launched before its parents completed`);
        assert.ok(!running.has(cmd.task.taskId), `task id ${cmd.task.taskId} reused`);
        w.tasks.add(cmd.task.taskId);
        running.set(cmd.task.taskId, { ...cmd.task, worker: cmd.worker, killed: false });
        break;
      }
      case 'KillTask': {
        const t = running.get(cmd.taskId);
        assert.ok(t && t.worker === cmd.worker, `kill of task ${cmd.taskId} not running on ${cmd.worker}`);
        t.killed = true;
        break;
      }
      case 'AcceptTask': {
        const s = stages.get(cmd.task.stageId)!;
        if (finalStages.has(s.stageId)) {
          const m = accepted.get(cmd.task.jobId) ?? new Map<number, number>();
          accepted.set(cmd.task.jobId, m);
          m.set(cmd.task.partition, (m.get(cmd.task.partition) ?? 0) + 1);
        } else {
          const m = outputs.get(s.shuffleId!) ?? new Map<number, WorkerId>();
          outputs.set(s.shuffleId!, m);
          m.set(cmd.task.partition, cmd.worker);
        }
        break;
      }
      case 'MapOutputLost':
        assert.ok(outputs.get(cmd.shuffleId)?.delete(cmd.mapPartition), `lost unknown output ${cmd.shuffleId}/${cmd.mapPartition}`);
        break;
      case 'StageSubmitted':
        assert.ok(parentsAvailable(cmd.stageId), `stage ${cmd.stageId} submitted before its parents completed`);
        break;
      case 'JobSucceeded':
      case 'JobFailed':
        assert.ok(!outcomes.has(cmd.jobId), `job ${cmd.jobId} ended twice`);
        outcomes.set(cmd.jobId, cmd.type === 'JobSucceeded' ? 'ok' : cmd.error);
        break;
      case 'WakeAt':
        wake = cmd.at;
        break;
      case 'DiscardTask':
      case 'StageCompleted':
        break;
    }
  };

  const send = (event: SchedulerEvent): void => {
    const commands = opts.clock ? scheduler.handle(event, step * 10) : scheduler.handle(event);
    log.push({ event, commands });
    for (const c of commands) apply(c);
  };

  const error = (t: SimTask, message: string): TaskErrorInfo => ({
    operator: 'map',
    stageId: t.stageId,
    partition: t.partition,
    attempt: 0,
    errorName: 'Error',
    message,
    stack: `Error: ${message}`,
  });

  const finishTask = (t: SimTask): void => {
    running.delete(t.taskId);
    workers.get(t.worker)!.tasks.delete(t.taskId);
    if (t.killed) {
      send(rand() < 0.5 ? { type: 'TaskFinished', taskId: t.taskId } : { type: 'TaskFailed', taskId: t.taskId, error: error(t, 'killed') });
      return;
    }
    for (const pid of stages.get(t.stageId)!.parents) {
      const parent = stages.get(pid)!;
      const have = outputs.get(parent.shuffleId!);
      const missing = [...Array(parent.numPartitions).keys()].filter((mp) => !have?.has(mp));
      if (missing.length > 0) {
        const fetchFailed = { shuffleId: parent.shuffleId!, mapPartition: missing[0]!, ...(opts.reportAllLost ? { lost: missing } : {}) };
        send({ type: 'TaskFailed', taskId: t.taskId, error: error(t, 'fetch failed'), fetchFailed });
        return;
      }
    }
    const key = `${t.stageId}:${t.partition}`;
    const n = injected.get(key) ?? 0;
    if (n < opts.failuresPerPartition && rand() < opts.failProbability) {
      injected.set(key, n + 1);
      send({ type: 'TaskFailed', taskId: t.taskId, error: error(t, `transient ${n}`) });
      return;
    }
    send({ type: 'TaskFinished', taskId: t.taskId });
  };

  const maxSteps = opts.maxSteps ?? 100_000;
  for (; ; step++) {
    assert.ok(step < maxSteps, 'simulation did not settle');
    const actions: Array<() => void> = [];
    if (toSubmit.length > 0) actions.push(() => send({ type: 'JobSubmitted', job: toSubmit.shift()! }));
    if (toJoin.length > 0) {
      actions.push(() => {
        const w = toJoin.shift()!;
        workers.set(w.id, { slots: w.slots, tasks: new Set() });
        send({ type: 'WorkerJoined', worker: w.id, slots: w.slots });
      });
    }
    if (running.size > 0) {
      // Completions are the common case: weight them up.
      const complete = () => finishTask(pick([...running.values()]));
      actions.push(complete, complete, complete, complete);
    }
    if (lossesLeft > 0 && workers.size > 0 && rand() < (opts.lossProbability ?? 0.1)) {
      actions.push(() => {
        lossesLeft--;
        const id = pick([...workers.keys()]);
        for (const taskId of workers.get(id)!.tasks) {
          running.delete(taskId);
          orphans.push(taskId);
        }
        const slots = workers.get(id)!.slots;
        workers.delete(id);
        send({ type: 'WorkerLost', worker: id, reason: 'simulated crash', outputsLost: !opts.rejoinSameId && rand() < 0.7 });
        toJoin.push(opts.rejoinSameId ? { id, slots } : { id: `w${nextWorker++}`, slots: 1 + Math.floor(rand() * 3) });
      });
    }
    if (orphans.length > 0 && rand() < 0.1) {
      actions.push(() => {
        const taskId = orphans.splice(Math.floor(rand() * orphans.length), 1)[0]!;
        send({ type: 'TaskFinished', taskId });
      });
    }
    if (wake !== undefined && step * 10 >= wake) {
      actions.push(() => {
        wake = undefined;
        send({ type: 'Tick' });
      });
    }
    if (actions.length === 0) {
      if (wake === undefined) break;
      continue; // time passes until the wake
    }
    pick(actions)();
  }

  let liveSlots = 0;
  for (const w of workers.values()) liveSlots += w.slots;
  return { outcomes, accepted, log, scheduler, liveSlots };
}
