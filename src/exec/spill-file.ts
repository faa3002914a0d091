import { closeSync, fstatSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { SluiceError } from '../util/errors.js';

/** Every frame starts with [u32 LE payload length][u32 LE crc32 of payload]. */
export const FRAME_HEADER_BYTES = 8;

const WRITE_BUFFER = 64 * 1024;
const READ_BUFFER = 64 * 1024;

/** A spilled or stored block failed its checksum or is truncated. Names the file (or block) and byte offset. */
export class CorruptBlockError extends SluiceError {
  override name = 'CorruptBlockError';
  constructor(
    message: string,
    readonly file: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * A spill file could not be created or written (a full disk, a quota, no
 * permission): names the directory. The operator that was spilling is named
 * by whoever catches it first and knows it (see spillFailure).
 */
export class SpillError extends SluiceError {
  override name = 'SpillError';
  constructor(
    readonly dir: string,
    readonly code: string,
    override readonly cause: unknown,
  ) {
    const what = code === 'ENOSPC' ? 'no space left on device' : code === 'EDQUOT' ? 'disk quota exceeded' : (cause as Error).message;
    super(`could not spill to ${dir}: ${what} (${code})`);
  }
}

/**
 * Test hook, per thread: when `code` is set, creating or writing a spill file
 * fails with that system error (a full disk without filling one).
 */
export const spillFaults: { code?: string } = {};

/** A system error from a spill file's directory becomes a SpillError; anything else passes through. */
function spillIo<T>(path: string, io: () => T): T {
  try {
    if (spillFaults.code) throw Object.assign(new Error(`${spillFaults.code}: injected fault, write '${path}'`), { code: spillFaults.code });
    return io();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (e instanceof SluiceError || typeof code !== 'string') throw e;
    throw new SpillError(dirname(path), code, e);
  }
}

/** A frame's payload: one array, or pieces written one after another (e.g. encodeIpcPieces). */
export type Payload = Uint8Array | readonly Uint8Array[];

/** Bytes of a payload. */
export function payloadBytes(payload: Payload): number {
  if (payload instanceof Uint8Array) return payload.byteLength;
  let n = 0;
  for (const p of payload) n += p.byteLength;
  return n;
}

/** Size of `payloadBytes` once framed. */
export function frameSize(payloadBytes: number): number {
  return FRAME_HEADER_BYTES + payloadBytes;
}

/**
 * Writes one frame (header + payload) into shared memory `target` at `at`;
 * returns the offset just after it. The crc field is 0: frames that stay in
 * shared memory are never verified (see readBlockPartition); file frames are
 * written by SpillWriter.
 */
export function writeFrameInto(target: Uint8Array, at: number, payload: Payload): number {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  view.setUint32(at, payloadBytes(payload), true);
  view.setUint32(at + 4, 0, true);
  at += FRAME_HEADER_BYTES;
  if (payload instanceof Uint8Array) {
    target.set(payload, at);
    return at + payload.byteLength;
  }
  for (const p of payload) {
    target.set(p, at);
    at += p.byteLength;
  }
  return at;
}

let counter = 0;
/** A fresh file name under `dir`, unique across processes, threads and calls. */
export function tempPath(dir: string, prefix: string): string {
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  return join(dir, `${prefix}-${process.pid}-${threadId}-${++counter}-${rand}.spill`);
}

/**
 * Appends framed chunks to a new file. Small frames are coalesced in a 64 KiB
 * buffer (fewer syscalls); large ones are written straight from the caller's bytes.
 */
export class SpillWriter {
  private fd: number;
  private readonly buf = Buffer.allocUnsafe(WRITE_BUFFER);
  private fill = 0;
  private written = 0;

  constructor(readonly path: string) {
    this.fd = spillIo(path, () => {
      mkdirSync(dirname(path), { recursive: true });
      return openSync(path, 'w');
    });
  }

  /** Bytes in the file once flushed, i.e. the offset the next frame will start at. */
  get bytes(): number {
    return this.written + this.fill;
  }

  /** Appends one frame holding `payload`. */
  append(payload: Payload): void {
    const pieces = payload instanceof Uint8Array ? [payload] : payload;
    let crc = 0;
    for (const p of pieces) crc = crc32(p, crc);
    const header = new Uint8Array(FRAME_HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint32(0, payloadBytes(payload), true);
    view.setUint32(4, crc, true);
    this.appendRaw(header);
    for (const p of pieces) this.appendRaw(p);
  }

  /** Appends bytes that are already framed (e.g. a region copied from another spill file). */
  appendRaw(bytes: Uint8Array): void {
    this.checkOpen();
    if (bytes.byteLength > WRITE_BUFFER / 2) {
      this.flush();
      this.write(bytes);
      this.written += bytes.byteLength;
      return;
    }
    if (this.fill + bytes.byteLength > WRITE_BUFFER) this.flush();
    this.buf.set(bytes, this.fill);
    this.fill += bytes.byteLength;
  }

  /** Flushes and closes the file. */
  close(): { path: string; bytes: number } {
    this.checkOpen();
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
    return { path: this.path, bytes: this.written };
  }

  /** Closes (if open) and deletes the file: for error paths. */
  abort(): void {
    if (this.fd >= 0) {
      try {
        closeSync(this.fd);
      } catch {
        /* already failing; the delete below matters more */
      }
      this.fd = -1;
    }
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.fill === 0) return;
    this.write(this.buf.subarray(0, this.fill));
    this.written += this.fill;
    this.fill = 0;
  }

  private write(bytes: Uint8Array): void {
    spillIo(this.path, () => writeAll(this.fd, bytes));
  }

  private checkOpen(): void {
    if (this.fd < 0) throw new SluiceError(`SpillWriter: ${this.path} is already closed`);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
}

/**
 * Yields the payloads of the frames in `[offset, offset + length)` of `path`
 * (to the end of the file when `length` is omitted), reading sequentially
 * through a bounded buffer (64 KiB, or one frame if larger). Each payload is a
 * fresh copy; its crc32 is verified. Throws {@link CorruptBlockError} on a crc
 * mismatch or a truncated frame. The file is closed when the generator ends or
 * is returned early.
 */
export function* readFrames(path: string, offset = 0, length?: number): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const end = length === undefined ? fstatSync(fd).size : offset + length;
    let buf = Buffer.allocUnsafe(READ_BUFFER);
    let start = 0; // first unconsumed byte in buf
    let fill = 0; // end of valid bytes in buf
    let filePos = offset; // file offset of buf[fill]
    let pos = offset; // file offset of the next frame

    // Makes at least `n` unconsumed bytes available; false if the region ends first.
    const ensure = (n: number): boolean => {
      if (fill - start >= n) return true;
      if (start > 0) {
        buf.copy(buf, 0, start, fill);
        fill -= start;
        start = 0;
      }
      if (buf.length < n) {
        const bigger = Buffer.allocUnsafe(n);
        buf.copy(bigger, 0, 0, fill);
        buf = bigger;
      }
      while (fill < n) {
        const want = Math.min(buf.length - fill, end - filePos);
        if (want <= 0) return false;
        const got = readSync(fd, buf, fill, want, filePos);
        if (got === 0) return false;
        fill += got;
        filePos += got;
      }
      return true;
    };

    while (pos < end) {
      if (!ensure(FRAME_HEADER_BYTES)) throw truncated(path, pos);
      const len = buf.readUInt32LE(start);
      const crc = buf.readUInt32LE(start + 4);
      if (pos + FRAME_HEADER_BYTES + len > end) throw truncated(path, pos);
      if (!ensure(FRAME_HEADER_BYTES + len)) throw truncated(path, pos);
      const payload = new Uint8Array(buf.subarray(start + FRAME_HEADER_BYTES, start + FRAME_HEADER_BYTES + len));
      if (crc32(payload) !== crc) throw mismatch(path, pos);
      start += FRAME_HEADER_BYTES + len;
      pos += FRAME_HEADER_BYTES + len;
      yield payload;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Yields the payloads of the frames held in `bytes` (e.g. a shared-memory block)
 * as views, without copying; crc32 verified unless `verify` is false. `source`
 * and `baseOffset` only serve error messages.
 */
export function* parseFrames(bytes: Uint8Array, source: string, baseOffset = 0, verify = true): Generator<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.byteLength) {
    if (at + FRAME_HEADER_BYTES > bytes.byteLength) throw truncated(source, baseOffset + at);
    const len = view.getUint32(at, true);
    const crc = view.getUint32(at + 4, true);
    const startPayload = at + FRAME_HEADER_BYTES;
    if (startPayload + len > bytes.byteLength) throw truncated(source, baseOffset + at);
    const payload = bytes.subarray(startPayload, startPayload + len);
    if (verify && crc32(payload) !== crc) throw mismatch(source, baseOffset + at);
    at = startPayload + len;
    yield payload;
  }
}

function truncated(file: string, offset: number): CorruptBlockError {
  return new CorruptBlockError(`corrupt block: truncated frame in ${file} at byte offset ${offset}`, file, offset);
}

function mismatch(file: string, offset: number): CorruptBlockError {
  return new CorruptBlockError(`corrupt block: crc32 mismatch in ${file} for the frame at byte offset ${offset}`, file, offset);
}
