/**
 * The control plane between a driver and its workers: plain-data messages (msgpack over the
 * authenticated frames of backend/net). Every message a side receives is checked here before
 * it is acted on: a peer that holds the secret can still be buggy, and a message of the wrong
 * shape closes its connection instead of throwing somewhere inside the backend.
 */
import { deserialize, serialize } from 'node:v8';
import type { HeldBytes } from '../../exec/block-ref.js';

/** Bumped when a message changes shape: a driver and a worker of different versions refuse each other. */
export const PROTOCOL_VERSION = 2;

export interface PeerAddress {
  host: string;
  port: number;
}

/** Worker → driver. */
export type WorkerToDriver =
  /** First message: what the worker offers. One slot per core. */
  | { t: 'hello'; version: number; cores: number; memory: number; host: string; blocks: PeerAddress; pid: number }
  | { t: 'heartbeat'; held: HeldBytes; running: number[] }
  /** `outcome` is the task runner's outcome (plain data). */
  | { t: 'done'; taskId: number; outcome: unknown; held: HeldBytes }
  /** The worker cannot go on (its task thread could not be restarted); it closes after this. */
  | { t: 'fatal'; reason: string };

/** Driver → worker. */
export type DriverToWorker =
  /** Answer to hello: the id the driver knows the worker by, and the block servers of everyone else. */
  /** `driverBlocks`: the port of the driver's block server, on the host the worker dialed. */
  | { t: 'welcome'; worker: string; peers: Record<string, PeerAddress>; heartbeatMs: number; preload: string[]; driverBlocks: number }
  | { t: 'peers'; add: Record<string, PeerAddress>; remove: string[] }
  /** `payload`: a RunMessage (stage-pipelines.ts): the stage's pipeline only with its first task on this worker. */
  | { t: 'launch'; taskId: number; payload: unknown }
  | { t: 'kill'; taskId: number }
  | { t: 'free'; blockIds: string[] }
  /** Stage pipelines the worker may drop: their stages are done. */
  | { t: 'forget'; pipelines: number[] }
  | { t: 'stop' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isStr = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length <= max;

function isAddress(v: unknown): v is PeerAddress {
  return isObj(v) && isStr(v.host, 255) && isNat(v.port) && v.port < 65536;
}

function isHeld(v: unknown): v is HeldBytes {
  return isObj(v) && isNat(v.blocks) && isNat(v.memory) && isNat(v.disk);
}

/** The message if it is a well-formed worker message, else why not (the connection is closed with it). */
export function checkWorkerMessage(m: unknown): WorkerToDriver | string {
  if (typeof m === 'string') return m;
  if (!isObj(m)) return 'a message is not an object';
  switch (m.t) {
    case 'hello':
      if (m.version !== PROTOCOL_VERSION) return `protocol version ${String(m.version)} is not ${PROTOCOL_VERSION}`;
      if (!isNat(m.cores) || m.cores < 1 || m.cores > 4096) return 'hello: cores must be an integer in 1..4096';
      if (!isNat(m.memory)) return 'hello: memory must be a byte count';
      if (!isStr(m.host, 255) || !isAddress(m.blocks) || !isNat(m.pid)) return 'hello: host, blocks or pid malformed';
      return m as WorkerToDriver;
    case 'heartbeat':
      if (!isHeld(m.held) || !Array.isArray(m.running) || !m.running.every(isNat)) return 'heartbeat malformed';
      return m as WorkerToDriver;
    case 'done':
      if (!isNat(m.taskId) || !isHeld(m.held) || !isObj(m.outcome) || typeof m.outcome.ok !== 'boolean') return 'done malformed';
      return m as WorkerToDriver;
    case 'fatal':
      return isStr(m.reason, 100_000) ? (m as WorkerToDriver) : 'fatal malformed';
    default:
      return `unknown message type ${JSON.stringify(String(m.t)).slice(0, 40)}`;
  }
}

/** The message if it is a well-formed driver message, else why not. */
export function checkDriverMessage(m: unknown): DriverToWorker | string {
  if (typeof m === 'string') return m;
  if (!isObj(m)) return 'a message is not an object';
  switch (m.t) {
    case 'welcome':
      if (!isStr(m.worker, 255) || !isObj(m.peers) || !Object.values(m.peers).every(isAddress) || !isNat(m.heartbeatMs) || m.heartbeatMs < 1) return 'welcome malformed';
      if (!Array.isArray(m.preload) || !m.preload.every((p) => isStr(p, 4096)) || !isNat(m.driverBlocks) || m.driverBlocks > 65535) return 'welcome malformed';
      return m as DriverToWorker;
    case 'peers':
      if (!isObj(m.add) || !Object.values(m.add).every(isAddress) || !Array.isArray(m.remove) || !m.remove.every((r) => isStr(r, 255))) return 'peers malformed';
      return m as DriverToWorker;
    case 'launch':
      return isNat(m.taskId) && isObj(m.payload) ? (m as DriverToWorker) : 'launch malformed';
    case 'kill':
      return isNat(m.taskId) ? (m as DriverToWorker) : 'kill malformed';
    case 'free':
      return Array.isArray(m.blockIds) && m.blockIds.every((b) => isStr(b, 1024)) ? (m as DriverToWorker) : 'free malformed';
    case 'forget':
      return Array.isArray(m.pipelines) && m.pipelines.every(isNat) ? (m as DriverToWorker) : 'forget malformed';
    case 'stop':
      return m as DriverToWorker;
    default:
      return `unknown message type ${JSON.stringify(String(m.t)).slice(0, 40)}`;
  }
}

/**
 * The field of each message that carries user values (a task's payload with its functions' env,
 * an outcome with its results): sent as one attachment in the structured-clone format, so Map,
 * Set, Date, typed arrays and undefined arrive as they left, exactly as between threads. The rest
 * of a message stays msgpack. Structured clone is data only: deserializing runs no code.
 */
const CARRIED: Record<string, string> = { launch: 'payload', done: 'outcome' };

/** `msg` split into what goes as msgpack and its attachments. */
export function encodeMessage(msg: DriverToWorker | WorkerToDriver): [unknown, Uint8Array[]] {
  const field = CARRIED[msg.t];
  if (!field) return [msg, []];
  const { [field]: carried, ...rest } = msg as unknown as Record<string, unknown>;
  return [rest, [serialize(carried)]];
}

/** The message with its carried field restored from its attachment, or why it cannot be. */
export function decodeMessage(raw: unknown, attachments: readonly Uint8Array[]): unknown {
  if (!isObj(raw) || typeof raw.t !== 'string') return raw;
  const field = CARRIED[raw.t];
  if (!field) return attachments.length === 0 ? raw : `${raw.t} with unexpected attachments`;
  if (attachments.length !== 1) return `${raw.t} without its ${field}`;
  try {
    return { ...raw, [field]: deserialize(attachments[0]!) };
  } catch (e) {
    return `${raw.t}: its ${field} cannot be decoded (${e instanceof Error ? e.message : String(e)})`;
  }
}
