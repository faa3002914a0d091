import { createWriteStream } from 'node:fs';
import type { Listener, SluiceEvent } from '../scheduler/bus.js';

/**
 * Appends every event to `path` as one JSON line (Spark's event log), for
 * replay, reports and debugging: jobs, stages and tasks (each task naming the
 * worker that ran it), workers joining (host, cores, memory) and lost (why), and
 * what every worker's store holds (blocks, bytes in memory and on disk) whenever
 * that changed, at most every two seconds. Writes are buffered: `close()` flushes,
 * detaches the listener, and rejects if any write failed.
 */
export function attachEventLog(session: { on(l: Listener): () => void }, path: string): { close(): Promise<void> } {
  const out = createWriteStream(path, { flags: 'a' });
  let failure: Error | undefined;
  let corked = false;
  let off: (() => void) | undefined;
  // Without a handler a failing disk would crash the process from inside the bus.
  out.on('error', (err) => {
    failure ??= err;
    off?.();
  });

  off = session.on((e: SluiceEvent) => {
    if (failure) return;
    // Cork until the next tick so a burst of task events becomes one write.
    if (!corked) {
      out.cork();
      corked = true;
      process.nextTick(() => {
        corked = false;
        out.uncork();
      });
    }
    out.write(`${JSON.stringify(e)}\n`);
  });

  let closing: Promise<void> | undefined;
  return {
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve, reject) => {
        off?.();
        const done = (err?: Error | null): void => {
          failure ??= err ?? undefined;
          if (failure) reject(failure);
          else resolve();
        };
        if (out.destroyed || out.closed) return done();
        // end's callback also receives an error of the still-pending open (e.g. a missing directory).
        out.end(done);
      });
      return closing;
    },
  };
}
