/**
 * Holds back the freeing of blocks running tasks still read. A block's memory may be reused
 * for the owner's next blocks once it is freed, so a task launched before the driver dropped a
 * block must finish first. Backends count the blocks each running task was given.
 */
export class ReadGate {
  /** Block id → running tasks reading it. */
  private readonly readers = new Map<string, number>();
  /** Task id → the block ids it reads. */
  private readonly tasks = new Map<number, string[]>();
  /** Frees waiting for readers: block id → what frees it. */
  private readonly waiting = new Map<string, () => void>();

  /** A task starts reading these blocks. */
  begin(taskId: number, blockIds: readonly string[]): void {
    const ids = [...new Set(blockIds)];
    this.tasks.set(taskId, ids);
    for (const id of ids) this.readers.set(id, (this.readers.get(id) ?? 0) + 1);
  }

  /** The task ended (finished, failed, killed or lost with its worker): frees that waited for it run now. */
  end(taskId: number): void {
    const ids = this.tasks.get(taskId);
    if (!ids) return;
    this.tasks.delete(taskId);
    for (const id of ids) {
      const n = this.readers.get(id)! - 1;
      if (n > 0) {
        this.readers.set(id, n);
        continue;
      }
      this.readers.delete(id);
      const free = this.waiting.get(id);
      this.waiting.delete(id);
      free?.();
    }
  }

  /** Runs `free` for each block now, or once no running task reads it. */
  free(blockIds: readonly string[], free: (ids: string[]) => void): void {
    const now: string[] = [];
    for (const id of blockIds) {
      if (this.readers.has(id)) this.waiting.set(id, () => free([id]));
      else now.push(id);
    }
    if (now.length > 0) free(now);
  }
}
