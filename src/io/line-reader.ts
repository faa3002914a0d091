import * as fs from 'node:fs';
import { Gunzip } from 'fflate';
import { InputError, SluiceError, TRANSIENT_CODES } from '../util/errors.js';
import { openInput, type Confinement } from './input-file.js';
import type { TextSplit } from './text-splits.js';

const NL = 0x0a;
const DEFAULT_CHUNK = 1024 * 1024;
/** Compressed bytes fed to the inflater at a time: keeps the decompressed output per push bounded. */
const GZIP_INPUT_CHUNK = 64 * 1024;

/** Tuning knobs, mainly so tests can use tiny chunks to exercise chunk boundaries. */
export interface LineReaderOptions {
  /** Bytes read from the file per `readSync` (default 1 MiB). The buffer grows only for longer lines. */
  chunkSize?: number;
}

/** Pulls the next bytes into `buf[off, off+len)`; returns how many were written, 0 at end of input. */
type ByteSource = (buf: Buffer, off: number, len: number) => number;

/**
 * Reads the lines of one split, in batches of up to `batchSize`.
 *
 * Lines are UTF-8 decoded, without the `\n` terminator or a trailing `\r`; a UTF-8 byte-order mark at
 * the start of the file is dropped. Ownership follows Hadoop: a split with `start > 0` skips everything
 * up to and including the first `\n` at or after byte `start - 1`, then reads each line that begins
 * before `end` (the last one may run past `end`). So every line of the file is read by exactly one of
 * a set of contiguous splits. Gzip splits are decompressed as a stream and read whole.
 */
