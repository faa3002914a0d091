import cliProgress from 'cli-progress';
import type { Listener, SluiceEvent, WorkerView } from '../scheduler/bus.js';
import { formatBytes } from '../util/bytes.js';
import { describeHeld, describeWorker, joinedLine, lostLine, statusLines, tasksByWorker } from './worker-lines.js';

/** Anything with a bus: a Session, or a Driver's EventBus. */
export interface EventSource {
  on(l: Listener): () => void;
}

interface StageProgress {
  jobId: number;
  name: string;
  total: number;
  done: number;
  failed: number;
  records: number;
  shuffleBytes: number;
  started: number;
  /** Successful tasks per worker. */
  byWorker: Map<string, number>;
  bar?: cliProgress.SingleBar;
}

const NAME_WIDTH = 36;

/** Shortens a stage name to `width` characters, keeping its start (the source) and end (the last operator). */
export function truncateName(name: string, width = NAME_WIDTH): string {
  if (name.length <= width) return name.padEnd(width);
  const head = Math.ceil((width - 1) / 2);
  return `${name.slice(0, head)}…${name.slice(name.length - (width - 1 - head))}`;
}

/**
 * Shows job progress: on a TTY, one bar per running stage (tasks done/total,
 * records, shuffle bytes), removed when the stage completes, and under them one
 * line per worker (host, cores, memory, tasks running, blocks and bytes held);
 * elsewhere (pipes, CI logs) one line per completed stage naming the workers that
 * ran its tasks, and what the workers hold at most every `statusEveryMs` (30 s),
 * so logs stay readable. Workers joining and lost are a line each, either way.
 */
