import type { SpeculationConfig } from './events.js';

/**
 * How long a stage's accepted tasks took, for speculative execution: once enough of them are
 * done, a running task slower than a multiple of their median is a straggler.
 */
export class StageTimes {
  private readonly durations: number[] = [];
  private median: number | undefined;

  add(ms: number): void {
    this.durations.push(ms);
    this.median = undefined;
  }

  get count(): number {
    return this.durations.length;
  }

  /**
   * How long a task of this stage may run before it gets a copy; undefined while fewer than
   * `quantile` of its `total` tasks are done (at least one, as Spark asks).
   */
  threshold(cfg: SpeculationConfig, total: number): number | undefined {
    if (this.durations.length === 0 || this.durations.length < Math.floor(cfg.quantile * total)) return undefined;
    // Sorted once per new finish at most, and only while a task runs past minMs.
    if (this.median === undefined) {
      const sorted = [...this.durations].sort((a, b) => a - b);
      this.median = sorted[sorted.length >> 1]!;
    }
    return Math.max(cfg.multiplier * this.median, cfg.minMs);
  }
}
