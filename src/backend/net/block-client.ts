import type { BlockRegion } from '../../exec/block-ref.js';
import { FetchError } from '../../exec/worker-services.js';
import type { ChunkSink } from '../../exec/exchange/region-landing.js';
import { asBlockReply, BLOCKS_ROLE } from './block-protocol.js';
import { connectPeer, IDLE_CLOSE, type Peer, type TlsFiles } from './peer.js';

export interface BlockClientOptions {
  secret: string | Uint8Array;
  tls?: TlsFiles;
  /** Bytes requested and not yet handed to a sink, over all fetches of this client (Spark's maxBytesInFlight). */
  maxBytesInFlight: number;
  /** Connections to one owner (default 1); a region's requests all go on one of them. */
  maxConnectionsPerPeer?: number;
  /** A connection that delivers nothing for this long while owing bytes fails its regions; also bounds connecting. */
  timeoutMs: number;
  /** Largest single request (default: a quarter of maxBytesInFlight, at least 64 KiB, at most maxBytesInFlight). */
  requestBytes?: number;
  role?: string;
  maxFrameBytes?: number;
}

export interface Address {
  host: string;
  port: number;
}

export type AddressedRegion = BlockRegion & { address: Address };

/** Where fetched bytes go (the exchange core's sink: RegionLanding). */
export type FetchSink = ChunkSink;

interface Fetch {
  regions: readonly AddressedRegion[];
  sink: FetchSink;
  /** Regions not yet ended. */
  left: number;
  /** Sink calls, one after another. */
  chain: Promise<void>;
  error: unknown;
  settle: (err?: unknown) => void;
}

interface Piece {
  fetch: Fetch;
  index: number;
  start: number;
  end: number;
  /** Last piece of its region. */
  last: boolean;
  id: number;
  received: number;
  /** Sent again once already, after its connection was closed as idle before the owner read it. */
  resent?: boolean;
}

interface Conn {
  key: string;
  peer: Peer | undefined;
  /** Pieces sent or waiting for the connection, in request order (answers come in this order). */
  owed: Piece[];
  lastProgress: number;
  dead: boolean;
}

/**
 * Fetches regions of blocks from the workers that own them: many owners at once, requests
 * pipelined on one reused connection per owner, never more than `maxBytesInFlight` bytes
 * requested and not yet delivered. A region that fails (block unknown, owner gone, nothing
 * received for `timeoutMs`) rejects its fetch with a {@link FetchError} naming it.
 */
export class BlockClient {
  private readonly max: number;
  private readonly requestBytes: number;
  private readonly conns = new Map<string, Conn[]>();
  private readonly queue: Piece[] = [];
  private inFlight = 0;
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private closedReason: string | undefined;
  /** Largest bytes-in-flight seen (for tests and metrics). */
  peakBytesInFlight = 0;
  /** Requests sent so far. */
  requests = 0;

  constructor(private readonly opts: BlockClientOptions) {
    const max = opts.maxBytesInFlight;
    if (!(Number.isSafeInteger(max) && max > 0)) throw new RangeError(`maxBytesInFlight must be a positive integer, got ${max}`);
    this.max = max;
    this.requestBytes = Math.max(1, Math.min(max, opts.requestBytes ?? Math.max(max >> 2, 64 * 1024)));
  }

  /** Fetches every region into `sink`; resolves once all were delivered and the sink calls settled. */
  fetch(regions: readonly AddressedRegion[], sink: FetchSink | ((index: number, bytes: Uint8Array) => void | Promise<void>)): Promise<void> {
    const s: FetchSink = typeof sink === 'function' ? { chunk: sink } : sink;
    return new Promise<void>((resolve, reject) => {
      const fetch: Fetch = {
        regions,
        sink: s,
        left: regions.length,
        chain: Promise.resolve(),
        error: undefined,
        settle: (err) => (err === undefined ? resolve() : reject(err)),
      };
      if (this.closedReason !== undefined) return reject(new Error(`BlockClient closed: ${this.closedReason}`));
      for (const r of regions) {
        if (!(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.end >= r.start)) {
          return reject(new RangeError(`bad range [${r.start}, ${r.end}) for block ${r.blockId}`));
        }
      }
      if (regions.length === 0) return resolve();
      for (const index of spreadOverOwners(regions)) {
        const r = regions[index]!;
        if (r.end === r.start) {
          this.deliverEnd(fetch, index);
          continue;
        }
        for (let at = r.start; at < r.end; at += this.requestBytes) {
          const end = Math.min(r.end, at + this.requestBytes);
          this.queue.push({ fetch, index, start: at, end, last: end === r.end, id: 0, received: 0 });
        }
      }
      this.pump();
    });
  }

