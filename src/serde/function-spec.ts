import type { CallSite } from '../util/errors.js';

/**
 * A user function as it travels to a worker: its source text plus the explicit
 * environment of captured values. Closures cannot be serialized in JS, so the
 * function must not use any free variable other than worker globals; values it
 * needs come through `env` (its last parameter on the worker).
 */
export interface FnSpec {
  /** Source text as returned by Function.prototype.toString(), normalized to an expression. */
  src: string;
  /** The env's plain data, carried as data only: never inspected for markers (null where a slot goes). */
  env: unknown;
  /** Functions, modules, broadcasts and accumulators of the env, out of band: where each goes and what it is. */
  slots?: EnvSlot[];
  /** Operator label, e.g. `map`, used in errors. */
  op: string;
  /** Where the transformation was defined in user code. */
  site?: CallSite;
  /** Results of an async function awaited at once per task (default 16). */
  concurrency?: number;
}

/**
 * Steps from the env root to a slot: an own key of a plain object, an index of
 * an array, or the position of an entry of a Map (its value). Which one a step
 * is follows from the container it is applied to.
 */
export type EnvPath = Array<string | number>;

/** A value of the env that is not data; made on the driver only from real instances. */
export type EnvSpecial =
  | { kind: 'broadcast'; id: number }
  | { kind: 'accumulator'; id: number; accumulator: 'sum' | 'collection' }
  | { kind: 'module'; specifier: string; resolved: string }
  | { kind: 'fn'; spec: FnSpec };

export interface EnvSlot {
  path: EnvPath;
  value: EnvSpecial;
}

/**
 * The method by which driver-side objects (broadcasts, accumulators, modules)
 * say what they stand for in an env. A symbol, so no data (JSON, msgpack, a
 * structured clone) can ever carry it; `Symbol.for` so two copies of the
 * library loaded in one process agree.
 */
export const ENV_SPECIAL: unique symbol = Symbol.for('sluice.envSpecial');

/** An object that travels in env as a slot rather than as data. */
export interface EnvSpecialSource {
  [ENV_SPECIAL](): EnvSpecial;
}
