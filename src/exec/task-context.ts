import { compileFunction, resolveEnv } from '../serde/compile-function.js';
import { decodeValue } from '../serde/record-codec.js';
import type { FnSpec } from '../serde/function-spec.js';
import { blockRegion, type BlockRef, type BlockRegion, type LocalRegion } from './block-ref.js';
import type { LocalBlock } from './block-store.js';
import type { InputRole } from './exchange/fetch-failures.js';
import { readInput } from './exchange/read-chunks.js';
import type { MemoryBudget } from './memory-budget.js';
import type { TaskPayload } from './task.js';
import { regionKey, type LocalInputs } from './task-regions.js';
import type { StoredBlock, WorkerServices } from './worker-services.js';
import { zeroMetrics, type Metrics } from '../util/metrics.js';
import { fnKey, isDeclaredAsync, learnedAsync } from './async-calls.js';

/** A user function ready to call on this worker: `f(...args, env)`. */
export interface BoundFn {
  f: Function;
  env: unknown;
  /** The function's identity on this worker (see fnKey). */
  key: string;
  /** Declared async, or seen returning a thenable on this worker: runs on the async path. */
  async: boolean;
}

/** Per-worker cache of decoded broadcast values by block id (decoded once, reused by every task). */
const broadcastCache = new Map<string, { value: unknown }>();

/** Whether this worker already decoded a broadcast (its block need not be fetched again). */
export function broadcastDecoded(ref: BlockRef): boolean {
  return broadcastCache.has(ref.blockId);
}

/** Worker-side half of an accumulator: adds of one task attempt, sent back with its result. */
class LocalAccumulator {
  sum = 0;
  readonly items: unknown[] = [];
  constructor(readonly kind: 'sum' | 'collection') {}
  add(v: unknown): void {
    if (this.kind === 'collection') this.items.push(v);
    else if (typeof v === 'number') this.sum += v;
    else throw new TypeError(`a numeric accumulator can only add numbers, got ${typeof v}; use collectionAccumulator() to collect values`);
  }
  update(): number | unknown[] {
    return this.kind === 'sum' ? this.sum : this.items;
  }
}

/** What operators see of the task they run in. */
export class TaskContext {
  readonly metrics: Metrics = zeroMetrics();
  readonly budget: MemoryBudget;
  readonly cacheBlocks: Array<{ nodeId: number; partition: number; ref: BlockRef }> = [];
  /** Partitions stored at the cuts of a very deep lineage, by `nodeId:partition` (see deep-lineage). */
  readonly cuts = new Map<string, LocalBlock>();
  private readonly fns = new Map<FnSpec, BoundFn>();
  private readonly accumulators = new Map<number, LocalAccumulator>();

  constructor(
    readonly payload: TaskPayload,
    readonly services: WorkerServices,
    private readonly inputs: LocalInputs,
  ) {
    this.budget = services.store.budget;
    // A broadcast the driver no longer lists was destroyed: forget its decoded value.
    const live = new Set(Object.values(payload.broadcasts).map((r) => r.blockId));
    for (const id of broadcastCache.keys()) if (!live.has(id)) broadcastCache.delete(id);
  }

  /** A region of the task's inputs, made local before the pipeline ran (see localizeInputs). */
  local(region: Pick<BlockRegion, 'blockId' | 'start'>): LocalRegion {
    const r = this.inputs.regions.get(regionKey(region));
    if (!r) throw new Error(`internal: block ${region.blockId} was not made local for this task`);
    return r;
  }

  /** The stored copy of a cached node's partition this task may read, if any. */
  cachedRef(nodeId: number, partition: number): BlockRef | undefined {
    return this.inputs.cached[`${nodeId}:${partition}`];
  }

  /** The encoded chunks of a one-partition block the task reads as `role` (a cached partition, a broadcast). */
  *readWhole(ref: BlockRef, role: InputRole): Generator<Uint8Array> {
    const region = blockRegion(ref, 0);
    if (region) yield* readInput(() => this.local(region), role, `block ${ref.blockId}`);
  }

  /** Stores a finished block in this worker's store (it is now the worker's, until the driver frees it). */
  store(block: StoredBlock): BlockRef {
    return this.services.store.put(block);
  }

  get partition(): number {
    return this.payload.partition;
  }
  get spillDir(): string {
    return this.payload.spillDir;
  }

  /** Compiles every function of the task and resolves their envs (module imports are async). */
  async prepare(specs: FnSpec[]): Promise<void> {
    const hooks = {
      broadcast: (id: number) => this.broadcast(id),
      accumulator: (id: number, kind: 'sum' | 'collection') => this.accumulator(id, kind),
    };
    for (const spec of specs) {
      if (this.fns.has(spec)) continue;
      const f = compileFunction(spec);
      const key = fnKey(spec);
      this.fns.set(spec, { f, env: await resolveEnv(spec, hooks), key, async: isDeclaredAsync(f) || learnedAsync.has(key) });
    }
  }

  /** Whether `spec` (prepared) must run on the async path. */
  isAsync(spec: FnSpec): boolean {
    return this.fn(spec).async;
  }

  fn(spec: FnSpec): BoundFn {
    const b = this.fns.get(spec);
    if (!b) throw new Error(`internal: function of ${spec.op} was not prepared`);
    return b;
  }

  accumulator(id: number, kind: 'sum' | 'collection'): LocalAccumulator {
    let a = this.accumulators.get(id);
    if (!a) this.accumulators.set(id, (a = new LocalAccumulator(kind)));
    return a;
  }

  accumulatorUpdates(): Array<[number, number | unknown[]]> {
    return [...this.accumulators].map(([id, a]) => [id, a.update()]);
  }

  private broadcast(id: number): { value: unknown } {
    const ref = this.payload.broadcasts[id];
    if (!ref) throw new Error(`broadcast ${id} is not available to this task (was it destroyed?)`);
    let b = broadcastCache.get(ref.blockId);
    if (!b) {
      const chunks = [...this.readWhole(ref, { kind: 'broadcast' })];
      b = { value: decodeValue(chunks[0]!) };
      broadcastCache.set(ref.blockId, b);
    }
    return b;
  }
}
