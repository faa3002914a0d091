import { totalmem } from 'node:os';
import { parseBytes } from '../util/bytes.js';
import { SluiceError } from '../util/errors.js';
import type { Backend } from './backend.js';

/** For schemes whose workers dial in (`cluster`): what they must prove, and how many to wait for. */
export interface ClusterSchemeOptions {
  /** The shared secret every worker proves it holds (HMAC challenge–response). Default: `$SLUICE_SECRET`. */
  secret?: string;
  /** Workers to wait for before the session starts. Default 1. */
  minWorkers?: number;
  /** How long to wait for them. Default 120 s. */
  joinTimeoutMs?: number;
  /** TLS for every connection, control and blocks (PEM file paths). */
  tls?: { cert: string; key: string; ca?: string };
}

/** What every backend is started with, whatever its scheme. */
export interface BackendOptions {
  /** Memory budget per worker (`'512m'`, bytes), or undefined for a share of this machine's RAM. */
  memory?: string | number;
  /** Modules each worker imports before its first task (io sources and sinks, user plugins). */
  preload: string[];
  /** Options of schemes whose workers join over the network (ignored by the others). */
  cluster?: ClusterSchemeOptions;
}

/** A master string made into a backend, and how many tasks it runs at once (the default parallelism). */
export interface CreatedBackend {
  backend: Backend;
  /** A function when it is known only once the backend started (workers that dial in): called then. */
  parallelism: number | (() => number);
}

/**
 * Makes a backend from a master string of its scheme (`local[4]`, `processes[2]`, ...).
 * `parse` checks the string when the session is configured (before anything starts) and
 * throws a SluiceError saying what is wrong; `create` builds the backend.
 */
export interface BackendFactory {
  /** The forms this scheme accepts, for error messages: `local, local[N], local[*]`. */
  usage: string;
  parse(master: string): void;
  create(master: string, opts: BackendOptions): CreatedBackend;
}

const factories = new Map<string, BackendFactory>();

/**
 * Registers a backend under `scheme`, the leading word of its master strings
 * (`registerBackend('processes', factory)` serves `processes[2]`). A later
 * registration of the same scheme replaces the earlier one.
 *
 * ```ts
 * registerBackend('inline', { usage: 'inline', parse: () => {}, create: (_m, o) => ({ backend: new InlineBackend({ memoryPerWorker: memoryPerWorker(o.memory, 1) }), parallelism: 1 }) });
 * ```
 */
export function registerBackend(scheme: string, factory: BackendFactory): void {
  if (!/^[a-z][a-z0-9-]*$/.test(scheme)) throw new SluiceError(`invalid backend scheme "${scheme}": use lower-case letters, digits and '-'`);
  factories.set(scheme, factory);
}

/** Schemes registered so far, sorted. */
export function backendSchemes(): string[] {
  return [...factories.keys()].sort();
}

/** The factory of a master string's scheme; an unknown scheme is an error listing the known ones. */
export function backendFactory(master: string): BackendFactory {
  const text = master.trim();
  const scheme = /^[a-z][a-z0-9-]*/.exec(text)?.[0] ?? '';
  const factory = factories.get(scheme);
  if (!factory) {
    const known = backendSchemes().map((s) => factories.get(s)!.usage);
    throw new SluiceError(`unknown master "${master}": the registered backends are ${known.join('; ')}`);
  }
  return factory;
}

/** The per-worker memory budget: as given, or a share of RAM (half of it split over the workers, at most 2 GiB each). */
export function memoryPerWorker(memory: string | number | undefined, workers: number): number {
  if (memory !== undefined) return parseBytes(memory);
  return Math.min(2 * 1024 ** 3, Math.floor(totalmem() / 2 / workers));
}
