import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { Session } from '../api/session.js';
import { attachEventLog } from '../ui/event-log.js';
import { attachProgress } from '../ui/progress.js';
import { JobSummary } from '../ui/summary.js';
import { loadJob } from './load-job.js';
import { formatRunError } from './report-error.js';
import { parseHostPort } from '../backend/launch/address.js';
import { readSecretFile } from '../backend/launch/secret-file.js';

/** Options of `sluice run`. */
export interface RunOptions {
  master?: string;
  memory?: string;
  eventLog?: string;
  /** Progress bars on a TTY, one line per stage otherwise; false for none. */
  progress?: boolean;
  maxTaskFailures?: number;
  /** Print the stage summary to stderr at the end (default true). */
  summary?: boolean;
  /** Run as the driver of a cluster that workers join (`sluice worker`), instead of on this machine's threads. */
  cluster?: ClusterDriverOptions;
}

/** `sluice run --listen host:port --secret-file F --min-workers N`. */
export interface ClusterDriverOptions {
  listen: string;
  secretFile: string;
  minWorkers: number;
}

/** Exit codes of `sluice run`. */
export const EXIT = { ok: 0, failed: 1, interrupted: 130, terminated: 143 } as const;

/**
 * Runs a job file and returns the process exit code. A default-export job gets a
 * session made here (progress, event log and summary attached); a plain script is
 * just imported (it makes its own Session: nothing is attached). The first Ctrl-C
 * cancels the running jobs and stops the session (130; SIGTERM likewise, 143); a second one exits at once.
 */
export async function runJobFile(file: string, args: string[], opts: RunOptions = {}): Promise<number> {
  // Set before importing: a script's own Session.local() reads them.
  if (opts.master) process.env.SLUICE_MASTER = opts.master;
  if (opts.memory) process.env.SLUICE_MEMORY = opts.memory;
  const abs = resolve(file);
  if (!existsSync(abs)) return fail(new Error(`job file not found: ${abs}`));

  let fn;
  try {
    fn = (await loadJob(abs)).fn;
  } catch (e) {
    return fail(e);
  }
  if (!fn) return EXIT.ok; // a script: it ran when imported

  let session: Session;
  try {
    session = opts.cluster ? await clusterSession(opts.cluster, opts) : await Session.local({ master: opts.master, memory: opts.memory, maxTaskFailures: opts.maxTaskFailures });
  } catch (e) {
    return fail(e);
  }
  const summary = new JobSummary();
  const offSummary = summary.attach(session);
  const progress = opts.progress === false ? undefined : attachProgress(session);
  let log: ReturnType<typeof attachEventLog> | undefined;
  try {
    log = opts.eventLog ? attachEventLog(session, opts.eventLog) : undefined;
  } catch (e) {
    progress?.stop();
    await session.stop();
    return fail(e);
  }

  // SIGINT (Ctrl-C) and SIGTERM (kill, a scheduler ending the job) clean up alike: cancel the jobs,
  // stop the session (its spill files), let cancelled saves remove their temporary output.
  let interrupted = false;
  let onSigint!: () => void;
  let onSigterm!: () => void;
  const interruption = new Promise<number>((res) => {
    const onSignal = (code: number, what: string) => () => {
      if (interrupted) process.exit(code); // a second signal: do not wait for cleanup
      interrupted = true;
      progress?.stop();
      process.stderr.write(`\nsluice: ${what}, cancelling jobs (again to exit at once)\n`);
      session.cancelAll(what);
      res(code);
    };
    onSigint = onSignal(EXIT.interrupted, 'interrupted (Ctrl-C)');
    onSigterm = onSignal(EXIT.terminated, 'terminated (SIGTERM)');
  });
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const t0 = performance.now();
  const work = async (): Promise<number> => {
    try {
      const result = await fn(session, args);
      if (interrupted) return interruption;
      progress?.stop(); // clear bars before printing on stdout
      if (result !== undefined) console.log(typeof result === 'string' ? result : inspect(result, { depth: 6, colors: !!process.stdout.isTTY }));
      return EXIT.ok;
    } catch (e) {
      if (interrupted) return interruption; // the JobCancelledError of our own cancel
      progress?.stop();
      process.stderr.write(`${formatRunError(e)}\n`);
      return EXIT.failed;
    }
  };

  const code = await Promise.race([work(), interruption]);
  const wallMs = performance.now() - t0;
  progress?.stop();
  offSummary();
  if (opts.summary !== false) process.stderr.write(`${summary.format({ wallMs })}\n`);
  try {
    await session.stop();
    await log?.close();
  } catch (e) {
    process.stderr.write(`${formatRunError(e)}\n`);
    return code || EXIT.failed;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  return code;
}

function fail(e: unknown): number {
  process.stderr.write(`${formatRunError(e)}\n`);
  return EXIT.failed;
}

/** A driver session that `minWorkers` workers join; the secret comes from a file only its owner may read. */
function clusterSession(c: ClusterDriverOptions, opts: RunOptions): Promise<Session> {
  parseHostPort(c.listen, '--listen');
  const secret = readSecretFile(c.secretFile, '--secret-file');
  return Session.cluster({ listen: c.listen, secret, minWorkers: c.minWorkers, ...(opts.maxTaskFailures !== undefined ? { maxTaskFailures: opts.maxTaskFailures } : {}) });
}
