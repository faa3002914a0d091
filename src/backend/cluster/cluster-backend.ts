import { randomBytes } from 'node:crypto';
import type { TaskPayload } from '../../exec/task.js';
import type { TaskOutcome } from '../../exec/run-task.js';
import type { WorkerId } from '../../scheduler/events.js';
import type { WireNode } from '../../plan/stages.js';
import { engineFailure, type Backend, type BackendEvent } from '../backend.js';
import { SentPipelines } from '../stage-pipelines.js';
import { DEFAULT_IDLE_TIMEOUT_MS, listenPeers, type Peer, type PeerServer } from '../net/peer.js';
import { serveBlocks } from '../net/block-server.js';
import type { BlockStore } from '../../exec/worker-services.js';
import { noneHeld, type HeldBytes } from '../../exec/block-ref.js';
import { Membership } from './membership.js';
import { SluiceError } from '../../util/errors.js';
import { checkWorkerMessage, decodeMessage, encodeMessage, type DriverToWorker, type PeerAddress } from './protocol.js';

export interface ClusterBackendOptions {
  /** Where the driver listens for workers; loopback on a free port unless given. */
  listen?: { host?: string; port?: number };
  secret: string | Uint8Array;
  tls?: { cert: string; key: string; ca?: string };
  /** How often workers send a heartbeat (told to each worker when it joins). */
  heartbeatMs?: number;
  /** A worker silent for this many heartbeat periods is lost. */
  maxMissedHeartbeats?: number;
  /** A connection that has not said hello this long after its handshake is closed. */
  helloTimeoutMs?: number;
  /** start() resolves once this many workers joined (default 0: at once). */
  minWorkers?: number;
  /** How long start() waits for them before it stops and rejects (default 120 s). */
  joinTimeoutMs?: number;
  maxFrameBytes?: number;
  /** A connection to the driver's block server with no traffic for this long is closed (default 120 s). */
  idleTimeoutMs?: number;
  /** Modules every worker imports before its first task (absolute file: URLs: code sits at the same path on every host). */
  preload?: string[];
  name?: string;
}

/** What the driver knows of one joined worker. */
interface Member {
  id: WorkerId;
  peer: Peer;
  cores: number;
  memory: number;
  host: string;
  blocks: PeerAddress;
  pid: number;
  /** Tasks sent and not yet answered. */
  running: Map<number, TaskPayload>;
  held: HeldBytes;
  /** Stage pipelines the worker holds: sent with a stage's first task there, dropped when the stage ends. */
  pipelines: SentPipelines;
}

const DEFAULT_HEARTBEAT_MS = 1000;
const DEFAULT_MAX_MISSED = 5;

/**
 * The driver side of a cluster: workers dial in (on other machines, or child processes for
 * `processes[N]`), prove they hold the secret (backend/net does the HMAC handshake before any
 * message is read), announce their cores and memory, and run the tasks they are sent. A
 * worker whose connection closes, or who misses heartbeats, is lost with everything it held
 * (`outputsLost`): the scheduler reruns its tasks elsewhere and recomputes its outputs.
 */
export class ClusterBackend implements Backend {
  readonly name: string;
  private emit: (e: BackendEvent) => void = () => {};
  private server?: PeerServer;
  /** Serves the driver's own blocks (parallelize slices, broadcasts) to the workers. */
  private blockServer?: PeerServer;
  private readonly members = new Map<WorkerId, Member>();
  private readonly membership: Membership;
  private readonly heartbeatMs: number;
  private ticker?: NodeJS.Timeout;
  private nextWorker = 1;
  private stopping = false;
  private readonly joinWaiters = new Set<() => void>();
  /** Connections that passed the handshake and have not said hello yet (closed on stop). */
  private readonly pending = new Set<Peer>();

  constructor(private readonly opts: ClusterBackendOptions) {
    this.name = opts.name ?? 'cluster';
    this.heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.membership = new Membership({ heartbeatMs: this.heartbeatMs, maxMissedHeartbeats: opts.maxMissedHeartbeats ?? DEFAULT_MAX_MISSED });
  }

