import { describeThrown, isDeterministic, SluiceError, type TaskErrorInfo } from '../util/errors.js';
import type { FnSpec } from '../serde/function-spec.js';
import { aggFnSpecs } from './aggregator-fns.js';
import { runAction } from './actions.js';
import type { Batches } from './batch.js';
import { compute, computeInto, pipelineFns } from './compute.js';
import { writeShuffle } from './shuffle-write.js';
import type { ActionSpec, TaskPayload, TaskResult } from './task.js';
import { TaskContext } from './task-context.js';
import { FetchFailedError, OperatorError, spillFailure, UserFunctionError } from './user-function-error.js';
import { partitioningFns, runFrameTask } from './frame/frame-task.js';
import { ASYNC_OPERATORS, AsyncResultSeen, learnedAsync } from './async-calls.js';
import { computeAsync, isAsyncPipeline } from './compute-async.js';
import { runActionAsync } from './actions-async.js';
import { computeCuts, releaseCuts } from './deep-lineage.js';
import { localizeInputs, unreadableMaps, type LocalInputs } from './task-regions.js';
import { broadcastDecoded } from './task-context.js';
import type { WorkerServices } from './worker-services.js';
import { noneHeld } from './block-ref.js';

export type TaskOutcome =
  | { ok: true; result: TaskResult }
  | { ok: false; error: TaskErrorInfo; fetchFailed?: { shuffleId: number; mapPartition: number; lost?: number[] } };

/**
 * Runs one task to completion on the current thread: first every stored input it
 * reads is made local through the worker's fetcher, then the stage's fused
 * pipeline runs over one partition, then its output (a shuffle write or an
 * action's partial result) goes to the worker's store or back with the result.
 * Never throws: failures come back as plain data for the scheduler.
 */
export async function runTask(payload: TaskPayload, services: WorkerServices): Promise<TaskOutcome> {
  const started = Date.now();
  let inputs: LocalInputs | undefined;
  try {
    inputs = await localizeInputs(payload, services, (ref) => !broadcastDecoded(ref));
  } catch (e) {
    return failure(e, payload, inputs);
  }
  let ctx = new TaskContext(payload, services, inputs);
  for (;;) {
    try {
      const result = await attempt(payload, ctx);
      ctx.metrics.computeMs = Date.now() - started;
      result.held = services.store.held();
      return { ok: true, result };
    } catch (e) {
      releaseCuts(ctx);
      // Blocks this attempt stored will never be registered: free them.
      services.store.free(ctx.cacheBlocks.map((c) => c.ref.blockId));
      if (!(e instanceof AsyncResultSeen)) return failure(e, payload, inputs);
      if (learnedAsync.has(e.key)) return failure(notAwaitable(e), payload, inputs);
      // A function returned a thenable on the sync path: run the task again on the async path.
      learnedAsync.add(e.key);
      ctx = new TaskContext(payload, services, inputs);
    }
  }
}

async function attempt(payload: TaskPayload, ctx: TaskContext): Promise<TaskResult> {
  const { node, output } = payload;
  const fns = taskFns(payload);
  await ctx.prepare(fns);
  const result: TaskResult = { cacheBlocks: ctx.cacheBlocks, accumulators: [], metrics: ctx.metrics, held: noneHeld() };
  const m = ctx.metrics;
  const async = fns.some((f) => ctx.isAsync(f));
  // A lineage thousands of operators deep is computed in pieces (the async path is not cut).
  if (!async && node.compute.kind !== 'frame') computeCuts(node, payload.partition, ctx, compute);
  if (node.compute.kind === 'frame') {
    Object.assign(result, await runFrameTask(node, output, ctx, async));
  } else if (output.kind === 'shuffleWrite') {
    const forEach = async ? pushAsync(node, payload.partition, ctx) : (sink: (x: unknown) => void): void =>
      computeInto(node, payload.partition, ctx, (x) => {
        m.recordsRead++;
        sink(x);
      });
    // Map-side combining runs the shuffle operator's functions: its errors are that operator's.
    result.mapOutput = await writeShuffle(forEach, output.shuffle, ctx, output.shuffle.op ?? node.op, output.shuffle.site ?? node.site);
  } else if (async) {
    const input = isAsyncPipeline(node, ctx) ? countAsync(computeAsync(node, payload.partition, ctx), ctx) : countRecords(compute(node, payload.partition, ctx), ctx);
    Object.assign(result, await runActionAsync(output.action, input, ctx, actionName(output.action), node.site));
  } else {
    const counted = countRecords(compute(node, payload.partition, ctx), ctx);
    Object.assign(result, runAction(output.action, counted, ctx, actionName(output.action), node.site));
  }
  result.accumulators = ctx.accumulatorUpdates();
  releaseCuts(ctx);
  return result;
}

