import { open } from 'node:fs/promises';
import type { LocalRegion } from '../../exec/block-ref.js';
import { asGetRequest, BLOCKS_ROLE, type GetRequest } from './block-protocol.js';
import { listenPeers, type ListenOptions, type Peer, type PeerServer } from './peer.js';

/** Reads `[start, end)` of one of this worker's blocks; throws (or rejects) for an unknown block. */
export type ReadRegion = (blockId: string, start: number, end: number) => LocalRegion | Promise<LocalRegion>;

export interface BlockServeOptions {
  /** Bytes per `data` message (default 256 KiB): what one read from a file holds in memory. */
  chunkBytes?: number;
  /** Requests one connection may queue before it is closed as abusive (default 100,000). */
  maxQueuedRequests?: number;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

/**
 * Serves this worker's blocks to authenticated peers on `opts.host:opts.port` (loopback by
 * default), role `blocks`. An unknown block or an unreadable file is an error reply to that
 * request; a malformed request closes that connection.
 *
 * ```ts
 * const data = new Uint8Array([10, 20, 30, 40]);
 * const server = await serveBlocks({ port: 0, secret: 's3cret' }, (blockId, start, end) => {
 *   if (blockId !== 'b1') throw new Error(`no block ${blockId}`); // the fetcher gets a FetchError
 *   return { kind: 'bytes', chunks: [data.subarray(start, end)] }; // or { kind: 'file', path, start, end }
 * });
 * const client = new BlockClient({ secret: 's3cret', maxBytesInFlight: 48 << 20, timeoutMs: 30_000 });
 * const [chunks] = await client.fetchAll([{ blockId: 'b1', worker: 'w1', start: 1, end: 3, address: server.address() }]);
 * // chunks: [Uint8Array [20, 30]]
 * client.close();
 * await server.close();
 * ```
 */
export function serveBlocks(opts: Omit<ListenOptions, 'role'> & { role?: string } & BlockServeOptions, read: ReadRegion): Promise<PeerServer> {
  return listenPeers({ ...opts, role: opts.role ?? BLOCKS_ROLE }, (peer) => attachBlockServer(peer, read, opts));
}

/** Answers block requests arriving on `peer` (for a connection accepted elsewhere). */
export function attachBlockServer(peer: Peer, read: ReadRegion, opts: BlockServeOptions = {}): void {
  const chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxQueued = opts.maxQueuedRequests ?? 100_000;
  const queue: GetRequest[] = [];
  let busy = false;

  const drain = async () => {
    busy = true;
    try {
      for (let req = queue.shift(); req && !peer.closed; req = queue.shift()) await answer(peer, req, read, chunkBytes);
    } catch (err) {
      // The connection went away under us (drained() rejects once closed): nothing to answer.
      if (!peer.closed) peer.close(`block server failed: ${(err as Error)?.message ?? err}`);
    } finally {
      busy = false;
    }
  };
  peer.onMessage((msg) => {
    const req = asGetRequest(msg);
    if (!req) return peer.abort('malformed block request');
    if (queue.length >= maxQueued) return peer.abort(`more than ${maxQueued} block requests queued`);
    queue.push(req);
    if (!busy) void drain();
  });
}

async function answer(peer: Peer, req: GetRequest, read: ReadRegion, chunkBytes: number): Promise<void> {
  let region: LocalRegion;
  try {
    region = await read(req.blockId, req.start, req.end);
  } catch (err) {
    peer.send({ t: 'err', id: req.id, reason: String((err as Error)?.message ?? err) });
    return;
  }
  const want = req.end - req.start;
  if (region.kind === 'bytes') {
    const have = region.chunks.reduce((n, c) => n + c.byteLength, 0);
    if (have !== want) {
      peer.send({ t: 'err', id: req.id, reason: `block ${req.blockId} [${req.start}, ${req.end}) read ${have} bytes, not ${want}` });
      return;
    }
    await sendPieces(peer, req.id, slices(region.chunks, chunkBytes));
    return;
  }
  if (region.end - region.start !== want) {
    peer.send({ t: 'err', id: req.id, reason: `block ${req.blockId} [${req.start}, ${req.end}) maps to ${region.end - region.start} file bytes` });
    return;
  }
  let file;
  try {
    file = await open(region.path, 'r');
  } catch (err) {
    peer.send({ t: 'err', id: req.id, reason: `block ${req.blockId}: ${(err as Error).message}` });
    return;
  }
  try {
    await sendPieces(peer, req.id, fileChunks(file, region.path, region.start, region.end, chunkBytes));
  } catch (err) {
    if (peer.closed) throw err;
    peer.send({ t: 'err', id: req.id, reason: `block ${req.blockId}: ${(err as Error).message}` });
  } finally {
    await file.close();
  }
}

/** Sends pieces as `data` messages, one chunk ahead so the last can be flagged; waits for the socket between. */
async function sendPieces(peer: Peer, id: number, pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
  let prev: Uint8Array | undefined;
  for await (const piece of pieces) {
    if (prev) {
      peer.send({ t: 'data', id, last: false }, [prev]);
      await peer.drained();
    }
    prev = piece;
  }
  peer.send({ t: 'data', id, last: true }, prev ? [prev] : []);
}

function* slices(chunks: Uint8Array[], size: number): Generator<Uint8Array> {
  for (const c of chunks) for (let at = 0; at < c.byteLength; at += size) yield c.subarray(at, Math.min(at + size, c.byteLength));
}

async function* fileChunks(file: import('node:fs/promises').FileHandle, path: string, start: number, end: number, size: number): AsyncGenerator<Uint8Array> {
  for (let at = start; at < end; ) {
    const n = Math.min(size, end - at);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await file.read(buf, 0, n, at);
    if (bytesRead === 0) throw new Error(`${path} ends at ${at}, before byte ${end}`);
    yield buf.subarray(0, bytesRead);
    at += bytesRead;
  }
}