  async start(emit: (e: BackendEvent) => void, driverStore?: BlockStore): Promise<void> {
    this.emit = emit;
    const host = this.opts.listen?.host ?? '127.0.0.1';
    const { secret, tls, maxFrameBytes, idleTimeoutMs } = this.opts;
    this.blockServer = await serveBlocks({ host, port: 0, secret, tls, maxFrameBytes, idleTimeoutMs }, (blockId, start, end) => {
      if (!driverStore) throw new Error('this driver stores no blocks');
      return driverStore.read(blockId, start, end);
    });
    // Workers are silent no longer than their heartbeats allow: membership loses them first; hello has its own timeout.
    const controlIdleMs = Math.max(DEFAULT_IDLE_TIMEOUT_MS, 2 * this.heartbeatMs * (this.opts.maxMissedHeartbeats ?? DEFAULT_MAX_MISSED));
    this.server = await listenPeers({ host, port: this.opts.listen?.port ?? 0, secret, tls, maxFrameBytes, role: 'control', idleTimeoutMs: controlIdleMs }, (peer) => this.admit(peer));
    this.ticker = setInterval(() => this.apply(this.membership.handle({ type: 'tick', now: Date.now() })), this.heartbeatMs);
    this.ticker.unref();
    const min = this.opts.minWorkers ?? 0;
    if (min <= 0) return;
    try {
      await this.waitForWorkers(min, this.opts.joinTimeoutMs ?? 120_000);
    } catch (e) {
      await this.stop();
      throw new SluiceError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Where workers dial (host and port actually bound). */
  address(): { host: string; port: number } {
    if (!this.server) throw new Error('internal: the cluster backend is not started');
    return this.server.address();
  }

  /** Workers in the cluster now (`blocks`: where each serves its blocks). */
  workers(): Array<{ id: WorkerId; host: string; cores: number; memory: number; pid: number; held: HeldBytes; blocks: PeerAddress }> {
    return [...this.members.values()].map(({ id, host, cores, memory, pid, held, blocks }) => ({ id, host, cores, memory, pid, held, blocks }));
  }

  /** Resolves once `n` workers are in the cluster; rejects after `timeoutMs` saying how many joined. */
  waitForWorkers(n: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.members.size < n) return false;
        this.joinWaiters.delete(check);
        clearTimeout(timer);
        resolve();
        return true;
      };
      const timer = setTimeout(() => {
        this.joinWaiters.delete(check);
        reject(new Error(`only ${this.members.size} of ${n} worker(s) joined the cluster within ${timeoutMs} ms (listening on ${JSON.stringify(this.server?.address())})`));
      }, timeoutMs);
      if (!check()) this.joinWaiters.add(check);
    });
  }

  /** A connection passed the handshake: it becomes a worker when it says hello. */
  private admit(peer: Peer): void {
    if (this.stopping) return peer.close('the driver is stopping');
    this.pending.add(peer);
    let member: Member | undefined;
    const timer = setTimeout(() => peer.close('no hello in time'), this.opts.helloTimeoutMs ?? 30_000);
    timer.unref();
    peer.onClose((reason) => {
      clearTimeout(timer);
      this.pending.delete(peer);
      if (member) this.apply(this.membership.handle({ type: 'closed', worker: member.id, reason: `connection closed: ${reason}` }));
    });
    peer.onMessage((raw, attachments) => {
      const m = checkWorkerMessage(decodeMessage(raw, attachments));
      if (typeof m === 'string') return peer.close(`protocol error: ${m}`);
      if (!member) {
        if (m.t !== 'hello') return peer.close(`protocol error: ${m.t} before hello`);
        clearTimeout(timer);
        this.pending.delete(peer);
        member = this.join(peer, m);
        return;
      }
      this.membership.handle({ type: 'heartbeat', worker: member.id, now: Date.now() });
      switch (m.t) {
        case 'hello':
          return peer.close('protocol error: hello twice');
        case 'heartbeat':
          member.held = m.held;
          return this.emit({ type: 'WorkerHeld', worker: member.id, held: m.held });
        case 'done':
          member.held = m.held;
          return this.finished(member, m.taskId, m.outcome as TaskOutcome);
        case 'fatal':
          return peer.close(`worker gave up: ${m.reason}`);
      }
    });
  }

  private join(peer: Peer, hello: Extract<ReturnType<typeof checkWorkerMessage>, { t: 'hello' }>): Member {
    const id = `${hello.host}:${hello.blocks.port}#${this.nextWorker++}`;
    const member: Member = { id, peer, cores: hello.cores, memory: hello.memory, host: hello.host, blocks: hello.blocks, pid: hello.pid, running: new Map(), held: noneHeld(), pipelines: new SentPipelines() };
    const peers: Record<string, PeerAddress> = {};
    for (const o of this.members.values()) peers[o.id] = o.blocks;
    this.members.set(id, member);
    this.apply(this.membership.handle({ type: 'joined', worker: id, now: Date.now() }));
    this.send(member, { t: 'welcome', worker: id, peers, heartbeatMs: this.heartbeatMs, preload: this.opts.preload ?? [], driverBlocks: this.blockServer!.address().port });
    for (const o of this.members.values()) if (o !== member) this.send(o, { t: 'peers', add: { [id]: hello.blocks }, remove: [] });
    this.emit({ type: 'WorkerJoined', worker: id, slots: hello.cores, memory: hello.memory, host: hello.host });
    for (const w of [...this.joinWaiters]) w();
    return member;
  }

  private send(member: Member, msg: DriverToWorker): void {
    const [body, attachments] = encodeMessage(msg);
    member.peer.send(body, attachments);
  }

  launch(worker: WorkerId, payload: TaskPayload): void {
    const member = this.members.get(worker);
    if (!member) {
      // Lost between the scheduler's decision and now: its WorkerLost is already out; fail the task the same way.
      setImmediate(() => this.emit({ type: 'TaskFailed', worker, taskId: payload.taskId, error: engineFailure(payload, `worker ${worker} is gone`) }));
      return;
    }
    member.running.set(payload.taskId, payload);
    try {
      // The pipeline goes flat, and once per worker and stage (see stage-pipelines.ts).
      const msg = member.pipelines.message(payload);
      this.send(member, { t: 'launch', taskId: payload.taskId, payload: msg });
      member.pipelines.sent(msg);
    } catch (e) {
      // A payload that cannot be encoded fails for good; the worker is fine.
      member.running.delete(payload.taskId);
      const error = { ...engineFailure(payload, `could not send the task to ${worker}: ${e instanceof Error ? e.message : String(e)}`), fatal: true };
      setImmediate(() => this.emit({ type: 'TaskFailed', worker, taskId: payload.taskId, error }));
    }
  }

  kill(worker: WorkerId, taskId: number): void {
    const member = this.members.get(worker);
    if (member?.running.has(taskId)) this.send(member, { t: 'kill', taskId });
  }

  /** Tells the owner to drop these blocks (a free may cross the worker's loss: then there is nothing to do). */
  free(worker: WorkerId, blockIds: readonly string[]): void {
    const member = this.members.get(worker);
    if (member && blockIds.length > 0) this.send(member, { t: 'free', blockIds: [...blockIds] });
  }

  releaseStages(nodes: readonly WireNode[]): void {
    for (const member of this.members.values()) {
      const pipelines = nodes.flatMap((n) => member.pipelines.release(n) ?? []);
      if (pipelines.length > 0) this.send(member, { t: 'forget', pipelines });
    }
  }

  private finished(member: Member, taskId: number, outcome: TaskOutcome): void {
    if (!member.running.delete(taskId)) return;
    // A result carries what the worker holds; a failure's figure comes as its own event.
    if (outcome.ok) return this.emit({ type: 'TaskFinished', worker: member.id, taskId, result: { ...outcome.result, held: member.held } });
    this.emit({ type: 'WorkerHeld', worker: member.id, held: member.held });
    this.emit({ type: 'TaskFailed', worker: member.id, taskId, error: outcome.error, fetchFailed: outcome.fetchFailed });
  }

  private apply(instructions: ReturnType<Membership['handle']>): void {
    for (const i of instructions) {
      const member = this.members.get(i.worker);
      if (i.type === 'refuse' || !member) continue;
      this.members.delete(i.worker);
      member.peer.close(i.reason);
      for (const o of this.members.values()) this.send(o, { t: 'peers', add: {}, remove: [i.worker] });
      if (this.stopping) continue;
      const taskErrors: Record<number, ReturnType<typeof engineFailure>> = {};
      for (const [taskId, p] of member.running) taskErrors[taskId] = engineFailure(p, `worker ${i.worker} (pid ${member.pid} on ${member.host}) was lost: ${i.reason}`);
      this.emit({ type: 'WorkerLost', worker: i.worker, reason: i.reason, outputsLost: true, taskErrors });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.ticker) clearInterval(this.ticker);
    const closed = [...this.members.values()].map(
      (m) =>
        new Promise<void>((resolve) => {
          m.peer.onClose(() => resolve());
          this.send(m, { t: 'stop' });
          // A worker that does not hang up by itself is cut off.
          setTimeout(() => {
            m.peer.close('the driver stopped');
            resolve();
          }, 2000).unref();
        }),
    );
    for (const p of this.pending) p.close('the driver stopped');
    await Promise.all(closed);
    this.members.clear();
    await this.server?.close();
    await this.blockServer?.close();
  }
}

/** A fresh random secret (for workers the driver starts itself and hands the secret privately). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}
