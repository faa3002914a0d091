import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { FRAME_HEADER_BYTES } from '../spill-file.js';

/**
 * Writes a region of frames (see spill-file.ts) to a file as its bytes arrive, in pieces cut
 * anywhere. Frames written in shared memory carry no checksum (crc 0, see writeFrameInto): this
 * sink computes theirs on the way and patches the header, so the file reads back through
 * readFrames like any block file, every frame verified. Memory held: one header.
 */
export class FramedFileSink {
  private fd: number;
  private pos = 0;
  /** Header bytes of the frame being written, while fewer than 8 arrived. */
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFill = 0;
  /** Of the current frame once its header is in: payload bytes still due, running crc, header's file offset. */
  private left = 0;
  private crc = 0;
  private recompute = false;
  private headerAt = 0;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.pos;
  }

  write(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.byteLength) {
      if (this.left === 0 && this.headerFill < FRAME_HEADER_BYTES) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headerFill, bytes.byteLength - at);
        this.header.set(bytes.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        if (this.headerFill === FRAME_HEADER_BYTES) this.startFrame();
        continue;
      }
      const n = Math.min(this.left, bytes.byteLength - at);
      const piece = bytes.subarray(at, at + n);
      if (this.recompute) this.crc = crc32(piece, this.crc);
      this.put(piece);
      at += n;
      this.left -= n;
      if (this.left === 0) this.endFrame();
    }
  }

  /** Closes the file; a frame cut short is left for the reader to report as truncated. */
  close(): { path: string; bytes: number } {
    if (this.headerFill > 0 && this.left === 0 && this.headerFill < FRAME_HEADER_BYTES) this.put(this.header.subarray(0, this.headerFill));
    closeSync(this.fd);
    this.fd = -1;
    return { path: this.path, bytes: this.pos };
  }

  /** Closes (if open) and deletes the file. */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.path, { force: true });
  }

  private startFrame(): void {
    const view = new DataView(this.header.buffer);
    this.left = view.getUint32(0, true);
    this.recompute = view.getUint32(4, true) === 0;
    this.crc = 0;
    this.headerAt = this.pos;
    this.put(this.header);
    if (this.left === 0) this.endFrame();
  }

  private endFrame(): void {
    if (this.recompute && this.crc !== 0) {
      const fixed = new Uint8Array(4);
      new DataView(fixed.buffer).setUint32(0, this.crc, true);
      writeAll(this.fd, fixed, this.headerAt + 4);
    }
    this.headerFill = 0;
  }

  private put(bytes: Uint8Array): void {
    writeAll(this.fd, bytes, this.pos);
    this.pos += bytes.byteLength;
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let off = 0;
  while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off, position + off);
}