/** The async path's records pushed into a shuffle write's sink. */
function pushAsync(node: TaskPayload['node'], p: number, ctx: TaskContext): (sink: (x: unknown) => void) => Promise<void> {
  return async (sink) => {
    for await (const b of computeAsync(node, p, ctx)) {
      ctx.metrics.recordsRead += b.length;
      for (let i = 0; i < b.length; i++) sink(b[i]);
    }
  };
}

/** A thenable where nothing awaits it (a shuffle's combining function, a comparator, a Dataset read by a DataFrame). */
function notAwaitable(e: AsyncResultSeen): UserFunctionError {
  const msg =
    `${e.operator}'s function returned a Promise where it cannot be awaited. Async functions are awaited in ${ASYNC_OPERATORS} ` +
    `of Datasets and in DataFrame UDFs; a shuffle's combining functions, comparators and Datasets read by a DataFrame must be synchronous`;
  return new UserFunctionError(new TypeError(msg), e.operator, e.site);
}

function taskFns(payload: TaskPayload): FnSpec[] {
  const fns = pipelineFns(payload.node);
  const out = payload.output;
  if (out.kind === 'shuffleWrite' && out.shuffle.mapSideCombine) fns.push(...aggFnSpecs(out.shuffle.mapSideCombine));
  if (out.kind === 'shuffleWrite') partitioningFns(out.shuffle.frame, fns);
  if (out.kind === 'result') fns.push(...actionFns(out.action));
  return fns;
}

function actionFns(a: ActionSpec): FnSpec[] {
  switch (a.kind) {
    case 'reduce':
    case 'fold':
    case 'foreach':
    case 'foreachPartition':
      return [a.fn];
    case 'aggregate':
      return [a.seqOp];
    case 'takeOrdered':
      return a.compare ? [a.compare] : [];
    default:
      return [];
  }
}

function actionName(a: ActionSpec): string {
  if (a.kind !== 'save') return a.kind;
  return a.format === 'text' ? 'saveAsTextFile' : a.format === 'jsonLines' ? 'saveAsJsonLines' : 'checkpoint';
}

function* countRecords(input: Batches, ctx: TaskContext): Generator<unknown[]> {
  for (const b of input) {
    ctx.metrics.recordsRead += b.length;
    yield b;
  }
}

async function* countAsync(input: AsyncIterable<unknown[]>, ctx: TaskContext): AsyncGenerator<unknown[]> {
  for await (const b of input) {
    ctx.metrics.recordsRead += b.length;
    yield b;
  }
}

function failure(thrown: unknown, p: TaskPayload, inputs: LocalInputs | undefined): TaskOutcome {
  // A spill no operator claimed (a frame operator's, a cache write's) is blamed on the stage.
  const e = spillFailure(thrown, p.node.op, p.node.site);
  const base = { stageId: p.stageId, partition: p.partition, attempt: p.attempt };
  if (e instanceof UserFunctionError) {
    return { ok: false, error: { ...base, operator: e.operator, site: e.site, ...describeThrown(e.cause) } };
  }
  const blamed = e instanceof OperatorError ? { operator: e.operator, site: e.site } : { operator: p.node.op, site: p.node.site };
  const error: TaskErrorInfo = { ...base, ...blamed, ...describeThrown(e), internal: !(e instanceof SluiceError) };
  // Malformed input in failfast mode, a missing file, a type error, an overflow: another attempt meets the same.
  if (isDeterministic(e)) error.fatal = true;
  if (e instanceof FetchFailedError) {
    // One unreadable output often means more (a cleaned-up or full disk): report every one this task
    // was given, so one resubmission of the map stage recomputes them all.
    const lost = unreadableMaps(p, inputs, e.shuffleId, e.owner);
    if (!lost.includes(e.mapPartition)) lost.push(e.mapPartition);
    return { ok: false, error, fetchFailed: { shuffleId: e.shuffleId, mapPartition: e.mapPartition, lost } };
  }
  return { ok: false, error };
}
