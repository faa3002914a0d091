import * as fs from 'node:fs';
import * as path from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import type { TextSplitSpec } from '../plan/node.js';
import { InputError } from '../util/errors.js';

/** A byte range of one input file, read by one task (the plan carries it to the task). */
export type TextSplit = TextSplitSpec;

/** Options of {@link planTextSplits}. */
export interface TextSplitOptions {
  /** At least this many splits overall, as long as the files have enough bytes (default 1). */
  minPartitions?: number;
  /** Upper bound on the size of one split (default 64 MiB). */
  maxSplitBytes?: number;
  /** Lower bound on the size of one split (default 1 byte, as Hadoop's `split.minsize`). */
  minSplitBytes?: number;
  /**
   * Aim for a number of splits that is a multiple of this (the number of
   * workers), so that the last round of tasks does not leave workers idle.
   */
  roundTo?: number;
}

const MIB = 1024 * 1024;
const SLOP = 0.1;

/** True for files the reader decompresses; they are never split. */
export function isGzipPath(p: string): boolean {
  return p.toLowerCase().endsWith('.gz');
}

/**
 * Hadoop's hidden-file rule: names starting with `.` or `_` (e.g. `_SUCCESS`, `_attempts`, editor
 * swap files) are not data. Applied when listing a directory.
 */
function isHiddenName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/**
 * Expands paths, directories and glob patterns into a sorted, de-duplicated list of absolute file paths.
 * A directory means its non-hidden files (not recursive). Throws an InputError naming the first
 * pattern that matches nothing.
 */
export function expandInputPaths(pathOrGlob: string | string[]): string[] {
  const patterns = Array.isArray(pathOrGlob) ? pathOrGlob : [pathOrGlob];
  if (patterns.length === 0) throw new InputError('no input path given', '');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pattern of patterns) {
    const files = expandOne(pattern);
    if (files.length === 0) {
      throw new InputError(`input path "${pattern}" matches no files`, pattern);
    }
    for (const f of files) {
      if (!seen.has(f)) {
        seen.add(f);
        out.push(f);
      }
    }
  }
  return out;
}

function expandOne(pattern: string): string[] {
  const abs = path.resolve(pattern);
  // An existing path is taken literally, so file names containing glob characters still work.
  const st = statOrUndefined(abs);
  if (st?.isFile()) return [abs];
  if (st?.isDirectory()) {
    return fs
      .readdirSync(abs, { withFileTypes: true })
      .filter((e) => !isHiddenName(e.name) && (e.isFile() || (e.isSymbolicLink() && statOrUndefined(path.join(abs, e.name))?.isFile())))
      .map((e) => path.join(abs, e.name))
      .sort();
  }
  if (!isDynamicPattern(pattern)) return [];
  // Like Hadoop, globs skip hidden files too, unless the pattern itself asks for such names.
  const keepHidden = isHiddenName(path.basename(pattern));
  return globSync(pattern, { absolute: true, onlyFiles: true, cwd: process.cwd(), dot: keepHidden })
    .map((p) => path.resolve(p))
    .filter((p) => keepHidden || !isHiddenName(path.basename(p)))
    .sort();
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

/**
 * Plans the byte-range splits of text input, Hadoop style.
 *
 * - `.gz` files are not splittable: one split per file, covering it whole.
 * - Other files are cut into near-equal ranges of at most `splitSize` bytes, where
 *   `splitSize = max(minSplitBytes, min(maxSplitBytes, floor(plainBytes / wanted)))` and `wanted` is
 *   `minPartitions` minus the gzip splits. So the total is ≥ minPartitions whenever the files have
 *   enough bytes (a 10 MiB file with minPartitions 4 gives 4 splits of 2.5 MiB).
 * - Empty files give no split, but at least one split is returned overall (an empty range of the
 *   first file) so that a job over empty input still has one partition.
 *
 * Splits are cut at arbitrary bytes; the line reader assigns each line to exactly one split.
 */
export function planTextSplits(pathOrGlob: string | string[], opts: TextSplitOptions = {}): TextSplit[] {
  return splitTextFiles(expandInputPaths(pathOrGlob).map((p) => ({ path: p, size: fs.statSync(p).size })), opts);
}

/** {@link planTextSplits} of files already listed with their sizes (no file is looked at again). */
export function splitTextFiles(listed: ReadonlyArray<{ path: string; size: number }>, opts: TextSplitOptions = {}): TextSplit[] {
  const minPartitions = Math.max(1, Math.floor(opts.minPartitions ?? 1));
  const maxSplit = Math.max(1, Math.floor(opts.maxSplitBytes ?? 64 * MIB));
  const minSplit = Math.max(1, Math.floor(opts.minSplitBytes ?? 1));
  if (listed.length === 0) throw new InputError('no input path given', '');
  const files = listed.map((f) => ({ path: f.path, size: f.size, gzip: isGzipPath(f.path) }));

  const nonEmpty = files.filter((f) => f.size > 0);
  const gzipCount = nonEmpty.filter((f) => f.gzip).length;
  const plainBytes = nonEmpty.reduce((s, f) => s + (f.gzip ? 0 : f.size), 0);
  const roundTo = Math.max(1, Math.floor(opts.roundTo ?? 1));
  let wanted = Math.max(1, minPartitions - gzipCount, Math.ceil(plainBytes / maxSplit));
  wanted = Math.ceil(wanted / roundTo) * roundTo;
  const splitSize = Math.max(minSplit, Math.min(maxSplit, Math.floor(plainBytes / wanted)), 1);

  const splits: TextSplit[] = [];
  for (const f of nonEmpty) {
    if (f.gzip) {
      splits.push({ path: f.path, start: 0, end: f.size, gzip: true, fileSize: f.size });
      continue;
    }
    // Hadoop's 10% slop: a last piece barely over the split size joins the split before it.
    const n = Math.max(1, Math.ceil(f.size / splitSize - SLOP));
    for (let i = 0; i < n; i++) {
      // Even cuts avoid a tiny tail split.
      const start = Math.floor((i * f.size) / n);
      const end = Math.floor(((i + 1) * f.size) / n);
      splits.push({ path: f.path, start, end, gzip: false, fileSize: f.size });
    }
  }
  if (splits.length === 0) {
    const f = files[0]!;
    splits.push({ path: f.path, start: 0, end: 0, gzip: f.gzip, fileSize: 0 });
  }
  return splits;
}
