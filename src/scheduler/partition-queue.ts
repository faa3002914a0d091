/**
 * A stage's partitions waiting for a slot: an ascending set of partition numbers, taken from the
 * front. Taking is O(1) (a head index, not Array.shift, which moves the whole array: a stage of
 * 100,000 tasks spent seconds in it); inserting or removing a retried partition is a binary
 * search and a splice.
 */
export class PartitionQueue {
  private items: number[];
  private head = 0;

  /** `ascending` must be sorted ascending without repeats; the queue takes it over. */
  constructor(ascending: number[] = []) {
    this.items = ascending;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** The smallest queued partition. */
  first(): number | undefined {
    return this.items[this.head];
  }

  /** Up to `max` queued partitions, smallest first (a copy: the queue may change meanwhile). */
  peek(max: number): number[] {
    return this.items.slice(this.head, this.head + max);
  }

  /** Drops the smallest queued partition. */
  takeFirst(): void {
    if (this.head >= this.items.length) return;
    this.head++;
    // Drop the taken front now and then, so memory follows what is still queued.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Adds `p` unless queued. */
  insert(p: number): void {
    const i = this.lowerBound(p);
    if (this.items[i] !== p) this.items.splice(i, 0, p);
  }

  /** Removes `p` if queued. */
  remove(p: number): void {
    const i = this.lowerBound(p);
    if (this.items[i] === p) this.items.splice(i, 1);
  }

  clear(): void {
    if (this.items.length === 0) return; // done stages are cleared on every event: no garbage then
    this.items = [];
    this.head = 0;
  }

  private lowerBound(p: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
