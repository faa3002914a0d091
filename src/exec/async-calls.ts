import { SluiceError, type CallSite } from '../util/errors.js';

/**
 * Async user functions. A task runs synchronously (one push loop per batch) until
 * one of its functions is declared `async` or returns a thenable; then it runs
 * again with the record pipeline as async iterables, awaiting results with at
 * most `concurrency` calls in flight per operator and keeping record order.
 */

/** In-flight calls per operator and task when the operator does not say (`{ concurrency }`). */
export const DEFAULT_CONCURRENCY = 16;

const AsyncFunctionProto = Object.getPrototypeOf(async () => {}) as object;
const AsyncGeneratorFunctionProto = Object.getPrototypeOf(async function* () {}) as object;

/** Declared `async` (or `async function*`): known to need the async pipeline before it is called. */
export function isDeclaredAsync(f: Function): boolean {
  const p = Object.getPrototypeOf(f) as object;
  return p === AsyncFunctionProto || p === AsyncGeneratorFunctionProto;
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Thrown on the synchronous path when a function that was not declared async
 * returns a thenable: the task starts again on the async path (this worker then
 * knows the function is async). Not a user error: it never reaches the driver.
 */
export class AsyncResultSeen extends SluiceError {
  override name = 'AsyncResultSeen';
  constructor(
    readonly key: string,
    readonly operator: string,
    readonly site: CallSite | undefined,
    abandoned?: unknown,
  ) {
    super(`${operator} returned a Promise on the synchronous path`);
    // Nothing will await the result left behind: its rejection must not become an unhandled one (which ends a worker).
    if (isThenable(abandoned)) abandoned.then(undefined, () => {});
  }
}

/** Operators whose functions may be async (the async path awaits them). */
export const ASYNC_OPERATORS =
  'map, filter, flatMap, mapValues, flatMapValues, keyBy, mapPartitions(WithIndex), foreach, foreachPartition, reduce, fold and aggregate';

/** The worker-wide identity of a shipped function (same source and definition site). */
export function fnKey(spec: { src: string; site?: { file: string; line: number; column: number } }): string {
  return spec.site ? `${spec.site.file}:${spec.site.line}:${spec.site.column}\u0000${spec.src}` : spec.src;
}

/** Functions this worker has seen return thenables (a task using one starts on the async path). */
export const learnedAsync = new Set<string>();

/**
 * Calls `f` on each of `xs` in order, awaiting thenable results with at most
 * `limit` in flight, and returns the results in input order. A rejection stops
 * new calls; it is thrown once the calls already in flight have settled (so none
 * is left running unobserved).
 */
export async function mapBounded(xs: readonly unknown[], f: (x: unknown) => unknown, limit: number): Promise<unknown[]> {
  const out = new Array<unknown>(xs.length);
  let inFlight = 0;
  let failed: { e: unknown } | undefined;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    inFlight--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  const waitBelow = async (n: number): Promise<void> => {
    while (inFlight > n) await new Promise<void>((r) => (wake = r));
  };
  for (let i = 0; i < xs.length && !failed; i++) {
    let r: unknown;
    try {
      r = f(xs[i]);
    } catch (e) {
      failed = { e };
      break;
    }
    if (!isThenable(r)) {
      out[i] = r;
      continue;
    }
    inFlight++;
    Promise.resolve(r).then(
      (v) => {
        out[i] = v;
        settle();
      },
      (e: unknown) => {
        failed ??= { e };
        settle();
      },
    );
    if (inFlight >= limit) await waitBelow(limit - 1);
  }
  await waitBelow(0);
  if (failed) throw failed.e;
  return out;
}

/** Awaits `v` if it is a thenable, without a microtask when it is not. */
export function awaitIf<T>(v: T | PromiseLike<T>): T | Promise<T> {
  return isThenable(v) ? Promise.resolve(v) : v;
}
