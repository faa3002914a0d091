import { importModule as marker } from '../serde/ship-function.js';

/**
 * Names a module for a function to use on the worker: pass it in env and the
 * worker imports it before the task runs. Typed as the module itself, so
 * `env.fs.readFileSync(...)` type-checks.
 *
 * ```ts
 * import { importModule } from 'sluice';
 * const sizes = files.map((f, env) => env.fs.statSync(f).size, { fs: importModule<typeof import('node:fs')>('node:fs') });
 * ```
 */
export function importModule<M = any>(specifier: string, from?: string): M {
  return marker(specifier, from) as M;
}