  /** Fetches regions into memory: the chunks of each region, in order. */
  async fetchAll(regions: readonly AddressedRegion[]): Promise<Uint8Array[][]> {
    const out: Uint8Array[][] = regions.map(() => []);
    await this.fetch(regions, (i, bytes) => void out[i]!.push(bytes));
    return out;
  }

  /** Closes every connection; fetches still running reject. */
  close(reason = 'BlockClient closed'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearInterval(this.timer);
    for (const p of this.queue.splice(0)) this.failFetch(p.fetch, new Error(reason));
    for (const list of this.conns.values()) for (const c of list) this.killConn(c, reason);
    this.conns.clear();
  }

  /** Sends queued pieces while they fit under the bound, oldest first. */
  private pump(): void {
    while (this.queue.length > 0) {
      const p = this.queue[0]!;
      if (p.fetch.error !== undefined) {
        this.queue.shift();
        continue;
      }
      const size = p.end - p.start;
      if (this.inFlight + size > this.max) return;
      this.queue.shift();
      this.inFlight += size;
      this.peakBytesInFlight = Math.max(this.peakBytesInFlight, this.inFlight);
      p.id = this.nextId++;
      const conn = this.connFor(p.fetch.regions[p.index]!);
      conn.owed.push(p);
      if (conn.owed.length === 1) conn.lastProgress = Date.now();
      if (conn.peer) this.request(conn, p);
    }
  }

  private request(conn: Conn, p: Piece): void {
    const r = p.fetch.regions[p.index]!;
    this.requests++;
    conn.peer!.send({ t: 'get', id: p.id, blockId: r.blockId, start: p.start, end: p.end });
  }

  private connFor(r: AddressedRegion): Conn {
    const key = `${r.address.host}:${r.address.port}`;
    let list = this.conns.get(key);
    if (!list) this.conns.set(key, (list = []));
    const n = Math.max(1, this.opts.maxConnectionsPerPeer ?? 1);
    // A region's pieces all hash to one connection, so they arrive in order.
    const slot = n === 1 ? 0 : hash(`${r.blockId}:${r.start}`) % n;
    let conn = list[slot];
    if (!conn || conn.dead) list[slot] = conn = this.openConn(key, r.address);
    return conn;
  }

  private openConn(key: string, address: Address): Conn {
    const conn: Conn = { key, peer: undefined, owed: [], lastProgress: Date.now(), dead: false };
    this.startTimer();
    connectPeer({
      host: address.host,
      port: address.port,
      secret: this.opts.secret,
      tls: this.opts.tls,
      role: this.opts.role ?? BLOCKS_ROLE,
      maxFrameBytes: this.opts.maxFrameBytes,
      timeoutMs: this.opts.timeoutMs,
    }).then(
      (peer) => {
        if (conn.dead) return peer.close('no longer needed');
        conn.peer = peer;
        conn.lastProgress = Date.now();
        peer.onMessage((msg, attachments) => this.onReply(conn, msg, attachments));
        peer.onClose((reason) => this.killConn(conn, `connection to ${key} closed: ${reason}`));
        for (const p of conn.owed) this.request(conn, p);
      },
      (err: Error) => this.killConn(conn, err.message),
    );
    return conn;
  }

