import type { LogicalPlan } from '../logical/plan.js';

/** Knobs of cost-based rules. */
export interface OptimizerConfig {
  /** A join side estimated below this many bytes is broadcast to every task instead of shuffled. */
  broadcastThresholdBytes: number;
}

export const defaultOptimizerConfig: OptimizerConfig = { broadcastThresholdBytes: 10 * 1024 * 1024 };

/**
 * One rewrite of analyzed logical plans. A rule returns an equivalent plan
 * (same rows, same output columns in the same order) and never mutates its input.
 */
export interface OptimizerRule {
  name: string;
  apply(plan: LogicalPlan, config: OptimizerConfig): LogicalPlan;
}
