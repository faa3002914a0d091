import { pathToFileURL } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';
import type { Session } from '../api/session.js';

/**
 * The job contract of `sluice run`: a module whose default export is
 * `async (session: Session, args: string[]) => unknown`. The CLI creates the
 * session (with --master, --memory, --max-task-failures), attaches progress,
 * the event log and the summary, and prints what the function returns.
 */
export type JobFunction = (session: Session, args: string[]) => unknown;

let registered = false;

/**
 * Imports a job module (.ts, .mts, .js, .mjs). A module without a default-export
 * function is a plain script: importing it runs it, and `fn` is undefined.
 *
 * tsx is registered as a global loader hook rather than used through `tsImport`:
 * tsImport loads the job in its own module namespace, so `import ... from 'sluice'`
 * in the job would get a second copy of the engine (distinct classes, so
 * `instanceof TaskFailedError` in the job would fail against the CLI's session).
 */
export async function loadJob(absPath: string): Promise<{ fn?: JobFunction }> {
  if (!registered) {
    // Both hooks: outside a "type": "module" package a .ts file is CommonJS.
    register();
    registerCjs();
    registered = true;
  }
  const mod = (await import(pathToFileURL(absPath).href)) as { default?: unknown };
  let fn = mod.default;
  // A CommonJS-compiled job arrives as module.exports: { default: fn }.
  if (fn && typeof fn === 'object' && typeof (fn as { default?: unknown }).default === 'function') fn = (fn as { default: unknown }).default;
  return { fn: typeof fn === 'function' ? (fn as JobFunction) : undefined };
}
