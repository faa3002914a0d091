/**
 * Length-prefixed binary frames: a 4-byte big-endian body length, then the body.
 *
 * The length is checked against a limit before a single body byte is buffered, so a peer
 * cannot make us allocate more than `maxFrameBytes` (plus one socket chunk) per connection.
 */

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest body the 4-byte prefix can describe. */
export const MAX_FRAME_LIMIT = 0xffff_ffff;

/** Input that is not a valid frame stream: a frame over the limit, or bytes after a failure. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** The chunks to write for one frame whose body is the concatenation of `body` (not copied). */
export function encodeFrame(body: Uint8Array[]): Uint8Array[] {
  let length = 0;
  for (const b of body) length += b.byteLength;
  if (length > MAX_FRAME_LIMIT) throw new FrameError(`frame body of ${length} bytes exceeds the 4-byte length prefix`);
  const header = new Uint8Array(FRAME_HEADER_BYTES);
  new DataView(header.buffer).setUint32(0, length);
  return [header, ...body];
}

/**
 * Splits a byte stream into frame bodies, whatever the chunking: frames split over many
 * chunks, and many frames in one chunk. A body inside one chunk is returned as a view of
 * it (no copy); a body split over chunks is copied once into its own buffer.
 * After a {@link FrameError} the decoder stays failed: the stream has lost its framing.
 */
export class FrameDecoder {
  private readonly header = new Uint8Array(FRAME_HEADER_BYTES);
  private headerFill = 0;
  /** Body length of the frame being read, or -1 while reading a header. */
  private want = -1;
  private parts: Uint8Array[] = [];
  private have = 0;
  private failed: string | undefined;

  constructor(readonly maxFrameBytes: number) {
    if (!(Number.isInteger(maxFrameBytes) && maxFrameBytes >= 0 && maxFrameBytes <= MAX_FRAME_LIMIT)) {
      throw new RangeError(`maxFrameBytes must be an integer in [0, ${MAX_FRAME_LIMIT}], got ${maxFrameBytes}`);
    }
  }

  /** Bytes received but not yet returned as a complete frame. */
  get pendingBytes(): number {
    return this.headerFill + this.have;
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failed !== undefined) throw new FrameError(`frame stream already failed: ${this.failed}`);
    const out: Uint8Array[] = [];
    let pos = 0;
    while (pos < chunk.byteLength) {
      if (this.want < 0) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.byteLength - pos);
        this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
        this.headerFill += n;
        pos += n;
        if (this.headerFill < FRAME_HEADER_BYTES) break;
        const length = new DataView(this.header.buffer).getUint32(0);
        this.headerFill = 0;
        if (length > this.maxFrameBytes) {
          this.failed = `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`;
          throw new FrameError(this.failed);
        }
        this.want = length;
        if (length === 0) {
          out.push(new Uint8Array(0));
          this.want = -1;
        }
        continue;
      }
      const n = Math.min(this.want - this.have, chunk.byteLength - pos);
      const piece = chunk.subarray(pos, pos + n);
      pos += n;
      if (this.have === 0 && n === this.want) {
        out.push(piece);
      } else {
        this.parts.push(piece);
        this.have += n;
        if (this.have < this.want) continue;
        out.push(concat(this.parts, this.want));
        this.parts = [];
        this.have = 0;
      }
      this.want = -1;
    }
    return out;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
