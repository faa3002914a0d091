/**
 * A `processes[N]` worker: a child the driver forked. Its orders (the driver's address and
 * secret) come over the fork's IPC channel, never argv or the environment, where other users
 * of the machine could read them. It exits when its driver goes: the driver's connection
 * drops, or the IPC channel closes (the parent died, even by kill -9).
 */
import { runWorker, type WorkerOptions } from './worker-process.js';

if (!process.send) throw new Error('process-entry must be started with child_process.fork');

process.on('disconnect', () => process.exit(0));
process.once('message', (opts: WorkerOptions) => {
  runWorker(opts).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`sluice worker ${process.pid}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
});
process.send('started');
