import type { BlockSource } from '../../exec/block-store.js';
import type { TaskErrorInfo } from '../../util/errors.js';

/** A block a task thread stored: its bytes stay where they are (shared memory or a file). */
export interface NewBlock {
  blockId: string;
  source: BlockSource;
  bytes: number;
}

/**
 * What a task reads, made local by the worker's main thread before the task starts:
 * `attached` blocks of this worker (by block id, whole), `fetched` regions of other workers'
 * blocks (by regionKey, just the region), and regions that could not be fetched, with why.
 */
export interface TaskInputs {
  attached: Record<string, BlockSource>;
  fetched: Record<string, BlockSource>;
  failed: Record<string, string>;
}

/** Between a worker process and its task threads. */
export type WorkerToThread = { t: 'run'; taskId: number; payload: Record<string, unknown>; inputs: TaskInputs } | { t: 'free'; blockIds: string[] };
export type ThreadToWorker = { t: 'ready' } | { t: 'done'; taskId: number; outcome: unknown; blocks: NewBlock[] };

/** What a task thread starts with. */
export interface TaskThreadData {
  runner: string;
  preload: string[];
  dir: string;
  worker: string;
  memory: number;
  /** Blocks of the dead thread this one replaces. */
  adopt: NewBlock[];
}

/**
 * A task's failure that is the worker's doing (killed, its thread died), in the shape of a user
 * error. The payload's pipeline is flat here (see cluster-backend launch): its root is last.
 */
export function taskFailure(payload: Record<string, unknown>, message: string): TaskErrorInfo {
  const nodes = (payload.node as { nodes?: Array<{ op?: string; site?: TaskErrorInfo['site'] }> } | undefined)?.nodes;
  const root = nodes?.[nodes.length - 1];
  const num = (k: string): number => (typeof payload[k] === 'number' ? (payload[k] as number) : -1);
  return {
    operator: root?.op ?? 'task',
    site: root?.site,
    stageId: num('stageId'),
    partition: num('partition'),
    attempt: num('attempt'),
    errorName: 'WorkerError',
    message,
    stack: message,
    internal: true,
  };
}
