import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { BlockRef, HeldBytes, LocalRegion } from './block-ref.js';
import { offerBlockBuffers, reuseCap, type BlockSource } from './block-store.js';
import type { MemoryBudget } from './memory-budget.js';
import type { BlockStore, StoredBlock } from './worker-services.js';

interface Entry {
  source: BlockSource;
  /** Memory bytes reserved from the budget (0 for a file block). */
  reserved: number;
  /** Bytes on disk (0 for a memory block). */
  disk: number;
}

/** What the store tells its transport (threads: the main thread's table of shared buffers). */
export interface StoreHooks {
  put?(blockId: string, source: BlockSource, bytes: number): void;
  free?(blockId: string): void;
}

/**
 * One worker's blocks in this process: memory blocks in SharedArrayBuffers
 * (reserved from the worker's budget by their writer, released here when freed),
 * file blocks on its disk. A freed memory block's buffer goes to this thread's
 * pool for later blocks when `recycle` (the backend frees a block only once no
 * running task reads it).
 */
export class LocalBlockStore implements BlockStore {
  private readonly blocks = new Map<string, Entry>();
  /** Ids are unique in the session: a restarted worker of the same name gets a new prefix. */
  private readonly prefix = `${randomBytes(4).toString('hex')}-`;
  private next = 0;
  private memory = 0;
  private disk = 0;

  constructor(
    readonly worker: string,
    readonly budget: MemoryBudget,
    private readonly opts: { recycle?: boolean; hooks?: StoreHooks } = {},
  ) {}

  put(block: StoredBlock): BlockRef {
    const blockId = `${this.worker}/${this.prefix}${this.next++}`;
    const { data } = block;
    let source: BlockSource;
    if (data.kind === 'file') source = { kind: 'file', path: data.path };
    else {
      const chunk = data.chunks.length === 1 ? data.chunks[0]! : new Uint8Array(Buffer.concat(data.chunks));
      // A chunk that is not a view from the start of a shared buffer is copied into one, so threads can share it.
      if (chunk.buffer instanceof SharedArrayBuffer && chunk.byteOffset === 0) source = { kind: 'memory', buffer: chunk.buffer };
      else {
        const buffer = new SharedArrayBuffer(chunk.byteLength);
        new Uint8Array(buffer).set(chunk);
        source = { kind: 'memory', buffer };
      }
    }
    this.adopt(blockId, source, block.bytes);
    const ref: BlockRef = { blockId, worker: this.worker, bytes: block.bytes, numPartitions: block.numPartitions, parts: block.parts, offsets: block.offsets };
    if (block.rows) ref.rows = block.rows;
    return ref;
  }

  /**
   * Takes a block whose bytes are already here (written by this worker, or left by a dead thread
   * of the same worker, `reserve`): its memory counts against this store's budget from now on.
   */
  adopt(blockId: string, source: BlockSource, bytes: number, reserve = false): void {
    if (this.blocks.has(blockId)) return;
    // A writer reserved a block's memory before it was put; an adopted block is reserved now (if it still fits).
    const reserved = source.kind === 'memory' && (!reserve || this.budget.tryReserve(bytes)) ? bytes : 0;
    const entry: Entry = { source, reserved, disk: source.kind === 'file' ? bytes : 0 };
    this.blocks.set(blockId, entry);
    this.memory += entry.reserved;
    this.disk += entry.disk;
    this.opts.hooks?.put?.(blockId, source, bytes);
  }

  has(blockId: string): boolean {
    return this.blocks.has(blockId);
  }

  /** Where a block's bytes are (for transports within one machine), or undefined when it is not here. */
  source(blockId: string): BlockSource | undefined {
    return this.blocks.get(blockId)?.source;
  }

  read(blockId: string, start: number, end: number): LocalRegion {
    const e = this.blocks.get(blockId);
    if (!e) throw new Error(`block ${blockId} is not stored on ${this.worker}`);
    return regionOf(e.source, start, end);
  }

  free(blockIds: readonly string[]): void {
    const buffers: SharedArrayBuffer[] = [];
    for (const id of blockIds) {
      const e = this.blocks.get(id);
      if (!e) continue;
      this.blocks.delete(id);
      this.memory -= e.reserved;
      this.disk -= e.disk;
      this.budget.release(e.reserved);
      if (e.source.kind === 'file') rmSync(e.source.path, { force: true });
      else buffers.push(e.source.buffer);
      this.opts.hooks?.free?.(id);
    }
    if (this.opts.recycle && buffers.length > 0) offerBlockBuffers(buffers, reuseCap(this.budget.limit));
  }

  /** Frees every block (the worker stops). */
  clear(): void {
    this.free([...this.blocks.keys()]);
  }

  held(): HeldBytes {
    return { blocks: this.blocks.size, memory: this.memory, disk: this.disk };
  }
}

/** The bytes `[start, end)` of a block's source, as a fetcher hands them to a task. */
export function regionOf(source: BlockSource, start: number, end: number): LocalRegion {
  return source.kind === 'file' ? { kind: 'file', path: source.path, start, end } : { kind: 'bytes', chunks: [new Uint8Array(source.buffer, start, end - start)] };
}
