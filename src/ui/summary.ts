import type { Listener, SluiceEvent, WorkerView } from '../scheduler/bus.js';
import { formatBytes } from '../util/bytes.js';

/** What one stage did in one job. */
export interface StageSummary {
  jobId: number;
  stageId: number;
  name: string;
  numTasks: number;
  /** Output of the shuffle already existed, so the stage did not run. */
  skipped: boolean;
  completed: boolean;
  /** Task attempts launched (retries and speculative copies included). */
  attempts: number;
  tasksSucceeded: number;
  failures: number;
  records: number;
  shuffleReadBytes: number;
  shuffleWriteBytes: number;
  spilledBytes: number;
  /** From first submission to completion (or to the job's end, if it never completed). */
  startTime?: number;
  endTime?: number;
}

/** A worker over the run: what it announced, what it held when last reported, the task attempts it ran. */
export interface WorkerSummary extends WorkerView {
  tasks: number;
  failures: number;
  /** Why it was lost, if it was (a worker that joins again under its id is live again). */
  lost?: string;
}

export interface JobInfo {
  jobId: number;
  description: string;
  startTime: number;
  endTime?: number;
  ok?: boolean;
  error?: string;
}

/**
 * A bus listener that records per-job and per-stage metrics and prints them as
 * a compact table: what ran, what was skipped, how long it took, how many bytes
 * were shuffled and spilled.
 *
 * ```ts
 * const summary = new JobSummary();
 * const off = session.on(summary.listener);
 * await job(); off();
 * console.error(summary.format());
 * ```
 */
export class JobSummary {
  readonly jobs = new Map<number, JobInfo>();
  /** Keyed by `jobId:stageId`: a skipped stage appears under the job that skipped it. */
  readonly stages = new Map<string, StageSummary>();
  /** Every worker seen (joined, reported, or named by a task), live or lost. */
  readonly workers = new Map<string, WorkerSummary>();

  /** Subscribes to `session`; returns the unsubscribe function. */
  attach(session: { on(l: Listener): () => void }): () => void {
    return session.on(this.listener);
  }

  /** The listener itself (bound), for `session.on(summary.listener)`. */
  readonly listener: Listener = (e) => this.onEvent(e);

  private stage(jobId: number, stageId: number): StageSummary | undefined {
    return this.stages.get(`${jobId}:${stageId}`);
  }

  private worker(id: string): WorkerSummary {
    let w = this.workers.get(id);
    // Named by a task before any worker event reached this listener: what it offers is unknown yet.
    if (!w) this.workers.set(id, (w = { worker: id, host: '?', cores: 0, memory: 0, blocks: 0, memoryHeld: 0, diskHeld: 0, tasks: 0, failures: 0 }));
    return w;
  }

  private onEvent(e: SluiceEvent): void {
    switch (e.type) {
      case 'workerJoined':
        Object.assign(this.worker(e.worker.worker), e.worker, { lost: undefined });
        return;
      case 'workerStatus':
        for (const v of e.workers) Object.assign(this.worker(v.worker), v);
        return;
      case 'workerLost':
        Object.assign(this.worker(e.worker), { lost: e.reason, blocks: 0, memoryHeld: 0, diskHeld: 0 });
        return;
      case 'jobStart':
        this.jobs.set(e.jobId, { jobId: e.jobId, description: e.description, startTime: e.time });
        for (const s of e.stages) {
          this.stages.set(`${e.jobId}:${s.stageId}`, {
            jobId: e.jobId, stageId: s.stageId, name: s.name, numTasks: s.numTasks, skipped: !!s.skipped, completed: false,
            attempts: 0, tasksSucceeded: 0, failures: 0, records: 0, shuffleReadBytes: 0, shuffleWriteBytes: 0, spilledBytes: 0,
          });
        }
        return;
      case 'stageSubmitted': {
        const s = this.stage(e.jobId, e.stageId);
        if (!s) return;
        s.skipped = false; // lost shuffle output makes a "skipped" stage run after all
        s.startTime ??= e.time;
        s.numTasks = Math.max(s.numTasks, e.numTasks);
        return;
      }
      case 'taskStart': {
        const s = this.stage(e.jobId, e.stageId);
        if (s) s.attempts++;
        return;
      }
      case 'taskEnd': {
        const w = this.worker(e.worker);
        w.tasks++;
        if (!e.ok) w.failures++;
        const s = this.stage(e.jobId, e.stageId);
        if (!s) return;
        if (!e.ok) s.failures++;
        else if (e.metrics) {
          s.tasksSucceeded++;
          s.records += e.metrics.recordsRead;
          s.shuffleReadBytes += e.metrics.shuffleReadBytes;
          s.shuffleWriteBytes += e.metrics.shuffleWriteBytes;
          s.spilledBytes += e.metrics.spilledBytes;
        } else s.tasksSucceeded++;
        return;
      }
      case 'stageCompleted': {
        const s = this.stage(e.jobId, e.stageId);
        if (!s) return;
        s.completed = true;
        s.endTime = e.time;
        return;
      }
      case 'jobEnd': {
        const j = this.jobs.get(e.jobId);
        if (j) Object.assign(j, { endTime: e.time, ok: e.ok, error: e.error });
        for (const s of this.stages.values()) if (s.jobId === e.jobId && s.startTime !== undefined) s.endTime ??= e.time;
        return;
      }
    }
  }

