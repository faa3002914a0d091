/**
 * A worker thread that ends itself (`process.exit` in a user function) leaves no
 * error behind: only an exit code. Before it goes, its `exit` handler writes the
 * stack it died on into shared memory, and the main thread reads it to blame the
 * operator whose function called `process.exit` (compiled functions are named
 * `file [op]` in stacks, see serde/compile-function).
 */
import { pipelineFns } from '../exec/compute.js';
import type { TaskPayload } from '../exec/task.js';
import type { CallSite, TaskErrorInfo } from '../util/errors.js';
import { engineFailure } from './backend.js';

const BYTES = 16 * 1024;

/** The shared buffer one worker thread writes its last stack into. */
export function lastWordsBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(BYTES);
}

/** Worker side: on exit, write the current stack (length first) into `buf`. */
export function recordLastWords(buf: SharedArrayBuffer): void {
  process.on('exit', () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 64;
    const stack = new Error('worker thread exited').stack ?? '';
    Error.stackTraceLimit = limit;
    const bytes = new TextEncoder().encode(stack).subarray(0, BYTES - 4);
    new Uint8Array(buf, 4).set(bytes);
    Atomics.store(new Int32Array(buf), 0, bytes.length);
  });
}

/** Main side: the stack the thread died on, or undefined (it died of an error, or has not exited). */
export function readLastWords(buf: SharedArrayBuffer): string | undefined {
  const n = Atomics.load(new Int32Array(buf), 0);
  return n > 0 ? new TextDecoder().decode(new Uint8Array(buf, 4, n).slice()) : undefined;
}

const USER_FRAME = /^\s*at (?:.*? \()?(.+) \[(\w+)\]:(\d+):(\d+)\)?$/;

/**
 * The failure of `payload`'s task when its thread died of `reason`: blamed on
 * the operator whose function was on the stack the thread died on (with that
 * function's definition site), else on the stage's last operator.
 */
export function deathError(payload: TaskPayload, reason: string, stack: string | undefined): TaskErrorInfo {
  const base = engineFailure(payload, reason);
  const lines = stack?.split('\n') ?? [];
  const at = lines.findIndex((l) => USER_FRAME.test(l));
  if (at < 0) return base;
  const [, file, op, line, column] = USER_FRAME.exec(lines[at]!)!;
  const frame: CallSite = { file: file!, line: Number(line), column: Number(column) };
  return {
    ...base,
    operator: op!,
    site: definitionSite(payload, op!, frame) ?? frame,
    message: `${reason} (process.exit called in ${op})`,
    stack: [`WorkerExit: ${reason}`, ...lines.slice(at)].join('\n'),
  };
}

/** The definition site of the stage's `op` function that contains `frame` (the closest one above it). */
function definitionSite(payload: TaskPayload, op: string, frame: CallSite): CallSite | undefined {
  let best: CallSite | undefined;
  for (const spec of pipelineFns(payload.node)) {
    const s = spec.site;
    if (spec.op !== op || !s || s.file !== frame.file || s.line > frame.line) continue;
    if (!best || s.line > best.line) best = s;
  }
  return best;
}
