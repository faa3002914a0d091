import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { decodeValue, encodeValue } from '../../serde/record-codec.js';
import { authenticate, secretKey } from './auth.js';
import { encodeFrame, FrameDecoder } from './frames.js';

/**
 * Authenticated message connections between driver and workers, over TCP or TLS.
 *
 * On the wire, after the handshake of auth.ts, every frame body starts with a kind byte:
 * a message (`MESSAGE`, attachment count, msgpack body) is followed by exactly that many
 * `ATTACHMENT` frames holding raw bytes, written from the caller's buffers without copying;
 * `CLOSE` carries the reason a peer hangs up. Anything else closes the connection.
 */

const MESSAGE = 1;
const ATTACHMENT = 2;
const CLOSE = 3;
/** More attachments than this on one message is malformed (a bound on per-message bookkeeping). */
const MAX_ATTACHMENTS = 1 << 16;

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** An accepted connection with no traffic either way for this long is closed (Spark's spark.network.timeout). */
export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
/** Starts the reason a server gives when it closes an idle connection: the other end may retry what crossed the close. */
export const IDLE_CLOSE = 'idle connection closed';

/** Certificate and key files (PEM paths) for TLS; `ca` verifies the other end's certificate. */
export interface TlsFiles {
  cert: string;
  key: string;
  ca?: string;
}

export interface PeerOptions {
  secret: string | Uint8Array;
  /** The service (e.g. `control`, `blocks`): a connection for one role is refused by another. */
  role: string;
  tls?: TlsFiles;
  maxFrameBytes?: number;
  handshakeTimeoutMs?: number;
}

export interface ListenOptions extends PeerOptions {
  /** Defaults to loopback: listening on other interfaces must be asked for. */
  host?: string;
  /** 0 picks a free port; see {@link PeerServer.address}. */
  port: number;
  /** Connections still in their handshake past which new ones are dropped at once (default 256): strangers cannot pile up. */
  maxPendingHandshakes?: number;
  /**
   * An authenticated connection with nothing sent or received for this long is closed (default
   * {@link DEFAULT_IDLE_TIMEOUT_MS}; 0 never): a peer that proves the secret and then sits silent
   * does not hold a socket forever. One that never finishes the handshake is closed after `handshakeTimeoutMs`.
   */
  idleTimeoutMs?: number;
}

export interface ConnectOptions extends PeerOptions {
  host: string;
  port: number;
  /** Bound on connecting plus the handshake. */
  timeoutMs?: number;
}

export interface PeerServer {
  address(): { host: string; port: number };
  /** Stops listening and closes every connection it accepted. */
  close(): Promise<void>;
}

type MessageHandler = (msg: unknown, attachments: Uint8Array[]) => void;
type CloseHandler = (reason: string) => void;

/**
 * One authenticated connection. `send` never blocks: it queues on the socket, and
 * {@link drained} tells when the queue has gone out. A malformed frame or message, a socket
 * error or a throwing handler closes this connection with a reason (see {@link onClose});
 * none of them throws into the process.
 */
export class Peer {
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** This end's address: the interface through which the other end is reached. */
  readonly localAddress: string;
  private readonly decoder: FrameDecoder;
  private msgHandler: MessageHandler | undefined;
  private closeHandlers: CloseHandler[] = [];
  private early: Array<[unknown, Uint8Array[]]> = [];
  private pending: { msg: unknown; left: number; attachments: Uint8Array[] } | undefined;
  private closedReason: string | undefined;
  private lastActivity = Date.now();
  private idleTimer: NodeJS.Timeout | undefined;
  private corked = false;

  /** `idleTimeoutMs`: close after that long without traffic either way (0 or absent: never). */
  constructor(
    private readonly socket: net.Socket,
    maxFrameBytes: number,
    leftover: Uint8Array[],
    idleTimeoutMs = 0,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? 'unknown';
    if (idleTimeoutMs > 0) this.watchIdle(idleTimeoutMs);
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.finish(`connection error: ${err.message}`));
    socket.on('end', () => this.finish('closed by the other end'));
    socket.on('close', () => this.finish('connection closed'));
    for (const chunk of leftover) this.onData(chunk);
    if (socket.destroyed) this.finish('connection closed');
    else socket.resume();
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Closes the connection once nothing went either way for `ms` (checked when that could first be true). */
  private watchIdle(ms: number): void {
    const check = (): void => {
      if (this.closed) return;
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= ms) return this.close(`${IDLE_CLOSE}: nothing sent or received for ${quiet} ms (idle timeout ${ms} ms)`);
      this.idleTimer = setTimeout(check, ms - quiet);
      this.idleTimer.unref();
    };
    this.idleTimer = setTimeout(check, ms);
    this.idleTimer.unref();
  }

  /** Bytes queued on the socket and not yet handed to the kernel. */
  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Queues `msg` (data, Uint8Array allowed; encoded with serde's record codec) and then each
   * attachment as a raw frame. Returns false, sending nothing, once the connection is closed.
   * Throws a RangeError if a part exceeds the frame limit (a caller's bug, not the peer's).
   */
  send(msg: unknown, attachments: Uint8Array[] = []): boolean {
    if (this.closed) return false;
    if (attachments.length > MAX_ATTACHMENTS) throw new RangeError(`at most ${MAX_ATTACHMENTS} attachments per message`);
    // The record codec the other backends use: bigint, Map, Set, Date and undefined survive as they do between threads.
    const body = encodeValue(msg);
    const head = new Uint8Array(5);
    head[0] = MESSAGE;
    new DataView(head.buffer).setUint32(1, attachments.length);
    const limit = this.decoder.maxFrameBytes;
    if (body.byteLength + head.byteLength > limit) throw new RangeError(`message of ${body.byteLength} bytes exceeds the frame limit of ${limit}`);
    for (const a of attachments) if (a.byteLength + 1 > limit) throw new RangeError(`attachment of ${a.byteLength} bytes exceeds the frame limit of ${limit}`);
    this.lastActivity = Date.now();
    this.cork();
    for (const part of encodeFrame([head, body])) this.socket.write(part);
    for (const a of attachments) for (const part of encodeFrame([ATTACHMENT_KIND, a])) this.socket.write(part);
    return true;
  }

  /**
   * Holds writes until the event loop's next turn, so every message sent meanwhile (a task's
   * hundreds of block requests, the replies to them, launches and results) leaves in one
   * system call instead of one each.
   */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    setImmediate(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  /** Resolves when the socket's write queue is below its high-water mark; rejects once closed. */
  drained(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`peer ${this.remoteAddress} closed: ${this.closedReason}`));
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off('drain', done);
        this.closeHandlers = this.closeHandlers.filter((h) => h !== onClose);
        if (this.closed) reject(new Error(`peer ${this.remoteAddress} closed: ${this.closedReason}`));
        else resolve();
      };
      const onClose = () => done();
      this.socket.on('drain', done);
      this.closeHandlers.push(onClose);
    });
  }

  /** The handler of incoming messages; messages that arrived before it was set are delivered to it first. */
  onMessage(cb: MessageHandler): void {
    this.msgHandler = cb;
    const early = this.early;
    this.early = [];
    for (const [msg, attachments] of early) this.deliver(msg, attachments);
  }

  /** Called once with the reason the connection ended (at once if it already has). */
  onClose(cb: CloseHandler): void {
    if (this.closedReason !== undefined) {
      const reason = this.closedReason;
      queueMicrotask(() => cb(reason));
    } else this.closeHandlers.push(cb);
  }

  /** Tells the other end why, then closes. Messages already queued go out first. */
  close(reason = 'closed'): void {
    if (this.closed) return;
    const why = Buffer.from(reason.slice(0, 1000), 'utf8');
    this.socket.cork();
    for (const part of encodeFrame([CLOSE_KIND, why])) this.socket.write(part);
    this.socket.uncork();
    this.socket.end();
    // A peer that never reads must not keep the socket open forever.
    const timer = setTimeout(() => this.socket.destroy(), 5000);
    timer.unref();
    this.finish(reason);
  }

  /** Drops the connection at once, without a goodbye (for a peer found misbehaving). */
  abort(reason: string): void {
    this.socket.destroy();
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    clearTimeout(this.idleTimer);
    this.early = [];
    this.pending = undefined;
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    for (const h of handlers) {
      try {
        h(reason);
      } catch (err) {
        // A close handler has no connection left to close: report it without crashing the process.
        process.emitWarning(`sluice: a peer close handler threw: ${(err as Error)?.stack ?? err}`);
      }
    }
  }

  private onData(chunk: Uint8Array): void {
    if (this.closed) return;
    this.lastActivity = Date.now();
    let frames: Uint8Array[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      return this.abort(`malformed frame from ${this.remoteAddress}: ${(err as Error).message}`);
    }
    for (const f of frames) {
      if (this.closed) return;
      const why = this.onFrame(f);
      if (why !== undefined) return this.abort(`malformed message from ${this.remoteAddress}: ${why}`);
    }
  }

  /** Returns why the frame is malformed, or undefined. */
  private onFrame(f: Uint8Array): string | undefined {
    if (f.byteLength === 0) return 'empty frame';
    const kind = f[0];
    if (this.pending) {
      if (kind !== ATTACHMENT) return `expected ${this.pending.left} more attachment frame(s), got kind ${kind}`;
      this.pending.attachments.push(f.subarray(1));
      if (--this.pending.left === 0) {
        const { msg, attachments } = this.pending;
        this.pending = undefined;
        this.deliver(msg, attachments);
      }
      return undefined;
    }
    if (kind === CLOSE) {
      const reason = Buffer.from(f.subarray(1)).toString('utf8');
      this.socket.end();
      this.finish(`closed by the other end: ${reason}`);
      return undefined;
    }
    if (kind !== MESSAGE) return `unknown frame kind ${kind}`;
    if (f.byteLength < 5) return 'truncated message header';
    const count = new DataView(f.buffer, f.byteOffset, f.byteLength).getUint32(1);
    if (count > MAX_ATTACHMENTS) return `${count} attachments announced`;
    let msg: unknown;
    try {
      msg = decodeValue(f.subarray(5));
    } catch (err) {
      return `undecodable msgpack (${(err as Error).message})`;
    }
    if (count === 0) this.deliver(msg, []);
    else this.pending = { msg, left: count, attachments: [] };
    return undefined;
  }

  private deliver(msg: unknown, attachments: Uint8Array[]): void {
    if (this.closed) return;
    if (!this.msgHandler) {
      this.early.push([msg, attachments]);
      return;
    }
    try {
      this.msgHandler(msg, attachments);
    } catch (err) {
      this.close(`message handler failed: ${(err as Error)?.message ?? err}`);
    }
  }
}