  /** Sums over every stage that ran. */
  totals(): { jobs: number; failedJobs: number; stagesRun: number; stagesSkipped: number; stagesNotStarted: number; tasks: number; failures: number; records: number; shuffleReadBytes: number; shuffleWriteBytes: number; spilledBytes: number; wallMs: number } {
    const all = [...this.stages.values()];
    const ran = all.filter((s) => s.startTime !== undefined);
    const sum = (f: (s: StageSummary) => number) => ran.reduce((a, s) => a + f(s), 0);
    const jobs = [...this.jobs.values()];
    const start = Math.min(...jobs.map((j) => j.startTime));
    const end = Math.max(...jobs.map((j) => j.endTime ?? j.startTime));
    return {
      jobs: jobs.length,
      failedJobs: jobs.filter((j) => j.ok === false).length,
      stagesRun: ran.length,
      stagesSkipped: all.filter((s) => s.skipped).length,
      stagesNotStarted: all.filter((s) => !s.skipped && s.startTime === undefined).length,
      tasks: sum((s) => s.attempts),
      failures: sum((s) => s.failures),
      records: sum((s) => s.records),
      shuffleReadBytes: sum((s) => s.shuffleReadBytes),
      shuffleWriteBytes: sum((s) => s.shuffleWriteBytes),
      spilledBytes: sum((s) => s.spilledBytes),
      wallMs: jobs.length ? end - start : 0,
    };
  }

  /**
   * The table of stages run (in the order they started), a line naming the
   * skipped ones, and totals. Past `maxRows` stages the middle rows are elided.
   * `wallMs` overrides the measured time (e.g. the whole run, not just the jobs).
   */
  format(opts: { maxRows?: number; wallMs?: number } = {}): string {
    const t = this.totals();
    if (t.jobs === 0) return 'sluice: no jobs ran';
    const ran = [...this.stages.values()].filter((s) => s.startTime !== undefined).sort((a, b) => (a.startTime ?? Infinity) - (b.startTime ?? Infinity) || a.stageId - b.stageId);
    const skipped = [...this.stages.values()].filter((s) => s.skipped);
    const header = ['job', 'stage', 'tasks', 'failed', 'records', 'shuffle read', 'shuffle write', 'spill', 'time', 'name'];
    let rows = ran.map((s) => [
      String(s.jobId),
      String(s.stageId),
      s.completed ? `${s.numTasks}` : `${s.tasksSucceeded}/${s.numTasks}`,
      String(s.failures),
      s.records.toLocaleString('en-US'),
      formatBytes(s.shuffleReadBytes),
      formatBytes(s.shuffleWriteBytes),
      formatBytes(s.spilledBytes),
      s.startTime !== undefined && s.endTime !== undefined ? formatMs(s.endTime - s.startTime) : '-',
      s.completed ? s.name : `${s.name} (not completed)`,
    ]);
    const max = opts.maxRows ?? 40;
    if (rows.length > max) {
      const head = Math.ceil(max / 2);
      const elided = rows.length - max;
      rows = [...rows.slice(0, head), [`… ${elided} more stage${elided > 1 ? 's' : ''}`], ...rows.slice(rows.length - (max - head))];
    }
    const lines = [
      `sluice: ${t.jobs} job${t.jobs === 1 ? '' : 's'}${t.failedJobs ? ` (${t.failedJobs} failed)` : ''}, ${t.stagesRun} stage${t.stagesRun === 1 ? '' : 's'} run, ${t.stagesSkipped} skipped${t.stagesNotStarted ? `, ${t.stagesNotStarted} not started` : ''}, ${t.tasks} task attempts${t.failures ? ` (${t.failures} failed)` : ''}`,
      ...table(header, rows),
    ];
    if (skipped.length) lines.push(`skipped (shuffle output reused): ${skipped.map((s) => `stage ${s.stageId} [${s.name}]`).slice(0, 8).join(', ')}${skipped.length > 8 ? `, … ${skipped.length - 8} more` : ''}`);
    lines.push(...this.formatWorkers());
    lines.push(
      `total ${formatMs(opts.wallMs ?? t.wallMs)} · ${t.records.toLocaleString('en-US')} records · shuffle read ${formatBytes(t.shuffleReadBytes)}, write ${formatBytes(t.shuffleWriteBytes)} · spilled ${formatBytes(t.spilledBytes)}`,
    );
    return lines.join('\n');
  }

  /** The workers table: who ran how many attempts, what each holds (as last reported), who was lost and why. */
  private formatWorkers(): string[] {
    if (this.workers.size === 0) return [];
    const header = ['worker', 'host', 'cores', 'memory', 'tasks', 'failed', 'blocks', 'held in memory', 'on disk', 'state'];
    const rows = [...this.workers.values()].map((w) => [
      w.worker,
      w.host,
      w.cores ? String(w.cores) : '?',
      w.memory ? formatBytes(w.memory) : '?',
      String(w.tasks),
      String(w.failures),
      String(w.blocks),
      formatBytes(w.memoryHeld),
      formatBytes(w.diskHeld),
      w.lost === undefined ? 'live' : `lost: ${w.lost}`,
    ]);
    return ['workers:', ...table(header, rows)];
  }
}

/** `850 ms`, `3.21 s`, `2 min 05 s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Right-aligned columns but the last (the stage name); one-cell rows are printed as they are. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter((r) => r.length > 1).map((r) => r[i]!.length)));
  const line = (r: string[]) => `  ${r.length === 1 ? r[0] : r.map((c, i) => (i === r.length - 1 ? c : c.padStart(widths[i]!))).join('  ')}`;
  return [line(header), ...rows.map(line)];
}
