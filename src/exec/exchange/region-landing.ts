import { rmSync } from 'node:fs';
import type { BlockRegion } from '../block-ref.js';
import type { BlockSource } from '../block-store.js';
import type { MemoryBudget } from '../memory-budget.js';
import { tempPath } from '../spill-file.js';
import { describeThrown } from '../../util/errors.js';
import { FramedFileSink } from './framed-file-sink.js';

/**
 * Where a transport delivers fetched bytes: region `index`'s chunks in order (regions may
 * interleave), then `end(index)`. A returned promise holds back the transport's credit for
 * those bytes until it settles, so a slow sink slows the fetch (BlockClient's FetchSink).
 */
export interface ChunkSink {
  chunk(index: number, bytes: Uint8Array): void | Promise<void>;
  end?(index: number): void | Promise<void>;
}

/**
 * A transport streaming regions of other workers' blocks into a sink, under its own bound on
 * bytes in flight; it rejects (with a FetchError naming the region) when one cannot be had.
 */
export type StreamRegions<R extends BlockRegion> = (regions: readonly R[], sink: ChunkSink) => Promise<void>;

/** A landed region: its bytes `[0, end - start)` in shared memory or a file of this worker, or why it could not be fetched. */
export type Landed = BlockSource | { kind: 'failed'; reason: string };

/**
 * Lands the regions a task reads from other workers on this worker while they are fetched:
 * a region whose bytes the budget grants goes to shared memory, any other streams into a file
 * chunk by chunk, so a reduce larger than memory never sits in memory (only the transport's
 * bytes in flight do). Owners are fetched at once but fail independently: a lost owner fails
 * its own regions only (`{ kind: 'failed' }`), which the task maps to a fetch failure
 * (fetch-failures.ts); a failure to keep the bytes here (a full disk) rejects `land` instead, with
 * everything released, since no owner is to blame. `release()` gives back the memory and deletes the files once the task
 * that read them is over.
 */
export class RegionLanding {
  private reserved = 0;
  private readonly files: string[] = [];

  constructor(private readonly opts: { dir: string; budget: MemoryBudget }) {}

  /** Bytes landed in memory (reserved from the budget) and in files. */
  get held(): { memory: number; files: number } {
    return { memory: this.reserved, files: this.files.length };
  }

  async land<R extends BlockRegion>(regions: readonly R[], stream: StreamRegions<R>): Promise<Landed[]> {
    const out: Landed[] = new Array(regions.length);
    const byOwner = new Map<string, number[]>();
    regions.forEach((r, i) => {
      const list = byOwner.get(r.worker);
      if (list) list.push(i);
      else byOwner.set(r.worker, [i]);
    });
    const settled = await Promise.allSettled([...byOwner.values()].map((indexes) => this.landOwner(regions, indexes, stream, out)));
    const local = settled.find((r) => r.status === 'rejected');
    if (local) {
      // This worker could not keep the bytes (a full disk): no owner is to blame; nothing landed stays.
      this.release();
      throw local.reason;
    }
    return out;
  }

  /** Gives back landed memory and deletes landed files. */
  release(): void {
    this.opts.budget.release(this.reserved);
    this.reserved = 0;
    for (const path of this.files.splice(0)) rmSync(path, { force: true });
  }

  private async landOwner<R extends BlockRegion>(regions: readonly R[], indexes: number[], stream: StreamRegions<R>, out: Landed[]): Promise<void> {
    const mine = indexes.map((i) => regions[i]!);
    const targets = mine.map((r) => this.target(r.end - r.start));
    // An error of our own sink (writing here) is not the owner's failure: it is kept apart and rethrown.
    let localError: { e: unknown } | undefined;
    const here = (write: () => void): void => {
      try {
        write();
      } catch (e) {
        localError ??= { e };
        throw e;
      }
    };
    try {
      await stream(mine, {
        chunk: (k, bytes) => here(() => targets[k]!.write(bytes)),
        end: (k) => here(() => targets[k]!.end()),
      });
      indexes.forEach((i, k) => (out[i] = targets[k]!.landed()));
    } catch (e) {
      for (const t of targets) t.drop();
      if (localError) throw localError.e;
      const reason = describeThrown(e).message;
      for (const i of indexes) out[i] = { kind: 'failed', reason };
    }
  }

  /** Memory when the budget grants the region's bytes, else a file. */
  private target(bytes: number): Target {
    if (bytes === 0) return memoryTarget(new SharedArrayBuffer(0), () => {});
    if (this.opts.budget.tryReserve(bytes)) {
      this.reserved += bytes;
      return memoryTarget(new SharedArrayBuffer(bytes), () => {
        this.opts.budget.release(bytes);
        this.reserved -= bytes;
      });
    }
    const path = tempPath(this.opts.dir, 'fetched');
    this.files.push(path);
    let sink: FramedFileSink | undefined;
    const open = (): FramedFileSink => (sink ??= new FramedFileSink(path));
    return {
      write: (b) => open().write(b),
      end: () => void open().close(),
      landed: () => ({ kind: 'file', path }),
      drop: () => {
        if (sink) sink.abort();
        const at = this.files.indexOf(path);
        if (at >= 0) this.files.splice(at, 1);
      },
    };
  }
}

interface Target {
  write(bytes: Uint8Array): void;
  end(): void;
  landed(): Landed;
  drop(): void;
}

function memoryTarget(buffer: SharedArrayBuffer, free: () => void): Target {
  const view = new Uint8Array(buffer);
  let at = 0;
  return {
    write: (b) => {
      view.set(b, at);
      at += b.byteLength;
    },
    end: () => {},
    landed: () => ({ kind: 'memory', buffer }),
    drop: free,
  };
}
