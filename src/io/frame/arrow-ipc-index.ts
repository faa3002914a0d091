import * as fs from 'node:fs';
import { Message } from 'apache-arrow/ipc/metadata/message';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { MessageHeader } from 'apache-arrow';
import { InputError } from '../../util/errors.js';
import { openInput, type Confinement } from '../input-file.js';

/**
 * Where the messages of an Arrow IPC file or stream lie, learned from message headers only (no
 * record batch body is read): the planner lists a file's batches with it, and a task reads just the
 * schema, the dictionaries and its own batches (see arrow-reader.ts).
 *
 * - File format (`ARROW1` magic at both ends): the messages between the leading magic and the footer
 *   are walked header by header, seeking over bodies. (The footer lists the same blocks but not their
 *   row counts, which live in each batch's header, so the headers are read either way.) The schema
 *   is the footer's: some writers (apache-arrow JS) put no schema message in the file body.
 * - Stream format: the same walk from byte 0 to the end-of-stream marker or the end of the file.
 */

/** A byte range of the file holding one whole encapsulated message (prefix, metadata, body). */
export interface MessageRange {
  offset: number;
  length: number;
}

export interface ArrowIpcIndex {
  /** The schema message, framed (continuation, length, metadata): a stream starts with it. */
  schema: Uint8Array;
  /** Dictionary batches in file order, with the offsets that order them against record batches. */
  dictionaries: MessageRange[];
  batches: (MessageRange & { rows: number })[];
}

const MAGIC = Buffer.from('ARROW1');

/** Reads exactly `n` bytes at `pos` (fewer only at the end of the file). */
function readAt(fd: number, pos: number, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  let got = 0;
  while (got < n) {
    const k = fs.readSync(fd, buf, got, n - got, pos + got);
    if (k === 0) break;
    got += k;
  }
  return got === n ? buf : buf.subarray(0, got);
}

export function readArrowIndex(path: string, confine?: Confinement): ArrowIpcIndex {
  const fd = openInput(path, confine);
  try {
    return walkMessages(fd, path, fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}

/** A message's metadata framed as in a stream: continuation marker, padded length, metadata, padding to 8 bytes. */
function frame(meta: Uint8Array): Uint8Array {
  const padded = (meta.length + 7) & ~7;
  const out = new Uint8Array(8 + padded);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, padded, true);
  out.set(meta, 8);
  return out;
}

function walkMessages(fd: number, path: string, size: number): ArrowIpcIndex {
  const bad = (why: string): never => {
    throw new InputError(`${path}: not a readable Arrow IPC file or stream: ${why}`, path);
  };
  let pos = 0;
  let end = size;
  let schema: Uint8Array | null = null;
  const head = readAt(fd, 0, Math.min(size, 8));
  if (head.length >= 6 && head.subarray(0, 6).equals(MAGIC)) {
    // File format: the stream runs from byte 8 to the footer, whose length precedes the closing magic.
    const tail = readAt(fd, size - 10, 10);
    if (size < 18 || !tail.subarray(4).equals(MAGIC)) bad('an Arrow file without its closing magic');
    pos = 8;
    end = size - 10 - tail.readInt32LE(0);
    if (end < pos) bad('a footer longer than the file');
    try {
      schema = frame(Message.encode(Message.from(Footer.decode(readAt(fd, end, size - 10 - end)).schema)));
    } catch (e) {
      return bad(`footer: ${(e as Error).message}`);
    }
  }
  const dictionaries: MessageRange[] = [];
  const batches: (MessageRange & { rows: number })[] = [];
  while (pos + 4 <= end) {
    const start = pos;
    let len = readAt(fd, pos, 4).readInt32LE(0);
    pos += 4;
    if (len === -1) {
      // Continuation marker (format >= 0.15); the metadata length follows.
      if (pos + 4 > end) break;
      len = readAt(fd, pos, 4).readInt32LE(0);
      pos += 4;
    }
    if (len === 0) break; // end of stream
    if (len < 0 || pos + len > end) bad(`a message header at byte ${start} runs past the end`);
    let msg: Message;
    try {
      msg = Message.decode(readAt(fd, pos, len));
    } catch (e) {
      return bad(`message at byte ${start}: ${(e as Error).message}`);
    }
    pos += len + msg.bodyLength;
    if (pos > end) bad(`the body of the message at byte ${start} runs past the end`);
    const range = { offset: start, length: pos - start };
    if (msg.headerType === MessageHeader.Schema) schema ??= readAt(fd, range.offset, range.length);
    else if (msg.headerType === MessageHeader.DictionaryBatch) dictionaries.push(range);
    else if (msg.headerType === MessageHeader.RecordBatch) batches.push({ ...range, rows: Number((msg.header() as { length: number | bigint }).length) });
  }
  if (!schema) return bad('no schema message');
  return { schema, dictionaries, batches };
}

/**
 * The bytes of an IPC stream holding the schema, then the wanted batches and the dictionary batches
 * before the last of them, in file order (so a stream's replacement or delta dictionaries apply to
 * the batches they applied to), ending with the end-of-stream marker. Reads those byte ranges only.
 */
export function readArrowStreamBytes(path: string, index: ArrowIpcIndex, wanted: readonly number[], confine?: Confinement): Uint8Array {
  const batches = wanted.map((i) => index.batches[i]!);
  const last = Math.max(...batches.map((b) => b.offset));
  const body = [...index.dictionaries.filter((d) => d.offset < last), ...batches].sort((a, b) => a.offset - b.offset);
  const total = index.schema.length + body.reduce((s, r) => s + r.length, 0) + 8;
  const out = new Uint8Array(total);
  out.set(index.schema, 0);
  const fd = openInput(path, confine);
  try {
    let at = index.schema.length;
    for (const r of body) {
      const got = fs.readSync(fd, out, at, r.length, r.offset);
      if (got !== r.length) throw new InputError(`${path}: Arrow IPC file ended early (at byte ${r.offset + got})`, path);
      at += r.length;
    }
    new DataView(out.buffer).setInt32(at, -1, true); // end of stream: continuation, then length 0
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
