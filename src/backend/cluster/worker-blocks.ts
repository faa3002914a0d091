import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HeldTally, type BlockRegion, type HeldBytes, type LocalRegion } from '../../exec/block-ref.js';
import type { BlockSource } from '../../exec/block-store.js';
import { regionOf } from '../../exec/local-block-store.js';
import { RegionLanding } from '../../exec/exchange/region-landing.js';
import { MemoryBudget } from '../../exec/memory-budget.js';
import type { TaskPayload } from '../../exec/task.js';
import { regionKey, taskRegions } from '../../exec/task-regions.js';
import { BlockClient } from '../net/block-client.js';
import type { PeerAddress } from './protocol.js';
import type { NewBlock, TaskInputs } from './thread-messages.js';

/**
 * The blocks of one worker process, as its main thread sees them: where the bytes of each block
 * its task threads stored are (shared memory or a file), so it can serve them to other workers
 * (block server) and hand them to its own threads; and the fetching of other workers' blocks a
 * task reads, before the task starts (so a task thread never waits on the network itself).
 */
export class WorkerBlocks {
  /** Block id → where its bytes are and which task thread's store holds it. */
  private readonly blocks = new Map<string, NewBlock & { thread: number }>();
  private readonly tally = new HeldTally();
  private readonly client: BlockClient;
  /** Fetched regions land in memory while this grants their bytes, in files past it. */
  private readonly landingBudget: MemoryBudget;

  constructor(
    private readonly worker: () => string,
    private readonly dir: string,
    opts: { secret: string | Uint8Array; tls?: { cert: string; key: string; ca?: string }; fetchTimeoutMs?: number; maxBytesInFlight?: number; landingBytes: number },
  ) {
    this.landingBudget = MemoryBudget.create(opts.landingBytes);
    this.client = new BlockClient({ secret: opts.secret, tls: opts.tls, maxBytesInFlight: opts.maxBytesInFlight ?? 48 << 20, timeoutMs: opts.fetchTimeoutMs ?? 30_000 });
  }

  /** For the block server: `[start, end)` of a block stored here. */
  read(blockId: string, start: number, end: number): LocalRegion {
    const b = this.blocks.get(blockId);
    if (!b) throw new Error(`block ${blockId} is not stored on ${this.worker()}`);
    if (start < 0 || end > b.bytes || start > end) throw new Error(`range [${start}, ${end}) is outside block ${blockId} of ${b.bytes} bytes`);
    return regionOf(b.source, start, end);
  }

  /** Blocks a task thread stored (reported with its task's end). */
  add(blocks: readonly NewBlock[], thread: number): void {
    for (const b of blocks) {
      this.forget(b.blockId);
      this.blocks.set(b.blockId, { ...b, thread });
      this.tally.add(b);
    }
  }

  private forget(blockId: string): (NewBlock & { thread: number }) | undefined {
    const b = this.blocks.get(blockId);
    if (!b) return undefined;
    this.blocks.delete(blockId);
    this.tally.remove(b);
    return b;
  }

  /** Blocks a task thread holds (its successor adopts them when it dies). */
  ofThread(thread: number): NewBlock[] {
    return [...this.blocks.values()].filter((b) => b.thread === thread).map(({ blockId, source, bytes }) => ({ blockId, source, bytes }));
  }

  /** Moves a dead thread's blocks to its successor. */
  moveThread(from: number, to: number): void {
    for (const b of this.blocks.values()) if (b.thread === from) b.thread = to;
  }

  /** Forgets blocks; returns them by holding thread (whose store releases their memory and files). */
  drop(blockIds: readonly string[]): Map<number, string[]> {
    const byThread = new Map<number, string[]>();
    for (const id of blockIds) {
      const b = this.forget(id);
      if (!b) continue;
      const ids = byThread.get(b.thread);
      if (ids) ids.push(id);
      else byThread.set(b.thread, [id]);
    }
    return byThread;
  }

  held(): HeldBytes {
    return this.tally.get();
  }

  /**
   * Makes every region the task reads available to a task thread: blocks stored here are
   * attached where they are; others' are fetched (all owners at once, under the client's bound
   * on bytes in flight) and landed as they arrive, in memory within the landing budget and in
   * files past it (see RegionLanding; release it when the task ends). A region that cannot be
   * fetched is attached as failed: the thread's fetcher turns it into a FetchError, and the task
   * into a fetch failure the scheduler handles.
   */
  async prepare(payload: TaskPayload, addresses: ReadonlyMap<string, PeerAddress>): Promise<{ inputs: TaskInputs; landing: RegionLanding }> {
    const inputs: TaskInputs = { attached: {}, fetched: {}, failed: {} };
    const me = this.worker();
    // By owner (owners fail independently: each is fetched on its own, so one lost owner fails only its regions), each region once.
    const byOwner = new Map<string, Map<string, BlockRegion & { address: PeerAddress }>>();
    for (const { region } of taskRegions(payload)) {
      if (region.worker === me) {
        const b = this.blocks.get(region.blockId);
        if (b) inputs.attached[region.blockId] = b.source;
        continue;
      }
      const key = regionKey(region);
      if (key in inputs.fetched || key in inputs.failed) continue;
      const address = addresses.get(region.worker);
      if (!address) {
        inputs.failed[key] = `${region.worker} is not in the cluster`;
        continue;
      }
      let mine = byOwner.get(region.worker);
      if (!mine) byOwner.set(region.worker, (mine = new Map()));
      if (!mine.has(key)) mine.set(key, { ...region, address });
    }
    const remote = [...byOwner.values()].flatMap((owned) => [...owned.values()]);
    const landing = new RegionLanding({ dir: this.dir, budget: this.landingBudget });
    const landed = await landing.land(remote, (regions, sink) => this.client.fetch(regions, sink));
    remote.forEach((r, i) => {
      const l = landed[i]!;
      if (l.kind === 'failed') inputs.failed[regionKey(r)] = l.reason;
      else inputs.fetched[regionKey(r)] = l;
    });
    return { inputs, landing };
  }

  /**
   * Removes the files under a dead task thread's directory that are no block held here (what its
   * last task wrote before it was killed or crashed), and the directory once nothing is left in it.
   */
  prune(dir: string): void {
    const kept = new Set<string>();
    for (const b of this.blocks.values()) if (b.source.kind === 'file') kept.add(b.source.path);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    if (names.every((n) => !kept.has(join(dir, n)))) return rmSync(dir, { recursive: true, force: true });
    for (const name of names) if (!kept.has(join(dir, name))) rmSync(join(dir, name), { recursive: true, force: true });
  }

  /** The files of blocks a task stored that will never be registered (its task was killed meanwhile). */
  static discard(blocks: readonly NewBlock[]): void {
    for (const b of blocks) if (b.source.kind === 'file') rmSync(b.source.path, { force: true });
  }

  close(): void {
    this.client.close('worker stopping');
  }
}


/** The thread side: a fetched or attached source as the region a task asked for. */
export function localOf(inputs: TaskInputs, r: BlockRegion): LocalRegion | string | undefined {
  const key = regionKey(r);
  const fetched = inputs.fetched[key];
  if (fetched) return regionOf(fetched, 0, r.end - r.start);
  if (key in inputs.failed) return inputs.failed[key]!;
  const attached = inputs.attached[r.blockId];
  return attached ? regionOf(attached, r.start, r.end) : undefined;
}

export type { BlockSource };