  private onReply(conn: Conn, msg: unknown, attachments: Uint8Array[]): void {
    const reply = asBlockReply(msg);
    const p = conn.owed[0];
    if (!reply || !p || reply.id !== p.id) {
      return this.killConn(conn, `protocol error from ${conn.key}: ${reply ? `reply to request ${reply.id} while ${p?.id ?? 'none'} is due` : 'malformed reply'}`);
    }
    conn.lastProgress = Date.now();
    if (reply.t === 'err') {
      conn.owed.shift();
      this.release(p.end - p.start - p.received);
      this.failFetch(p.fetch, new FetchError(p.fetch.regions[p.index]!, reply.reason));
      return this.pump();
    }
    for (const bytes of attachments) {
      p.received += bytes.byteLength;
      if (p.received > p.end - p.start) return this.killConn(conn, `protocol error from ${conn.key}: more bytes than asked for`);
      this.deliverChunk(p.fetch, p.index, bytes);
    }
    if (reply.last) {
      conn.owed.shift();
      if (p.received !== p.end - p.start) {
        this.release(p.end - p.start - p.received);
        this.failFetch(p.fetch, new FetchError(p.fetch.regions[p.index]!, `${conn.key} sent ${p.received} of ${p.end - p.start} bytes`));
        return this.pump();
      }
      if (p.last) this.deliverEnd(p.fetch, p.index);
    }
  }

  /** Queues a chunk on the fetch's sink chain; its credit comes back when the sink is done with it. */
  private deliverChunk(f: Fetch, index: number, bytes: Uint8Array): void {
    f.chain = f.chain
      .then(() => (f.error === undefined ? f.sink.chunk(index, bytes) : undefined))
      .catch((err) => this.failFetch(f, err))
      .finally(() => {
        this.release(bytes.byteLength);
        this.pump();
      });
  }

  private deliverEnd(f: Fetch, index: number): void {
    f.chain = f.chain
      .then(() => (f.error === undefined ? f.sink.end?.(index) : undefined))
      .then(() => {
        if (f.error === undefined && --f.left === 0) f.settle();
      })
      .catch((err) => this.failFetch(f, err));
  }

  private failFetch(f: Fetch, err: unknown): void {
    if (f.error !== undefined) return;
    f.error = err;
    f.settle(err);
  }

  private release(bytes: number): void {
    this.inFlight -= bytes;
  }

  /**
   * Fails every region still owed on the connection and frees their credit. The owner closing
   * the connection as idle is not a failure: a request that crossed its close was never read,
   * so a piece of which nothing arrived is sent again (once) on a new connection.
   */
  private killConn(conn: Conn, reason: string): void {
    if (conn.dead) return;
    conn.dead = true;
    conn.peer?.close(reason);
    const idle = reason.includes(IDLE_CLOSE);
    const again: Piece[] = [];
    for (const p of conn.owed.splice(0)) {
      this.release(p.end - p.start - p.received);
      if (idle && p.received === 0 && !p.resent && p.fetch.error === undefined) again.push({ ...p, id: 0, resent: true });
      else this.failFetch(p.fetch, new FetchError(p.fetch.regions[p.index]!, reason));
    }
    this.queue.unshift(...again);
    // A dead connection stays in its slot until connFor replaces it.
    this.pump();
  }

  private startTimer(): void {
    if (this.timer) return;
    const every = Math.max(10, Math.min(1000, this.opts.timeoutMs >> 2));
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const list of this.conns.values()) {
        for (const c of list) {
          if (c && !c.dead && c.owed.length > 0 && now - c.lastProgress > this.opts.timeoutMs) {
            this.killConn(c, `nothing received from ${c.key} for ${now - c.lastProgress} ms (timeout ${this.opts.timeoutMs} ms)`);
          }
        }
      }
    }, every);
    this.timer.unref();
  }
}

/** Region indexes ordered round-robin over owners, so requests to many owners are in flight at once. */
function spreadOverOwners(regions: readonly AddressedRegion[]): number[] {
  const byOwner = new Map<string, number[]>();
  regions.forEach((r, i) => {
    const key = `${r.address.host}:${r.address.port}`;
    let l = byOwner.get(key);
    if (!l) byOwner.set(key, (l = []));
    l.push(i);
  });
  const lists = [...byOwner.values()];
  const out: number[] = [];
  for (let k = 0; out.length < regions.length; k++) for (const l of lists) if (k < l.length) out.push(l[k]!);
  return out;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
