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
  /** Encoded environment (see EnvValue): plain data plus markers for broadcasts, accumulators, modules, functions. */
  env: EnvValue | undefined;
  /** Operator label, e.g. `map`, used in errors. */
  op: string;
  /** Where the transformation was defined in user code. */
  site?: CallSite;
}

/** Markers that stand for non-data values inside an encoded env. */
export type EnvMarker =
  | { __sluice: 'broadcast'; id: number }
  | { __sluice: 'accumulator'; id: number; kind: 'sum' | 'collection' }
  | { __sluice: 'module'; specifier: string; resolved: string }
  | { __sluice: 'fn'; spec: FnSpec };

/** Plain data (anything msgpack/structured clone can carry) with EnvMarkers where needed. */
export type EnvValue = unknown;
