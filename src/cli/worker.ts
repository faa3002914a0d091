import type { WorkerOptions } from '../backend/cluster/worker-process.js';
import { accessSync, constants, mkdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { formatHostPort, parseHostPort } from '../backend/launch/address.js';
import { readSecretFile } from '../backend/launch/secret-file.js';
import { parseBytes } from '../util/bytes.js';
import { SluiceError } from '../util/errors.js';

/** Options of `sluice worker` as commander hands them over (strings, unvalidated). */
export interface WorkerCliOptions {
  driver: string;
  secretFile: string;
  cores?: string;
  memory?: string;
  dir?: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  /** Seconds to keep retrying while the driver is not yet listening (a worker may start first). */
  connectTimeout?: string;
}

/** What `runWorker` receives (its options, less the test hooks). */
export type WorkerSettings = Pick<WorkerOptions, 'driver' | 'secret' | 'cores' | 'memory' | 'dir' | 'host' | 'tls'>;

/**
 * Validates `sluice worker` options into runWorker's settings. Every error names the option and
 * the value (an unreadable or too-open secret file, a bad memory size or address). Defaults: the
 * cores of this machine, or of this node's Slurm allocation (`SLURM_CPUS_ON_NODE`); 3/4 of RAM;
 * `$TMPDIR/sluice-worker`.
 */
export function workerSettings(o: WorkerCliOptions, env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const driver = formatHostPort(parseHostPort(o.driver, '--driver'));
  const cores = o.cores === undefined ? Number(env.SLURM_CPUS_ON_NODE) || availableParallelism() : positiveInt(o.cores, '--cores');
  const memory = o.memory === undefined ? Math.floor(totalmem() * 0.75) : memorySize(o.memory);
  const dir = resolve(o.dir ?? join(tmpdir(), 'sluice-worker'));
  usableDir(dir);
  if (o.host !== undefined && !/^[^\s/:[\]]+$|^[0-9a-fA-F:.]+$/.test(o.host)) throw new SluiceError(`--host: invalid host "${o.host}": expected a host name or an IP address`);
  const secret = readSecretFile(o.secretFile, '--secret-file');
  const settings: WorkerSettings = { driver, secret, cores, memory, dir };
  if (o.host !== undefined) settings.host = o.host;
  const tls = tlsFiles(o);
  if (tls) settings.tls = tls;
  return settings;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new SluiceError(`${what}: expected a positive integer, got "${text}"`);
  return n;
}

function memorySize(text: string): number {
  let n: number;
  try {
    n = parseBytes(text);
  } catch (e) {
    throw new SluiceError(`--memory: ${(e as Error).message}`);
  }
  if (n < 16 * 1024 * 1024) throw new SluiceError(`--memory: ${text} is too small for a worker (at least 16m)`);
  return n;
}

function usableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new SluiceError(`--dir: ${dir} is not a directory`);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    throw new SluiceError(`--dir: cannot use ${dir} as the worker's scratch directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function tlsFiles(o: WorkerCliOptions): WorkerSettings['tls'] {
  if (o.tlsCert === undefined && o.tlsKey === undefined) {
    if (o.tlsCa !== undefined) throw new SluiceError('--tls-ca needs --tls-cert and --tls-key');
    return undefined;
  }
  if (o.tlsCert === undefined || o.tlsKey === undefined) throw new SluiceError('--tls-cert and --tls-key go together: give both');
  const tls: NonNullable<WorkerSettings['tls']> = { cert: pem(o.tlsCert, '--tls-cert'), key: pem(o.tlsKey, '--tls-key') };
  if (o.tlsCa !== undefined) tls.ca = pem(o.tlsCa, '--tls-ca');
  return tls;
}

function pem(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SluiceError(`${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!text.includes('-----BEGIN ')) throw new SluiceError(`${what}: ${path} is not a PEM file (no "-----BEGIN" line)`);
  return text;
}

/** The seconds a worker retries a refused connection: the driver of a Slurm job may start after its workers. */
export function connectTimeoutMs(o: WorkerCliOptions): number {
  if (o.connectTimeout === undefined) return 120_000;
  const s = Number(o.connectTimeout);
  if (!Number.isFinite(s) || s < 0) throw new SluiceError(`--connect-timeout: expected a number of seconds, got "${o.connectTimeout}"`);
  return s * 1000;
}
