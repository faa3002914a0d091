import { SluiceError, describeThrown, type CallSite } from '../util/errors.js';

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

/** A reduce task could not read a map output: that map output must be recomputed. */
export class FetchFailedError extends SluiceError {
  override name = 'FetchFailedError';
  constructor(
    readonly shuffleId: number,
    readonly mapPartition: number,
    cause: unknown,
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
