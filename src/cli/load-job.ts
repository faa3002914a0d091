import { pathToFileURL } from 'node:url';
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
    register();
    registered = true;
  }
  const mod = (await import(pathToFileURL(absPath).href)) as { default?: unknown };
  return { fn: typeof mod.default === 'function' ? (mod.default as JobFunction) : undefined };
}
