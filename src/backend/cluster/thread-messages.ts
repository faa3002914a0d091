import type { TaskErrorInfo } from '../../util/errors.js';

/** Between a worker process and its task threads. */
export type WorkerToThread = { t: 'run'; taskId: number; payload: Record<string, unknown> };
export type ThreadToWorker = { t: 'ready' } | { t: 'done'; taskId: number; outcome: unknown };

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
