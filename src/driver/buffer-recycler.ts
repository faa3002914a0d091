import { MIN_REUSE_BYTES, type BlockRef } from '../exec/block-store.js';

/**
 * Shared buffers of freed memory blocks, handed back to the workers to write
 * new blocks into. A fresh buffer costs a page fault per 4 KiB on first write,
 * which on virtual machines that return freed pages to their host makes
 * writing a cache or shuffle block several times slower than copying into
 * memory already touched (h2o's join questions spent a third of their worker
 * time there).
 *
 * A buffer is reused only once no task can still read the block it held: a
 * block is freed when the registry drops it, but a task launched earlier may
 * still be reading it, so a buffer freed while tasks run waits until a moment
 * when none runs. Later tasks cannot reach the block: their payloads are built
 * from the registry. Decoded batches never outlive their task (results,
 * shuffles and caches are copied out as encoded bytes), so nothing else points
 * into a freed block.
 */
export class BufferRecycler {
  /** Freed while tasks ran that may read them. */
  private pending: SharedArrayBuffer[] = [];
  /** Free to reuse. */
  private ready: SharedArrayBuffer[] = [];
  private held = 0;

  /** `capBytes`: buffers held here beyond this are left to the garbage collector (see setCap). */
  constructor(private capBytes: number) {}

  /** A new cap (workers joined or left); buffers held beyond it are dropped, the oldest first. */
  setCap(bytes: number): void {
    this.capBytes = bytes;
    for (const list of [this.ready, this.pending]) {
      while (this.held > bytes && list.length > 0) this.held -= list.shift()!.byteLength;
    }
  }

  /** Bytes of buffers held (pending or ready). */
  get bytes(): number {
    return this.held;
  }

  /** A block was freed; `tasksRunning`: whether some task may still read it. Small buffers are left to the garbage collector. */
  retire(ref: BlockRef, tasksRunning: boolean): void {
    if (ref.kind !== 'memory' || ref.buffer.byteLength < MIN_REUSE_BYTES || this.held + ref.buffer.byteLength > this.capBytes) return;
    this.held += ref.buffer.byteLength;
    (tasksRunning ? this.pending : this.ready).push(ref.buffer);
  }

  /** No task is running: every buffer freed so far may be reused. */
  drained(): void {
    if (this.pending.length === 0) return;
    this.ready.push(...this.pending);
    this.pending = [];
  }

  /** Ready buffers of up to `maxBytes` in all (at least one if any), for a worker to reuse. */
  take(maxBytes: number): SharedArrayBuffer[] {
    const out: SharedArrayBuffer[] = [];
    let total = 0;
    while (this.ready.length > 0 && (out.length === 0 || total + this.ready[this.ready.length - 1]!.byteLength <= maxBytes)) {
      const b = this.ready.pop()!;
      out.push(b);
      total += b.byteLength;
    }
    this.held -= total;
    return out;
  }
}
