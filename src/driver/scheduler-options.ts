import type { SchedulerConfig, SpeculationConfig } from '../scheduler/events.js';
import { SluiceError } from '../util/errors.js';

/** What a session's options say about scheduling (see SessionOptions for each). */
export interface SchedulingOptions {
  maxTaskFailures?: number;
  localityWait?: number;
  speculation?: boolean | Partial<SpeculationConfig>;
}

/** Spark's defaults: spark.speculation.multiplier, .quantile, .minTaskRuntime. */
export const DEFAULT_SPECULATION: SpeculationConfig = { multiplier: 1.5, quantile: 0.75, minMs: 100 };

/** The scheduler's configuration from session options and the environment; a bad value is an error naming the option. */
export function schedulerConfig(opts: SchedulingOptions): Partial<SchedulerConfig> {
  const maxTaskFailures = opts.maxTaskFailures ?? (Number(process.env.SLUICE_MAX_TASK_FAILURES) || 4);
  const config: Partial<SchedulerConfig> = { maxTaskFailures };
  if (opts.localityWait !== undefined) {
    if (!(opts.localityWait >= 0)) throw new SluiceError(`localityWait must be a number of milliseconds >= 0, got ${String(opts.localityWait)}`);
    config.localityWaitMs = opts.localityWait;
  }
  if (opts.speculation) {
    const s = { ...DEFAULT_SPECULATION, ...(opts.speculation === true ? {} : opts.speculation) };
    if (!(s.multiplier >= 1) || !(s.quantile > 0 && s.quantile <= 1) || !(s.minMs >= 0)) {
      throw new SluiceError(`speculation needs multiplier >= 1, 0 < quantile <= 1 and minMs >= 0, got ${JSON.stringify(s)}`);
    }
    config.speculation = s;
  }
  return config;
}
