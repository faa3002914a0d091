import { SluiceError } from '../util/errors.js';

/**
 * Plain-data form of a {@link MemoryBudget}: post it to another thread (the
 * SharedArrayBuffer is shared, not copied) and rebuild it there with
 * {@link MemoryBudget.fromShared}.
 */
export interface SharedBudgetHandle {
  /** Three BigInt64 slots: used, limit, peak. */
  readonly buffer: SharedArrayBuffer;
}

const USED = 0;
const LIMIT = 1;
const PEAK = 2;

/**
 * A byte budget shared by every thread of one worker. Operators that hold state
 * reserve from it and spill when refused. Counters live in a BigInt64Array over
 * a SharedArrayBuffer, so reservations are atomic across threads (64-bit
 * integers: no float rounding, no torn reads).
 */
export class MemoryBudget {
  private readonly cells: BigInt64Array;
  /** The limit in bytes (fixed at creation). */
  readonly limit: number;

  private constructor(buffer: SharedArrayBuffer) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < 24) {
      throw new SluiceError('MemoryBudget: handle must hold a SharedArrayBuffer of at least 24 bytes');
    }
    this.cells = new BigInt64Array(buffer, 0, 3);
    this.limit = Number(Atomics.load(this.cells, LIMIT));
  }

  /** A fresh budget of `limitBytes` (Infinity means unlimited, clamped to 2^53-1). */
  static create(limitBytes: number): MemoryBudget {
    if (Number.isNaN(limitBytes) || limitBytes < 0) throw new SluiceError(`MemoryBudget: invalid limit ${limitBytes}`);
    const buffer = new SharedArrayBuffer(24);
    const cells = new BigInt64Array(buffer);
    cells[LIMIT] = BigInt(Math.floor(Math.min(limitBytes, Number.MAX_SAFE_INTEGER)));
    return new MemoryBudget(buffer);
  }

  /** The same budget seen from another thread (or another object on this one). */
  static fromShared(s: SharedBudgetHandle): MemoryBudget {
    return new MemoryBudget(s.buffer);
  }

  /** Plain data, postMessage-able; shares the counters. */
  handle(): SharedBudgetHandle {
    return { buffer: this.cells.buffer as SharedArrayBuffer };
  }

  /**
   * Reserves `bytes` if `used + bytes <= limit`; returns whether it was granted.
   * A compare-and-swap loop, so concurrent reservers never overshoot the limit.
   */
  tryReserve(bytes: number): boolean {
    const b = toBig(bytes);
    if (b === 0n) return true;
    const limit = BigInt(this.limit);
    for (;;) {
      const cur = Atomics.load(this.cells, USED);
      const next = cur + b;
      if (next > limit) return false;
      if (Atomics.compareExchange(this.cells, USED, cur, next) === cur) {
        this.notePeak(next);
        return true;
      }
    }
  }

  /** Gives back `bytes` reserved earlier. Never drops `used` below zero (a double release is a bug, not a credit). */
  release(bytes: number): void {
    const b = toBig(bytes);
    if (b === 0n) return;
    for (;;) {
      const cur = Atomics.load(this.cells, USED);
      const next = cur > b ? cur - b : 0n;
      if (Atomics.compareExchange(this.cells, USED, cur, next) === cur) return;
    }
  }

  /** Bytes currently reserved by all holders. */
  used(): number {
    return Number(Atomics.load(this.cells, USED));
  }

  /** Highest `used()` ever observed. */
  peak(): number {
    return Number(Atomics.load(this.cells, PEAK));
  }

  private notePeak(v: bigint): void {
    for (;;) {
      const p = Atomics.load(this.cells, PEAK);
      if (v <= p || Atomics.compareExchange(this.cells, PEAK, p, v) === p) return;
    }
  }
}

function toBig(bytes: number): bigint {
  if (!Number.isFinite(bytes) || bytes < 0) throw new SluiceError(`MemoryBudget: invalid byte count ${bytes}`);
  return BigInt(Math.ceil(bytes));
}

/**
 * A reservation that grows in steps (1 MiB, or limit/16 for small budgets) so the
 * shared counters are not touched for every record.
 * Used by the external sorter and aggregator and by the frame operators.
 */
export class GrowingReservation {
  held = 0;
  private readonly step: number;
  constructor(private readonly budget: MemoryBudget) {
    this.step = Math.max(4096, Math.min(1024 * 1024, Math.floor(budget.limit / 16)));
  }
  /** Makes sure at least `need` bytes are held; false when the budget refuses. */
  ensure(need: number): boolean {
    if (need <= this.held) return true;
    const missing = Math.ceil(need - this.held);
    const ask = Math.max(missing, this.step);
    if (this.budget.tryReserve(ask)) this.held += ask;
    else if (ask > missing && this.budget.tryReserve(missing)) this.held += missing;
    else return false;
    return true;
  }
  releaseAll(): void {
    this.budget.release(this.held);
    this.held = 0;
  }
}
