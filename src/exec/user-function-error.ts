import { dirname } from 'node:path';
import { SluiceError, describeThrown, type CallSite } from '../util/errors.js';
import { SpillError } from './spill-file.js';

/** An exception thrown by a user function, tagged with the operator that called it. */
export class UserFunctionError extends SluiceError {
  override name = 'UserFunctionError';
  constructor(
    override readonly cause: unknown,
    readonly operator: string,
    readonly site: CallSite | undefined,
  ) {
    super(describeThrown(cause).message);
  }
}

/**
 * An engine failure inside one operator's own work (writing a sink's files,
 * say), not in a user function: the task's error blames that operator rather
 * than the stage's last one.
 */
export class OperatorError extends SluiceError {
  override name = 'OperatorError';
  constructor(
    message: string,
    readonly operator: string,
    readonly site: CallSite | undefined,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** A reduce task could not read a map output: that map output must be recomputed. */
export class FetchFailedError extends SluiceError {
  override name = 'FetchFailedError';
  constructor(
    readonly shuffleId: number,
    readonly mapPartition: number,
    cause: unknown,
    /** The worker whose block could not be fetched, when that is why (its other outputs are suspect, the rest are not). */
    readonly owner?: string,
  ) {
    super(`could not read output of map partition ${mapPartition} of shuffle ${shuffleId}: ${describeThrown(cause).message}`);
  }
}

/**
 * Attributes an exception to the operator whose user function raised it. Errors
 * sluice raised itself (or already attributed upstream) pass through unchanged.
 */
export function attribute(e: unknown, operator: string, site: CallSite | undefined): Error {
  if (e instanceof SluiceError) return e;
  return new UserFunctionError(e, operator, site);
}

/**
 * What a sink's failure to write its files becomes: a system error (ENOSPC, EACCES...)
 * is blamed on the writing operator and names the directory it was writing in
 * (`tempDir`'s parent, where the output directory appears); errors raised
 * upstream (user functions, bad input) pass through unchanged.
 */
export function sinkFailure(e: unknown, op: string, site: CallSite | undefined, tempDir: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (e instanceof SluiceError || typeof code !== 'string') return e;
  const dir = dirname(tempDir);
  const what = code === 'ENOSPC' ? 'no space left on device' : code === 'EDQUOT' ? 'disk quota exceeded' : describeThrown(e).message;
  return new OperatorError(`${op} could not write its output in ${dir}: ${what} (${code})`, op, site, e);
}

/** A spill that failed (a full disk) blamed on the operator that was spilling, naming the directory; other errors pass through. */
export function spillFailure(e: unknown, op: string, site: CallSite | undefined): unknown {
  return e instanceof SpillError ? new OperatorError(`${op} ${e.message}`, op, site, e) : e;
}
