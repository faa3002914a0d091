import type { SluiceEvent, WorkerView } from '../scheduler/bus.js';
import { formatBytes } from '../util/bytes.js';

/**
 * Workers as text, for the progress output and reports: who joined (host, cores, memory), who
 * was lost and why, and what each holds. Workers are named as the backend names them
 * (`worker-1`, `host:port#3`).
 */

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `worker-1 on node07 · 4 cores · 2.0 GiB` */
export function describeWorker(w: WorkerView): string {
  return `${w.worker} on ${w.host} · ${plural(w.cores, 'core')} · ${formatBytes(w.memory)}`;
}

/** `3 blocks held: 1.2 MiB in memory, 0 B on disk` */
export function describeHeld(w: WorkerView): string {
  return `${plural(w.blocks, 'block')} held: ${formatBytes(w.memoryHeld)} in memory, ${formatBytes(w.diskHeld)} on disk`;
}

export function joinedLine(e: Extract<SluiceEvent, { type: 'workerJoined' }>): string {
  return `worker joined: ${describeWorker(e.worker)}\n`;
}

export function lostLine(e: Extract<SluiceEvent, { type: 'workerLost' }>): string {
  return `worker lost: ${e.worker} on ${e.host}: ${e.reason}\n`;
}

/** One line per worker (the first `max`, then how many more), under a header with the totals. */
export function statusLines(workers: readonly WorkerView[], max = 16): string {
  const sum = (f: (w: WorkerView) => number) => workers.reduce((a, w) => a + f(w), 0);
  const head = `workers: ${workers.length} live · ${plural(sum((w) => w.cores), 'core')} · ${plural(sum((w) => w.blocks), 'block')} held: ${formatBytes(sum((w) => w.memoryHeld))} in memory, ${formatBytes(sum((w) => w.diskHeld))} on disk\n`;
  const lines = workers.slice(0, max).map((w) => `  ${describeWorker(w)} · ${describeHeld(w)}\n`);
  if (workers.length > max) lines.push(`  … ${workers.length - max} more\n`);
  return head + lines.join('');
}

/** `w1 (3), w2 (1)`: who ran how many tasks, the busiest first, at most `max` named. */
export function tasksByWorker(counts: ReadonlyMap<string, number>, max = 4): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const named = sorted.slice(0, max).map(([w, n]) => `${w} (${n})`);
  if (sorted.length > max) named.push(`${sorted.length - max} more`);
  return named.join(', ');
}
