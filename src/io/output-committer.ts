import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SluiceError } from '../util/errors.js';

/*
 * Directory outputs are committed in two steps, like Hadoop's FileOutputCommitter:
 * each task attempt writes `<tempDir>/_attempts/part-NNNNN.aA<ext>` and commitTask renames it to
 * `<tempDir>/part-NNNNN<ext>`; when the job succeeds, commitJob writes `_SUCCESS` and renames the
 * temp directory (a hidden sibling of the destination, so the rename is atomic) to the destination.
 * A failed job therefore never leaves a directory at the destination path.
 */

const ATTEMPTS = '_attempts';
const WRITE_BUFFER_CHARS = 1024 * 1024;

function normalizeExt(ext: string): string {
  return ext === '' || ext.startsWith('.') ? ext : `.${ext}`;
}

/** The committed file of one partition, `part-00003.txt`. */
export function partName(partition: number, ext: string): string {
  return `part-${String(partition).padStart(5, '0')}${normalizeExt(ext)}`;
}

function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks that the output directory `dir` does not exist yet and creates a unique temp directory next
 * to it (`.<basename>.sluice-tmp-<random>`, same parent so the final rename is atomic).
 * Missing parent directories are created.
 */
export function prepareOutputDir(dir: string): { tempDir: string } {
  const abs = path.resolve(dir);
  if (exists(abs)) {
    throw new SluiceError(`output path ${abs} already exists: delete it or choose another output path`);
  }
  const parent = path.dirname(abs);
  fs.mkdirSync(parent, { recursive: true });
  const tempDir = path.join(parent, `.${path.basename(abs)}.sluice-tmp-${randomBytes(6).toString('hex')}`);
  fs.mkdirSync(tempDir);
  fs.mkdirSync(path.join(tempDir, ATTEMPTS));
  return { tempDir };
}

/** Path of one task attempt's file, e.g. `<tempDir>/_attempts/part-00003.a1.txt` (`ext` with or without the dot). */
export function taskOutputPath(tempDir: string, partition: number, attempt: number, ext: string): string {
  return path.join(tempDir, ATTEMPTS, `part-${String(partition).padStart(5, '0')}.a${attempt}${normalizeExt(ext)}`);
}

/**
 * Writes batches of lines to `file`, each terminated by '\n', through a ~1 MiB buffer.
 * Returns the bytes written and the number of lines. On failure the partial file is removed.
 */
export function writeTextPart(file: string, lines: Iterable<string[]>): { bytes: number; records: number } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let records = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''), 'utf8');
    pending = [];
    pendingChars = 0;
    for (let off = 0; off < buf.length; ) off += fs.writeSync(fd, buf, off, buf.length - off);
    bytes += buf.length;
  };
  try {
    for (const batch of lines) {
      if (batch.length === 0) continue;
      // One join per batch keeps the per-line cost to a string append.
      const text = batch.join('\n') + '\n';
      records += batch.length;
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= WRITE_BUFFER_CHARS) flush();
    }
    flush();
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return { bytes, records };
}

/**
 * Promotes a finished attempt to `<tempDir>/part-NNNNN<ext>`. Idempotent: if another attempt of the
 * same partition already committed, this attempt's file is deleted instead (first commit wins).
 */
export function commitTask(tempDir: string, attemptPath: string, partition: number, ext: string): void {
  const final = path.join(tempDir, partName(partition, ext));
  if (exists(final)) {
    fs.rmSync(attemptPath, { force: true });
    return;
  }
  try {
    // link() fails with EEXIST if a concurrent attempt won the race, unlike rename() which replaces.
    fs.linkSync(attemptPath, final);
    fs.rmSync(attemptPath, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      fs.rmSync(attemptPath, { force: true });
    } else if (code === 'ENOENT') {
      throw new SluiceError(`cannot commit partition ${partition}: attempt file ${attemptPath} does not exist`);
    } else {
      // File systems without hard links: fall back to rename.
      fs.renameSync(attemptPath, final);
    }
  }
}

/**
 * Finishes a successful job: removes `_attempts`, writes an empty `_SUCCESS` and renames the temp
 * directory to `dir`. With `expectedPartitions`, first checks that every part file was committed.
 */
export function commitJob(tempDir: string, dir: string, expectedPartitions?: number): void {
  if (expectedPartitions !== undefined) {
    const committed = new Set<number>();
    for (const name of fs.readdirSync(tempDir)) {
      const m = /^part-(\d+)(\.|$)/.exec(name);
      if (m) committed.add(Number(m[1]));
    }
    const missing: number[] = [];
    for (let p = 0; p < expectedPartitions; p++) if (!committed.has(p)) missing.push(p);
    if (missing.length > 0) {
      throw new SluiceError(`cannot commit output ${dir}: partitions ${missing.slice(0, 10).join(', ')} were not committed`);
    }
  }
  fs.rmSync(path.join(tempDir, ATTEMPTS), { recursive: true, force: true });
  fs.writeFileSync(path.join(tempDir, '_SUCCESS'), '');
  const abs = path.resolve(dir);
  // rename() would silently replace an empty directory created meanwhile.
  if (exists(abs)) {
    throw new SluiceError(`output path ${abs} was created while the job ran: delete it or choose another output path`);
  }
  fs.renameSync(tempDir, abs);
}

/** Discards everything a failed or cancelled job wrote. Safe to call twice. */
export function abortJob(tempDir: string): void {
  fs.rmSync(tempDir, { recursive: true, force: true });
}
