import type { ActionSpec, TaskResult } from '../exec/task.js';
import type { PlanNode } from '../plan/node.js';
import type { Driver } from './driver.js';
import type { IdSource } from './id-source.js';
import { preparePlan } from './prepare.js';

/** What a Dataset needs from its session: ids for new nodes and a way to run jobs. */
export class Engine {
  constructor(
    readonly ids: IdSource,
    readonly driver: Driver,
    readonly defaultParallelism: number,
  ) {}

  /** Runs a job after the small jobs its plan depends on (range bounds, zipWithIndex offsets). */
  async run(node: PlanNode, action: ActionSpec, description: string, partitions?: number[]): Promise<TaskResult[]> {
    await preparePlan(node, this.driver);
    return this.driver.runJob(node, action, description, partitions);
  }
}
