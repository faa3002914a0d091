import { blockRegion, type BlockRef, type BlockRegion, type LocalRegion } from './block-ref.js';
import { inputFailure, type InputRole } from './exchange/fetch-failures.js';
import { readLocalRegion } from './exchange/read-chunks.js';
import type { TaskPayload } from './task.js';
import { taskInputs } from './task-inputs.js';
import { FetchError, type WorkerServices } from './worker-services.js';

/** The stored inputs of one task, made readable on its worker before its pipeline runs. */
export interface LocalInputs {
  /** By {@link regionKey}. */
  regions: Map<string, LocalRegion>;
  /** The cached partitions the task may read (one whose holder could not serve it is recomputed). */
  cached: Record<string, BlockRef>;
}

/** The key of a region in {@link LocalInputs.regions}. */
export function regionKey(r: Pick<BlockRegion, 'blockId' | 'start'>): string {
  return `${r.blockId}@${r.start}`;
}

/** Every region a task reads, with what it is for: shuffle pieces, cached partitions, broadcasts, parallelize slices. */
export function taskRegions(payload: TaskPayload, needBroadcast: (ref: BlockRef) => boolean = () => true): Array<{ region: BlockRegion; role: InputRole }> {
  const out: Array<{ region: BlockRegion; role: InputRole }> = [];
  for (const [key, slice] of Object.entries(payload.shuffleInputs ?? {})) {
    const shuffleId = Number(key.slice(0, key.indexOf(':')));
    for (const { map, ...region } of slice.pieces) out.push({ region, role: { kind: 'shuffle', shuffleId, map } });
  }
  for (const [key, ref] of Object.entries(payload.cachedBlocks ?? {})) {
    const region = blockRegion(ref, 0);
    if (region) out.push({ region, role: { kind: 'cached', key } });
  }
  for (const ref of Object.values(payload.broadcasts ?? {})) {
    const region = blockRegion(ref, 0);
    if (region && needBroadcast(ref)) out.push({ region, role: { kind: 'broadcast' } });
  }
  for (const region of taskInputs(payload.node, payload.partition).slices) out.push({ region, role: { kind: 'slice' } });
  return out;
}

/**
 * Makes every region the task reads local through its worker's fetcher. A region that cannot be
 * fetched is mapped by inputFailure (a shuffle piece: a fetch failure; a broadcast or slice: the
 * task fails), except a cached partition, which is computed again instead.
 */
export async function localizeInputs(payload: TaskPayload, services: WorkerServices, needBroadcast?: (ref: BlockRef) => boolean): Promise<LocalInputs> {
  let wanted = taskRegions(payload, needBroadcast);
  const cached = { ...payload.cachedBlocks };
  for (;;) {
    try {
      const got = wanted.length > 0 ? await services.fetcher.localize(wanted.map((w) => w.region)) : [];
      const regions = new Map<string, LocalRegion>();
      wanted.forEach((w, i) => regions.set(regionKey(w.region), got[i]!));
      return { regions, cached };
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      const hit = wanted.find((w) => w.region.blockId === e.region.blockId && w.region.start === e.region.start) ?? wanted.find((w) => w.region.blockId === e.region.blockId);
      const role = hit?.role ?? { kind: 'slice' };
      if (role.kind !== 'cached') throw inputFailure(role, e);
      delete cached[role.key];
      wanted = wanted.filter((w) => w !== hit);
    }
  }
}

/**
 * The map partitions of `shuffleId` this task was given that cannot be read whole (not
 * fetched, file gone or corrupt), so one resubmission of the map stage recomputes them all.
 * When fetching stopped at a block of `owner` (inputs never became local), that owner's
 * outputs are the suspects: the others were not tried, and recomputing them (a whole map
 * stage after one lost worker) would cost far more than the loss.
 */
export function unreadableMaps(payload: TaskPayload, inputs: LocalInputs | undefined, shuffleId: number, owner?: string): number[] {
  const lost = new Set<number>();
  for (const [key, slice] of Object.entries(payload.shuffleInputs)) {
    if (Number(key.slice(0, key.indexOf(':'))) !== shuffleId) continue;
    for (const piece of slice.pieces) {
      if (!inputs && owner !== undefined && piece.worker !== owner) continue;
      const local = inputs?.regions.get(regionKey(piece));
      try {
        if (!local) throw new Error('not fetched');
        for (const _ of readLocalRegion(local, piece.blockId)) void _;
      } catch {
        lost.add(piece.map);
      }
    }
  }
  return [...lost].sort((a, b) => a - b);
}