const ATTACHMENT_KIND = new Uint8Array([ATTACHMENT]);
const CLOSE_KIND = new Uint8Array([CLOSE]);

function tlsBinding(socket: net.Socket): Uint8Array | undefined {
  // Both ends derive the same bytes from their TLS session, and a relay in the middle cannot.
  return socket instanceof tls.TLSSocket ? socket.exportKeyingMaterial(32, 'EXPORTER-sluice-auth', Buffer.alloc(0)) : undefined;
}

function checkOptions(opts: PeerOptions): { maxFrameBytes: number; handshakeTimeoutMs: number } {
  secretKey(opts.secret);
  if (typeof opts.role !== 'string' || opts.role === '') throw new TypeError('a peer role must be a non-empty string');
  return {
    maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    handshakeTimeoutMs: opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
  };
}

/**
 * Listens for peers that prove they hold `secret`; `onPeer` gets each one once authenticated.
 * A connection that fails the handshake is closed before any of its messages is read.
 *
 * ```ts
 * const server = await listenPeers({ port: 0, secret: 's3cret', role: 'control' }, (peer) =>
 *   peer.onMessage((msg, attachments) => peer.send({ echo: msg }, attachments)));
 * const peer = await connectPeer({ ...server.address(), secret: 's3cret', role: 'control' });
 * peer.onMessage((msg) => console.log(msg)); // { echo: { hello: 1 } }
 * peer.send({ hello: 1 });
 * ```
 */