export function attachProgress(session: EventSource, opts: { stream?: NodeJS.WriteStream; tty?: boolean; statusEveryMs?: number } = {}): { stop(): void } {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? !!stream.isTTY;
  const statusEveryMs = opts.statusEveryMs ?? 30_000;
  const stages = new Map<number, StageProgress>();
  const workers = new Map<string, WorkerView>();
  /** Tasks running per worker. */
  const running = new Map<string, number>();
  const workerBars = new Map<string, cliProgress.SingleBar>();
  let lastStatus = -Infinity;
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          stream,
          format: 'stage {stage} {name} [{bar}] {value}/{total} tasks · {records} rec · shuffle {shuffle}{failed}',
          barsize: 20,
          hideCursor: true,
          clearOnComplete: true,
          // The CLI handles Ctrl-C itself; cli-progress's own SIGINT hook would race with it.
          gracefulExit: false,
          noTTYOutput: !stream.isTTY,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let active = false;

  const payload = (id: number, s: StageProgress) => ({
    stage: String(id).padStart(3),
    name: truncateName(s.name),
    records: s.records.toLocaleString('en-US'),
    shuffle: formatBytes(s.shuffleBytes),
    failed: s.failed ? ` · ${s.failed} failed` : '',
  });

  const workerText = (w: WorkerView) => ({ text: `  ${describeWorker(w)} · ${running.get(w.worker) ?? 0} running · ${describeHeld(w)}` });
  /** Worker lines show while stage bars do (the MultiBar is stopped between jobs). */
  const showWorker = (w: WorkerView): void => {
    if (!multi || !active) return;
    const bar = workerBars.get(w.worker);
    if (bar) bar.update(0, workerText(w));
    else workerBars.set(w.worker, multi.create(1, 0, workerText(w), { format: '{text}' }));
  };
  const hideWorker = (id: string): void => {
    const bar = workerBars.get(id);
    workerBars.delete(id);
    if (bar) multi?.remove(bar);
  };
  /** A line above the bars on a TTY (or the line itself elsewhere). */
  const say = (text: string): void => {
    if (multi && active) multi.log(text);
    else stream.write(text);
  };

  const drop = (id: number): void => {
    const s = stages.get(id);
    stages.delete(id);
    if (!multi || !s?.bar) return;
    multi.remove(s.bar);
    // An idle MultiBar keeps a timer (and the process) alive and would redraw over the job's own output.
    if (![...stages.values()].some((x) => x.bar) && active) {
      for (const w of [...workerBars.keys()]) hideWorker(w);
      multi.stop();
      active = false;
    }
  };

  const onWorkerEvent = (e: SluiceEvent): void => {
    switch (e.type) {
      case 'workerJoined':
        workers.set(e.worker.worker, e.worker);
        say(joinedLine(e));
        return showWorker(e.worker);
      case 'workerLost':
        workers.delete(e.worker);
        running.delete(e.worker);
        hideWorker(e.worker);
        return say(lostLine(e));
      case 'workerStatus':
        workers.clear();
        for (const w of e.workers) workers.set(w.worker, w);
        for (const id of [...workerBars.keys()]) if (!workers.has(id)) hideWorker(id);
        for (const w of e.workers) showWorker(w);
        if (!multi && e.time - lastStatus >= statusEveryMs) {
          lastStatus = e.time;
          stream.write(statusLines(e.workers));
        }
        return;
      case 'taskStart':
      case 'taskEnd': {
        if (!multi) return; // running counts show only in the TTY's worker lines
        const n = (running.get(e.worker) ?? 0) + (e.type === 'taskStart' ? 1 : -1);
        running.set(e.worker, Math.max(0, n));
        const w = workers.get(e.worker);
        if (w) showWorker(w);
        return;
      }
      default:
        return;
    }
  };

  const onEvent = (e: SluiceEvent): void => {
    onWorkerEvent(e);
    switch (e.type) {
      case 'stageSubmitted': {
        const old = stages.get(e.stageId);
        if (old) drop(e.stageId); // a resubmitted attempt starts over
        const s: StageProgress = { jobId: e.jobId, name: e.name, total: e.numTasks, done: 0, failed: old?.failed ?? 0, records: 0, shuffleBytes: 0, started: e.time, byWorker: new Map() };
        stages.set(e.stageId, s);
        if (multi) {
          const starting = !active;
          s.bar = multi.create(s.total, 0, payload(e.stageId, s));
          active = true;
          if (starting) for (const w of workers.values()) showWorker(w);
        }
        return;
      }
      case 'taskEnd': {
        const s = stages.get(e.stageId);
        if (!s) return;
        if (e.ok) {
          s.byWorker.set(e.worker, (s.byWorker.get(e.worker) ?? 0) + 1);
          s.done++;
          s.records += e.metrics?.recordsRead ?? 0;
          s.shuffleBytes += (e.metrics?.shuffleReadBytes ?? 0) + (e.metrics?.shuffleWriteBytes ?? 0);
        } else s.failed++;
        s.bar?.update(Math.min(s.done, s.total), payload(e.stageId, s));
        return;
      }
      case 'stageCompleted': {
        const s = stages.get(e.stageId);
        if (!multi) stream.write(completionLine(e, s));
        drop(e.stageId);
        return;
      }
      case 'jobEnd':
        // Stages of a failed or cancelled job never complete: clear their bars.
        for (const [id, s] of [...stages]) if (s.jobId === e.jobId) drop(id);
        return;
      default:
        return;
    }
  };

  const off = session.on(onEvent);
  return {
    stop(): void {
      off();
      for (const id of [...stages.keys()]) drop(id);
      for (const w of [...workerBars.keys()]) hideWorker(w);
      if (multi && active) multi.stop();
      active = false;
    },
  };
}

function completionLine(e: Extract<SluiceEvent, { type: 'stageCompleted' }>, s: StageProgress | undefined): string {
  const m = e.metrics;
  const secs = s ? ((e.time - s.started) / 1000).toFixed(2) : '?';
  const tasks = s ? `${s.done}/${s.total} tasks` : 'done';
  const shuffle = m.shuffleReadBytes || m.shuffleWriteBytes ? ` · shuffle read ${formatBytes(m.shuffleReadBytes)} write ${formatBytes(m.shuffleWriteBytes)}` : '';
  const spill = m.spilledBytes ? ` · spilled ${formatBytes(m.spilledBytes)}` : '';
  const failed = s?.failed ? ` · ${s.failed} failed attempts` : '';
  const where = s && s.byWorker.size > 0 ? ` · on ${tasksByWorker(s.byWorker)}` : '';
  return `stage ${e.stageId} (job ${e.jobId}) ${e.name}: ${tasks} · ${m.recordsRead.toLocaleString('en-US')} records${shuffle}${spill}${failed}${where} · ${secs}s\n`;
}
