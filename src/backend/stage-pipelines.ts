import type { BlockSource } from '../exec/block-store.js';
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

/**
 * The parts of a payload every task of a stage shares on one thread: posted with the pipeline,
 * not with each task (a smaller message is cheaper to clone on both sides, and at thousands of
 * tiny tasks the messages are most of the driver's work).
 */
type StageParts = Pick<TaskPayload, 'output' | 'spillDir'>;

/** What changes from task to task; empty inputs are left out. */
type TaskParts = Omit<TaskPayload, 'node' | keyof StageParts | 'shuffleInputs' | 'cachedBlocks' | 'broadcasts'> &
  Partial<Pick<TaskPayload, 'shuffleInputs' | 'cachedBlocks' | 'broadcasts'>>;

/** A task as posted to a worker thread: the pipeline and its stage parts are left out when the thread has them. */
export interface RunMessage {
  type: 'run';
  payload: TaskParts;
  /** Which pipeline the task runs. */
  pipeline: number;
  /** The pipeline goes flat (deps by index): a nested tree thousands of levels deep overflows the serializer's stack. */
  stage?: StageParts & { node: FlatWire };
  /** Pipelines the thread may drop now. */
  forget: number[];
  /** Where the blocks of other workers this task reads are (threads share memory and disk). */
  blocks?: Record<string, BlockSource>;
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

const isEmpty = (o: object): boolean => {
  for (const _ in o) return false;
  return true;
};

/** The same stage parts (by identity: the driver reuses them for every task of a stage). */
function sameParts(a: StageParts, b: StageParts): boolean {
  return a.output === b.output && a.spillDir === b.spillDir;
}

/** Driver side, one per worker thread: the pipelines that thread holds, least recently used first. */
export class SentPipelines {
  private readonly held = new Map<number, StageParts>();

  /** The message running `payload` on this thread; call {@link sent} once it is posted. */
  message(payload: TaskPayload): RunMessage {
    const { node, output, spillDir, shuffleInputs, cachedBlocks, broadcasts, ...task } = payload;
    const parts: StageParts = { output, spillDir };
    const pipeline = pipelineId(node);
    const heldParts = this.held.get(pipeline);
    const has = heldParts !== undefined && sameParts(heldParts, parts);
    const forget: number[] = [];
    let over = this.held.size + (heldParts ? 0 : 1) - KEEP;
    for (const id of this.held.keys()) {
      if (over <= 0) break;
      if (id === pipeline) continue;
      forget.push(id);
      over--;
    }
    const msg: RunMessage = { type: 'run', payload: task, pipeline, forget };
    if (!isEmpty(shuffleInputs)) msg.payload.shuffleInputs = shuffleInputs;
    if (!isEmpty(cachedBlocks)) msg.payload.cachedBlocks = cachedBlocks;
    if (!isEmpty(broadcasts)) msg.payload.broadcasts = broadcasts;
    if (!has) msg.stage = { ...parts, node: flat(node) };
    return msg;
  }

  /** Stops tracking `node`'s pipeline: returns its id when this thread holds it (tell the thread to drop it). */
  release(node: WireNode): number | undefined {
    const id = pipelineIds.get(node);
    return id !== undefined && this.held.delete(id) ? id : undefined;
  }

  /** The thread received `msg` (a post that threw changes nothing). */
  sent(msg: RunMessage): void {
    for (const id of msg.forget) this.held.delete(id);
    const parts = msg.stage ?? this.held.get(msg.pipeline)!;
    this.held.delete(msg.pipeline);
    this.held.set(msg.pipeline, { output: parts.output, spillDir: parts.spillDir });
  }
}

/** A received pipeline: flat as it came, and as a tree once a task of this thread needed it so. */
interface HeldStage {
  parts: StageParts;
  flat: FlatWire;
  tree?: WireNode;
}

/** Worker side: the pipelines this thread (or worker process) was sent, as the driver's SentPipelines for it tracks them. */
export class ReceivedPipelines {
  private readonly stages = new Map<number, HeldStage>();

  /** The full payload of a run message. */
  payload(msg: RunMessage): TaskPayload {
    const stage = this.stage(msg);
    stage.tree ??= unflattenWire(stage.flat);
    return { ...this.task(msg), ...stage.parts, node: stage.tree };
  }

  /** The full payload of a run message with its pipeline flat (to pass on to a task thread as it came). */
  flatPayload(msg: RunMessage): Omit<TaskPayload, 'node'> & { node: FlatWire } {
    const stage = this.stage(msg);
    return { ...this.task(msg), ...stage.parts, node: stage.flat };
  }

  private stage(msg: RunMessage): HeldStage {
    for (const id of msg.forget) this.stages.delete(id);
    const stage: HeldStage | undefined = msg.stage ? { parts: { output: msg.stage.output, spillDir: msg.stage.spillDir }, flat: msg.stage.node } : this.stages.get(msg.pipeline);
    if (!stage) throw new Error(`internal: stage pipeline ${msg.pipeline} was never sent to this worker`);
    this.stages.delete(msg.pipeline);
    this.stages.set(msg.pipeline, stage);
    pipelinesHeldHere = this.stages.size;
    return stage;
  }

  private task(msg: RunMessage): Omit<TaskPayload, 'node' | keyof StageParts> {
    const { shuffleInputs = {}, cachedBlocks = {}, broadcasts = {}, ...task } = msg.payload;
    return { ...task, shuffleInputs, cachedBlocks, broadcasts };
  }

  /** Pipelines held (for tests and diagnostics). */
  get size(): number {
    return this.stages.size;
  }

  forget(msg: ForgetMessage): void {
    for (const id of msg.pipelines) this.stages.delete(id);
    pipelinesHeldHere = this.stages.size;
  }
}

/** Pipelines this worker thread holds (for tests and diagnostics). */
export let pipelinesHeldHere = 0;