export function* readLines(split: TextSplit, batchSize = 4096, opts: LineReaderOptions = {}): Generator<string[]> {
  batchSize = Math.max(1, Math.floor(batchSize));
  let batch: string[] = [];
  for (const r of readLineBytes(split, opts)) {
    // One decode per region, not per line: the hot path of text input.
    const text = r.buf.toString('utf8', r.start, r.end);
    const lines = text.split('\n');
    const cr = text.includes('\r');
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      if (cr && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      batch.push(line);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * A stretch of whole lines of a split: `buf[start, end)` holds one or more complete lines separated
 * by `\n` (the last one without its `\n`; lines may still end in `\r`). The buffer is reused once the
 * generator resumes: copy out what you keep.
 */
export interface LineRegion {
  buf: Buffer;
  start: number;
  end: number;
}

/**
 * The lines of one split as raw byte regions, with the same ownership rule, BOM handling and gzip
 * support as {@link readLines} (which decodes these regions). For readers that parse bytes.
 */
export function* readLineBytes(split: TextSplit, opts: LineReaderOptions = {}): Generator<LineRegion> {
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  if (split.gzip) {
    if (split.end <= 0) return; // the placeholder split of an empty file
    const src = gunzipSource(split.path, split.confine);
    try {
      yield* splitLines(src.read, 0, Infinity, false, chunkSize);
    } finally {
      src.close();
    }
    return;
  }
  if (split.end <= split.start) return;
  const fd = openForRead(split.path, split.confine);
  try {
    const skip = split.start > 0;
    let pos = skip ? split.start - 1 : 0;
    // A small file needs no 1 MiB buffer (one per task adds up over thousands of files).
    const size = Math.min(chunkSize, Math.max(256, split.fileSize - pos + 1));
    const read: ByteSource = (buf, off, len) => {
      const n = fs.readSync(fd, buf, off, len, pos);
      pos += n;
      return n;
    };
    yield* splitLines(read, skip ? split.start - 1 : 0, split.end, skip, size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The 1-based line number of the first line that {@link readLines} yields for `split` (1 for a split
 * at the start of a file). Reads the file up to `start`, so use it on error paths only.
 */
export function splitFirstLineNumber(split: TextSplit): number {
  // The first owned line starts right after the first '\n' at or after start-1.
  return split.gzip || split.start === 0 ? 1 : lineNumberAt(split.path, split.start - 1, split.confine) + 1;
}

/**
 * The 1-based number of the line that contains (or starts at) `byteOffset`: one plus the number of
 * `\n` bytes before it. Reads the file in chunks; meant for error messages.
 */
export function lineNumberAt(path: string, byteOffset: number, confine?: Confinement): number {
  const fd = openForRead(path, confine);
  try {
    const buf = Buffer.allocUnsafe(DEFAULT_CHUNK);
    let count = 0;
    let pos = 0;
    while (pos < byteOffset) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, byteOffset - pos), pos);
      if (n === 0) break;
      for (let i = buf.indexOf(NL, 0); i !== -1 && i < n; i = buf.indexOf(NL, i + 1)) count++;
      pos += n;
    }
    return count + 1;
  } finally {
    fs.closeSync(fd);
  }
}

export function openForRead(path: string, confine: Confinement): number {
  try {
    return openInput(path, confine);
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot open input file ${path}${code ? ` (${code})` : ''}: ${(e as Error).message}`, path, undefined, TRANSIENT_CODES.has(code ?? ''));
  }
}

/**
 * The line splitting core. `buf[0, len)` always holds the input bytes from position `base` on.
 * While `skipping`, bytes are dropped up to the first '\n'; afterwards `base` is always the start of
 * a line, and lines are emitted (as regions of whole lines) while they start before `end`.
 */
function* splitLines(read: ByteSource, base: number, end: number, skipping: boolean, chunkSize: number): Generator<LineRegion> {
  let buf = Buffer.allocUnsafe(chunkSize);
  let len = 0;
  let atFileStart = base === 0 && !skipping;

  /** The region buf[0, to), without a UTF-8 byte-order mark at the start of the file; null when empty. */
  const region = (to: number): LineRegion | null => {
    let start = 0;
    if (atFileStart) {
      atFileStart = false;
      if (to >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    return { buf, start, end: to };
  };
  /** Drops `buf[0, upto]` (upto+1 bytes) and moves the rest to the front. */
  const shift = (upto: number): void => {
    const next = upto + 1;
    buf.copy(buf, 0, next, len);
    len -= next;
    base += next;
  };

  for (;;) {
    if (!skipping && base >= end) break;
    if (buf.length - len < chunkSize / 2 || len === buf.length) {
      // A long partial line fills the buffer: grow (memory stays bounded by ~2x the longest line).
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, len + chunkSize));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const scanFrom = len;
    const n = read(buf, len, buf.length - len);
    len += n;
    if (skipping) {
      const nl = buf.indexOf(NL, scanFrom);
      if (nl === -1 || nl >= len) {
        // No line starts in what we read; the first owned line would start after base+len.
        base += len;
        len = 0;
        if (n === 0 || base >= end) break;
        continue;
      }
      skipping = false;
      shift(nl);
      if (base >= end) break;
    }
    const limit = end - base; // lines starting at relative offsets < limit are ours
    // If our last line (the one containing byte limit-1) is complete, finish with it.
    const q = limit <= len ? buf.indexOf(NL, limit - 1) : -1;
    if (q !== -1 && q < len) {
      yield region(q)!;
      break;
    }
    const last = len > 0 ? buf.lastIndexOf(NL, len - 1) : -1;
    if (last !== -1) {
      yield region(last)!;
      shift(last);
    }
    if (n === 0) {
      // End of input: what is left is a last line without a trailing '\n' (it starts before end).
      if (len > 0) {
        const r = region(len)!;
        if (r.end > r.start) yield r;
      }
      break;
    }
  }
}

/** A synchronous ByteSource over the decompressed content of a (possibly multi-member) gzip file. */
function gunzipSource(path: string, confine: Confinement): { read: ByteSource; close: () => void } {
  const fd = openForRead(path, confine);
  const queue: Uint8Array[] = [];
  let head = 0; // read position inside queue[0]
  let pos = 0;
  let done = false;
  const inflater = new Gunzip((data) => {
    if (data.length > 0) queue.push(data);
  });
  const fail = (e: unknown): never => {
    throw new InputError(`corrupt gzip file ${path}: ${(e as Error).message}`, path);
  };
  const read: ByteSource = (buf, off, len) => {
    while (queue.length === 0 && !done) {
      // A fresh buffer per read: fflate may keep a reference to the chunk it was pushed.
      const inBuf = new Uint8Array(GZIP_INPUT_CHUNK);
      const n = fs.readSync(fd, inBuf, 0, inBuf.length, pos);
      pos += n;
      done = n === 0;
      try {
        inflater.push(inBuf.subarray(0, n), done);
      } catch (e) {
        fail(e);
      }
    }
    let written = 0;
    while (written < len && queue.length > 0) {
      const chunk = queue[0]!;
      const take = Math.min(len - written, chunk.length - head);
      buf.set(chunk.subarray(head, head + take), off + written);
      written += take;
      head += take;
      if (head === chunk.length) {
        queue.shift();
        head = 0;
      }
    }
    return written;
  };
  return { read, close: () => fs.closeSync(fd) };
}