export async function listenPeers(opts: ListenOptions, onPeer: (p: Peer) => void): Promise<PeerServer> {
  const { maxFrameBytes, handshakeTimeoutMs } = checkOptions(opts);
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (!(Number.isFinite(idleTimeoutMs) && idleTimeoutMs >= 0)) throw new RangeError(`idleTimeoutMs must be a non-negative number, got ${idleTimeoutMs}`);
  const host = opts.host ?? '127.0.0.1';
  const sockets = new Set<net.Socket>();
  const maxPending = opts.maxPendingHandshakes ?? 256;
  let pending = 0;
  const accept = (socket: net.Socket) => {
    socket.on('error', () => {}); // reported through the handshake or the Peer; never uncaught
    if (pending >= maxPending) return void socket.destroy();
    pending++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    authenticate(socket, { secret: opts.secret, role: opts.role, side: 'acceptor', timeoutMs: handshakeTimeoutMs, binding: tlsBinding(socket) }).finally(() => pending--).then(
      ({ leftover }) => {
        const peer = new Peer(socket, maxFrameBytes, leftover, idleTimeoutMs);
        try {
          onPeer(peer);
        } catch (err) {
          peer.close(`peer handler failed: ${(err as Error)?.message ?? err}`);
        }
      },
      () => {}, // the socket is already destroyed; a refused stranger is not the server's error
    );
  };
  let server: net.Server;
  if (opts.tls) {
    const { cert, key, ca } = opts.tls;
    server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key), ca: ca ? readFileSync(ca) : undefined }, accept);
    server.on('tlsClientError', () => {}); // a failed TLS handshake is that connection's end only
  } else {
    server = net.createServer(accept);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => process.emitWarning(`sluice: peer server on ${host}: ${err.message}`));
  return {
    address() {
      const a = server.address() as net.AddressInfo;
      return { host: a.address, port: a.port };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

/** Connects to a peer server and runs the handshake; rejects if either fails or `timeoutMs` passes. */
export async function connectPeer(opts: ConnectOptions): Promise<Peer> {
  const { maxFrameBytes, handshakeTimeoutMs } = checkOptions(opts);
  const timeoutMs = opts.timeoutMs ?? handshakeTimeoutMs;
  const started = Date.now();
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    let s: net.Socket;
    const onError = (err: Error) => {
      clearTimeout(timer);
      s.destroy();
      reject(new Error(`cannot connect to ${opts.host}:${opts.port}: ${err.message}`));
    };
    const timer = setTimeout(() => onError(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      s.off('error', onError);
      resolve(s);
    };
    if (opts.tls) {
      const { cert, key, ca } = opts.tls;
      s = tls.connect({
        host: opts.host,
        port: opts.port,
        cert: readFileSync(cert),
        key: readFileSync(key),
        ...(ca ? { ca: readFileSync(ca) } : { rejectUnauthorized: false }),
        // Cluster certificates name no host; who is at the other end is proven by the
        // handshake, bound to this TLS session, not by a host name in the certificate.
        checkServerIdentity: () => undefined,
      });
      s.once('secureConnect', onConnect);
    } else {
      s = net.connect({ host: opts.host, port: opts.port });
      s.once('connect', onConnect);
    }
    s.once('error', onError);
  });
  socket.on('error', () => {}); // reported by the handshake or the Peer
  try {
    const left = Math.max(1, timeoutMs - (Date.now() - started));
    const { leftover } = await authenticate(socket, { secret: opts.secret, role: opts.role, side: 'initiator', timeoutMs: left, binding: tlsBinding(socket) });
    return new Peer(socket, maxFrameBytes, leftover);
  } catch (err) {
    socket.destroy();
    throw new Error(`cannot open a '${opts.role}' connection to ${opts.host}:${opts.port}: ${(err as Error).message}`);
  }
}
