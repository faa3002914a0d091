/** Base class of every error sluice raises itself (as opposed to errors in user code). */
export class SluiceError extends Error {
  override name = 'SluiceError';
}

/**
 * An engine error that every attempt of the task meets again: a type or plan
 * error found when a task compiles its expressions, an expression the
 * optimizer should have rewritten (a subquery) reaching the evaluator, an int32
 * overflow. A task failing with one fails its job at once (Spark retries every
 * task failure; only failures that can never succeed skip that). Errors thrown
 * by user functions are not classified: they keep Spark's retries, since a
 * user function may depend on time, files or the network.
 * It keeps the name SluiceError: the kind of error, not its retry policy, is
 * what the user reads.
 */
export class DeterministicError extends SluiceError {}

/** Whether running the task again meets `e` again: a DeterministicError, or input that is malformed or missing (not transient). */
export function isDeterministic(e: unknown): boolean {
  return e instanceof DeterministicError || (e instanceof InputError && !e.transient);
}

/** A SQL query named a file that the session's `sqlFileAccess` does not let it read (checked when planned, and again when a worker opens it). */
export class SqlFileAccessError extends DeterministicError {
  override name = 'SqlFileAccessError';
}

/** Where a user function was defined: captured when the transformation is built. */
export interface CallSite {
  file: string;
  line: number;
  column: number;
}

export function formatSite(site: CallSite | undefined): string {
  return site ? `${site.file}:${site.line}:${site.column}` : 'unknown location';
}

/** Plain-data description of a failure inside a task; crosses thread and process boundaries. */
export interface TaskErrorInfo {
  /** The operator that failed, e.g. `map` or `reduceByKey`. */
  operator: string;
  /** Where the operator was defined in user code. */
  site?: CallSite;
  stageId: number;
  partition: number;
  attempt: number;
  /** The original error's class name and message. */
  errorName: string;
  message: string;
  /** The original error's stack, as thrown in user code (file and line of the user's job). */
  stack: string;
  /** True for failures of the engine or the worker (not the user's function). */
  internal?: boolean;
  /**
   * True when running the task again cannot help (malformed input in failfast
   * mode, a missing file, a task that cannot be sent to a worker, a
   * {@link DeterministicError}): the job fails at this first failure instead of
   * retrying it.
   */
  fatal?: boolean;
}

/** A job failed because a task kept failing: carries the user's stack, the operator and the partition. */
export class TaskFailedError extends SluiceError {
  override name = 'TaskFailedError';
  readonly info: TaskErrorInfo;
  readonly attempts: number;
  constructor(info: TaskErrorInfo, attempts: number) {
    const where = `${info.operator} (defined at ${formatSite(info.site)}) on partition ${info.partition} of stage ${info.stageId}`;
    super(`Job aborted: ${where} failed ${attempts} time(s). Last error: ${info.errorName}: ${info.message}`);
    this.info = info;
    this.attempts = attempts;
    this.stack = `${this.name}: ${this.message}\nUser stack (from the worker):\n${info.stack}`;
  }
}

/** A job was cancelled by the user (e.g. Ctrl-C) or because the session stopped. */
export class JobCancelledError extends SluiceError {
  override name = 'JobCancelledError';
}

/** A user function uses a variable that will not exist on the worker. */
export class FreeVariableError extends SluiceError {
  override name = 'FreeVariableError';
}

/**
 * Malformed or missing input: names the file and the line (or byte offset) of
 * the bad record. Retrying cannot help, so a task failing with one fails its
 * job at once, unless `transient` (a file that could not be opened for lack of
 * descriptors or memory, which may work on another attempt).
 */
export class InputError extends SluiceError {
  override name = 'InputError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly transient = false,
  ) {
    super(message);
  }
}

/**
 * An error in the query itself that every attempt meets again, with the same data: a scalar
 * subquery returning several rows, an integer overflow. A task failing with one fails its job at
 * once instead of being retried.
 */
export class QueryError extends DeterministicError {
  override name = 'QueryError';
}

/** System error codes (errno names) that may clear up on a later attempt. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM', 'EBUSY', 'EINTR', 'EIO']);

/** Serializes any thrown value into TaskErrorInfo fields. */
export function describeThrown(e: unknown): { errorName: string; message: string; stack: string } {
  if (e instanceof Error) {
    return { errorName: e.name, message: e.message, stack: e.stack ?? `${e.name}: ${e.message}` };
  }
  const text = typeof e === 'string' ? e : safeString(e);
  return { errorName: 'Error', message: text, stack: `thrown value: ${text}` };
}

function safeString(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
