import { describeThrown, InputError, QueryError, SluiceError, type TaskErrorInfo } from '../util/errors.js';
import type { FnSpec } from '../serde/function-spec.js';
import { aggFnSpecs } from './aggregator-fns.js';
import { runAction } from './actions.js';
import type { Batches } from './batch.js';
import { compute, computeInto, pipelineFns } from './compute.js';
import { freeBlock, offerBlockBuffers, reuseCap } from './block-store.js';
import { writeShuffle } from './shuffle-write.js';
import type { ActionSpec, TaskPayload, TaskResult } from './task.js';
import { TaskContext } from './task-context.js';
import { FetchFailedError, OperatorError, UserFunctionError } from './user-function-error.js';
import type { FramePartitioning } from '../frame/physical/ops.js';
import { computeFrameNode, frameShuffleWrite } from './frame/frame-task.js';
import { runFrameAction } from './frame/frame-actions.js';
import { ASYNC_OPERATORS, AsyncResultSeen, learnedAsync } from './async-calls.js';
import { computeAsync, isAsyncPipeline } from './compute-async.js';
import { runActionAsync } from './actions-async.js';

export type TaskOutcome =
  | { ok: true; result: TaskResult }
  | { ok: false; error: TaskErrorInfo; fetchFailed?: { shuffleId: number; mapPartition: number } };

/**
 * Runs one task to completion on the current thread: the stage's fused pipeline
 * over one partition, then its output (a shuffle write or an action's partial
 * result). Never throws: failures come back as plain data for the scheduler.
 */
export async function runTask(payload: TaskPayload): Promise<TaskOutcome> {
  let ctx = new TaskContext(payload);
  if (payload.reusableBuffers) offerBlockBuffers(payload.reusableBuffers, reuseCap(ctx.budget.limit));
  const started = Date.now();
  for (;;) {
    try {
      const result = await attempt(payload, ctx);
      ctx.metrics.computeMs = Date.now() - started;
      return { ok: true, result };
    } catch (e) {
      // Blocks this attempt stored will never be registered: give their memory back.
      for (const { ref } of ctx.cacheBlocks) freeBlock(ref, ctx.budget);
      if (!(e instanceof AsyncResultSeen)) return failure(e, payload);
      if (learnedAsync.has(e.key)) return failure(notAwaitable(e), payload);
      // A function returned a thenable on the sync path: run the task again on the async path.
      learnedAsync.add(e.key);
      ctx = new TaskContext(payload);
    }
  }
}

async function attempt(payload: TaskPayload, ctx: TaskContext): Promise<TaskResult> {
  const { node, output } = payload;
  const fns = taskFns(payload);
  await ctx.prepare(fns);
  const result: TaskResult = { cacheBlocks: ctx.cacheBlocks, accumulators: [], metrics: ctx.metrics };
  const m = ctx.metrics;
  const async = fns.some((f) => ctx.isAsync(f));
  if (node.compute.kind === 'frame') {
    if (output.kind === 'shuffleWrite') result.mapOutput = frameShuffleWrite(node, output.shuffle.frame as FramePartitioning, ctx);
    else result.value = runFrameAction(output.action, node, computeFrameNode(node, payload.partition, ctx), ctx);
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

/** A thenable where nothing awaits it (a shuffle's combining function, a comparator, a DataFrame UDF). */
function notAwaitable(e: AsyncResultSeen): UserFunctionError {
  const msg =
    `${e.operator}'s function returned a Promise where it cannot be awaited. Async functions are awaited in ${ASYNC_OPERATORS} ` +
    `of Datasets; a shuffle's combining functions, comparators, DataFrame UDFs and Datasets read by a DataFrame must be synchronous`;
  return new UserFunctionError(new TypeError(msg), e.operator, e.site);
}

function taskFns(payload: TaskPayload): FnSpec[] {
  const fns = pipelineFns(payload.node);
  const out = payload.output;
  if (out.kind === 'shuffleWrite' && out.shuffle.mapSideCombine) fns.push(...aggFnSpecs(out.shuffle.mapSideCombine));
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
  return a.kind === 'save' ? (a.format === 'text' ? 'saveAsTextFile' : 'saveAsJsonLines') : a.kind;
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

function failure(e: unknown, p: TaskPayload): TaskOutcome {
  const base = { stageId: p.stageId, partition: p.partition, attempt: p.attempt };
  if (e instanceof UserFunctionError) {
    return { ok: false, error: { ...base, operator: e.operator, site: e.site, ...describeThrown(e.cause) } };
  }
  const blamed = e instanceof OperatorError ? { operator: e.operator, site: e.site } : { operator: p.node.op, site: p.node.site };
  const error: TaskErrorInfo = { ...base, ...blamed, ...describeThrown(e), internal: !(e instanceof SluiceError) };
  // Malformed input in failfast mode, a missing file, an error in the query: the same attempt again meets the same input.
  if ((e instanceof InputError && !e.transient) || e instanceof QueryError) error.fatal = true;
  if (e instanceof FetchFailedError) return { ok: false, error, fetchFailed: { shuffleId: e.shuffleId, mapPartition: e.mapPartition } };
  return { ok: false, error };
}
