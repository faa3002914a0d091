import type { WorkerId } from './events.js';

/**
 * Where a task goes: locality levels and the choice of a worker for one task. Pure functions
 * over the scheduler's view of its workers; the scheduler keeps each stage's allowed level.
 */

/** Locality levels, most local first (Spark's PROCESS_LOCAL, NODE_LOCAL, ANY). */
export const WORKER_LOCAL = 0;
export const HOST_LOCAL = 1;
export const ANY = 2;

export interface WorkerView {
  slots: number;
  host: string;
  /** Tasks holding a slot. */
  tasks: ReadonlySet<number>;
}

/** Where a task would rather run: the worker holding its cached input, hosts holding its input file. */
export interface Preference {
  worker?: WorkerId;
  hosts?: readonly string[];
}

export interface Placement {
  worker: WorkerId;
  /** The locality the launch achieves. */
  level: number;
  /** The task had a preference that a live worker could meet (its launch resets the stage's wait). */
  local: boolean;
}

const freeSlots = (w: WorkerView): number => w.slots - w.tasks.size;

/**
 * Picks a worker for one task, or undefined when it should wait for a more local slot (or no
 * slot is free). `allowed` is the stage's current level: a task is placed at its best level a
 * live worker can offer, or, once the stage's wait allows it, further away. A preference no
 * live worker can meet counts as none. `avoid`: workers the task failed on (used only when no
 * other is free); `exclude`: workers it must not run on (those running its other copy).
 */
export function placeTask(
  workers: ReadonlyMap<WorkerId, WorkerView>,
  pref: Preference,
  allowed: number,
  avoid?: ReadonlySet<WorkerId>,
  exclude?: ReadonlySet<WorkerId>,
): Placement | undefined {
  const usable = (id: WorkerId): boolean => !avoid?.has(id) && !exclude?.has(id);
  const pw = pref.worker === undefined ? undefined : workers.get(pref.worker);
  const prefWorker = pw && usable(pref.worker!) ? pref.worker : undefined;
  if (prefWorker !== undefined && freeSlots(pw!) > 0) return { worker: prefWorker, level: WORKER_LOCAL, local: true };
  const hosts = new Set(pref.hosts ?? []);
  if (prefWorker !== undefined) hosts.add(pw!.host);
  let hostLive = false;
  let best: WorkerId | undefined;
  let bestFree = 0;
  if (hosts.size > 0) {
    for (const [id, w] of workers) {
      if (!hosts.has(w.host) || !usable(id)) continue;
      hostLive = true;
      if (freeSlots(w) > bestFree) [best, bestFree] = [id, freeSlots(w)];
    }
  }
  // The best level a live worker could offer this task: it may always be placed there.
  const bestLevel = prefWorker !== undefined ? WORKER_LOCAL : hostLive ? HOST_LOCAL : ANY;
  const level = Math.max(allowed, bestLevel);
  const local = bestLevel < ANY;
  if (best !== undefined && level >= HOST_LOCAL) return { worker: best, level: HOST_LOCAL, local };
  if (level < ANY) return undefined;
  const any = pickAny(workers, avoid, exclude);
  return any === undefined ? undefined : { worker: any, level: ANY, local };
}

/**
 * The worker with the most free slots (ties: the earliest joined), preferring one not in
 * `avoid`; never one in `exclude`.
 */
export function pickAny(workers: ReadonlyMap<WorkerId, WorkerView>, avoid?: ReadonlySet<WorkerId>, exclude?: ReadonlySet<WorkerId>): WorkerId | undefined {
  let best: WorkerId | undefined;
  let bestFree = 0;
  let fallback: WorkerId | undefined;
  let fallbackFree = 0;
  for (const [id, w] of workers) {
    const free = freeSlots(w);
    if (free <= 0 || exclude?.has(id)) continue;
    if (avoid?.has(id)) {
      if (free > fallbackFree) [fallback, fallbackFree] = [id, free];
    } else if (free > bestFree) {
      [best, bestFree] = [id, free];
    }
  }
  return best ?? fallback;
}
