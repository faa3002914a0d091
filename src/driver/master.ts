import { availableParallelism, totalmem } from 'node:os';
import { parseBytes } from '../util/bytes.js';
import { SluiceError } from '../util/errors.js';

export type Master = { kind: 'inline' } | { kind: 'threads'; workers: number } | { kind: 'processes'; workers: number };

/** Parses `inline`, `local`, `local[4]`, `local[*]` (all cores) or `processes[N]` (N worker processes). */
export function parseMaster(text: string): Master {
  if (text === 'inline') return { kind: 'inline' };
  const p = /^processes\[(\*|\d+)\]$/.exec(text.trim());
  if (p) {
    const n = p[1] === '*' ? availableParallelism() : Number(p[1]);
    if (n < 1) throw new SluiceError(`master ${text} needs at least one worker`);
    return { kind: 'processes', workers: n };
  }
  const m = /^local(?:\[(\*|\d+)\])?$/.exec(text.trim());
  if (!m) throw new SluiceError(`unknown master "${text}": use inline, local, local[N], local[*] or processes[N]`);
  const n = m[1] === undefined || m[1] === '*' ? availableParallelism() : Number(m[1]);
  if (n < 1) throw new SluiceError(`master ${text} needs at least one worker`);
  return { kind: 'threads', workers: n };
}

/** The per-worker memory budget: as given, or a share of RAM (half of it split over the workers, at most 2 GiB each). */
export function memoryPerWorker(memory: string | number | undefined, workers: number): number {
  if (memory !== undefined) return parseBytes(memory);
  return Math.min(2 * 1024 ** 3, Math.floor(totalmem() / 2 / workers));
}
