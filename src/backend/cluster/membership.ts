import type { WorkerId } from '../../scheduler/events.js';

/**
 * Who is in the cluster, as a pure state machine: events in (a worker joined, sent a
 * heartbeat, its connection closed, time passed), instructions out (this worker is lost,
 * and why). No timers or sockets here, so the rules are tested by feeding events; the
 * backend calls `tick(now)` from one interval timer and carries out what comes back.
 */

export interface MembershipOptions {
  /** How often workers send a heartbeat. */
  heartbeatMs: number;
  /** A worker silent for this many heartbeat periods is lost (its process hangs, or its host is cut off). */
  maxMissedHeartbeats: number;
}

export type MembershipEvent =
  | { type: 'joined'; worker: WorkerId; now: number }
  | { type: 'heartbeat'; worker: WorkerId; now: number }
  | { type: 'closed'; worker: WorkerId; reason: string }
  | { type: 'tick'; now: number };

/**
 * `lost`: report WorkerLost and close the worker's connection; it is never taken back under this id.
 * `refuse`: close the connection that announced an id already used; the worker holding it stays.
 */
export type MembershipInstruction = { type: 'lost' | 'refuse'; worker: WorkerId; reason: string };

export class Membership {
  /** Last time each live worker was heard from (join, heartbeat or any message). */
  private readonly lastSeen = new Map<WorkerId, number>();
  /** Workers already reported lost: a late heartbeat or close for them changes nothing. */
  private readonly gone = new Set<WorkerId>();

  constructor(private readonly opts: MembershipOptions) {
    if (!(opts.heartbeatMs > 0)) throw new RangeError(`heartbeatMs must be positive, got ${opts.heartbeatMs}`);
    if (!(opts.maxMissedHeartbeats >= 1)) throw new RangeError(`maxMissedHeartbeats must be at least 1, got ${opts.maxMissedHeartbeats}`);
  }

  handle(e: MembershipEvent): MembershipInstruction[] {
    switch (e.type) {
      case 'joined':
        // An id is used once: a worker that comes back joins under a new id.
        if (this.gone.has(e.worker) || this.lastSeen.has(e.worker)) return [{ type: 'refuse', worker: e.worker, reason: `worker id ${e.worker} joined twice` }];
        this.lastSeen.set(e.worker, e.now);
        return [];
      case 'heartbeat':
        if (this.lastSeen.has(e.worker)) this.lastSeen.set(e.worker, Math.max(e.now, this.lastSeen.get(e.worker)!));
        return [];
      case 'closed':
        return this.lose(e.worker, e.reason);
      case 'tick': {
        const out: MembershipInstruction[] = [];
        const limit = this.opts.heartbeatMs * this.opts.maxMissedHeartbeats;
        for (const [worker, seen] of [...this.lastSeen]) {
          const silent = e.now - seen;
          if (silent > limit) out.push(...this.lose(worker, `no heartbeat for ${silent} ms (${this.opts.maxMissedHeartbeats} missed)`));
        }
        return out;
      }
    }
  }

  /** Workers currently in the cluster. */
  live(): WorkerId[] {
    return [...this.lastSeen.keys()];
  }

  private lose(worker: WorkerId, reason: string): MembershipInstruction[] {
    if (!this.lastSeen.delete(worker)) return [];
    this.gone.add(worker);
    return [{ type: 'lost', worker, reason }];
  }
}
