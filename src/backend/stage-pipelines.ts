import type { TaskPayload } from '../exec/task.js';
import { flattenWire, unflattenWire, type FlatWire } from '../plan/stages.js';

type WireNode = TaskPayload['node'];

/**
 * A stage's pipeline (its WireNode) is posted to a worker thread once, not with
 * every task: it holds per-partition plan data (file splits, parallelize
 * slices, coalesce groups, zipWithIndex offsets), so posting it with each of a
 * stage's P tasks would copy P^2 entries. The driver side tracks what each
 * thread holds; the thread keeps the last few pipelines it was sent.
 */

/** Pipelines a worker thread keeps (most recently used) while their jobs run; a finished stage's are dropped at once. */
const KEEP = 8;

/** A task as posted to a worker thread: the pipeline is left out when the thread has it. */
export interface RunMessage {
  type: 'run';
  /** The pipeline goes flat (deps by index): a nested tree thousands of levels deep overflows the serializer's stack. */
  payload: Omit<TaskPayload, 'node'> & { node?: FlatWire };
  /** Which pipeline the task runs. */
  pipeline: number;
  /** Pipelines the thread may drop now. */
  forget: number[];
}

/** Pipelines a thread may drop now: their stages are done. They may hold a job's parallelize or createDataFrame data in shared memory. */
export interface ForgetMessage {
  type: 'forget';
  pipelines: number[];
}

const pipelineIds = new WeakMap<WireNode, number>();
let nextPipelineId = 0;

const flatCache = new WeakMap<WireNode, FlatWire>();

function flat(node: WireNode): FlatWire {
  let f = flatCache.get(node);
  if (!f) flatCache.set(node, (f = flattenWire(node)));
  return f;
}

function pipelineId(node: WireNode): number {
  let id = pipelineIds.get(node);
  if (id === undefined) pipelineIds.set(node, (id = nextPipelineId++));
  return id;
}

/** Driver side, one per worker thread: the pipelines that thread holds, least recently used first. */
export class SentPipelines {
  private readonly held = new Set<number>();

  /** The message running `payload` on this thread; call {@link sent} once it is posted. */
  message(payload: TaskPayload): RunMessage {
    const pipeline = pipelineId(payload.node);
    const has = this.held.has(pipeline);
    const forget: number[] = [];
    let over = this.held.size + (has ? 0 : 1) - KEEP;
    for (const id of this.held) {
      if (over <= 0) break;
      if (id === pipeline) continue;
      forget.push(id);
      over--;
    }
    return { type: 'run', payload: { ...payload, node: has ? undefined : flat(payload.node) }, pipeline, forget };
  }

  /** Stops tracking `node`'s pipeline: returns its id when this thread holds it (tell the thread to drop it). */
  release(node: WireNode): number | undefined {
    const id = pipelineIds.get(node);
    return id !== undefined && this.held.delete(id) ? id : undefined;
  }

  /** The thread received `msg` (a post that threw changes nothing). */
  sent(msg: RunMessage): void {
    for (const id of msg.forget) this.held.delete(id);
    this.held.delete(msg.pipeline);
    this.held.add(msg.pipeline);
  }
}

/** Worker side: the pipelines this thread was sent, as the driver's SentPipelines for it tracks them. */
export class ReceivedPipelines {
  private readonly nodes = new Map<number, WireNode>();

  /** The full payload of a run message. */
  payload(msg: RunMessage): TaskPayload {
    for (const id of msg.forget) this.nodes.delete(id);
    const node = msg.payload.node ? unflattenWire(msg.payload.node) : this.nodes.get(msg.pipeline);
    if (!node) throw new Error(`internal: stage pipeline ${msg.pipeline} was never sent to this worker`);
    this.nodes.set(msg.pipeline, node);
    pipelinesHeldHere = this.nodes.size;
    return { ...msg.payload, node };
  }

  forget(msg: ForgetMessage): void {
    for (const id of msg.pipelines) this.nodes.delete(id);
    pipelinesHeldHere = this.nodes.size;
  }
}

/** Pipelines this worker thread holds (for tests and diagnostics). */
export let pipelinesHeldHere = 0;
