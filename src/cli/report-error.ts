import { SluiceError, type TaskErrorInfo } from '../util/errors.js';

// By name too: a job that bundles its own copy of sluice raises errors of other classes.
const SLUICE_ERRORS = new Set(['SluiceError', 'JobCancelledError', 'FreeVariableError', 'InputError', 'QueryError']);

/**
 * What the CLI prints for a failed run: the message; for a task failure also the
 * user's stack from the worker; for an error in the job's own (driver) code its stack.
 */
export function formatRunError(e: unknown): string {
  if (!(e instanceof Error)) return `error: ${String(e)}`;
  const info = (e as { info?: TaskErrorInfo }).info;
  if (e.name === 'TaskFailedError' && info) {
    return `error: ${e.message}\nUser stack (from the worker):\n${indent(info.stack)}`;
  }
  // Engine errors explain themselves; their stacks are the engine's, not the user's.
  if (e instanceof SluiceError || SLUICE_ERRORS.has(e.name)) return `error: ${e.message}`;
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return `error: ${e.name}: ${e.message}${frames.length ? `\n${frames.join('\n')}` : ''}`;
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l.trimStart().startsWith('at ') ? l.trimStart() : l}`).join('\n');
}
