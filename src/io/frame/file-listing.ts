import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../util/errors.js';
import { expandInputPaths } from '../text-splits.js';
import { unescapePartitionValue } from './partition-path.js';

/** One input data file, with its hive-style partition values (raw text; null for the default partition). */
export interface InputFile {
  path: string;
  size: number;
  partitionValues: (string | null)[];
}

/** The files of a scan and the names of the hive partition columns their folders define (`col=value/`). */
export interface FileListing {
  files: InputFile[];
  partitionKeys: string[];
}

function isHidden(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}

/** Every non-hidden file under `dir`, recursively (hidden folders such as `_temporary` are skipped too). */
function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (isHidden(e.name)) continue;
    const p = path.join(dir, e.name);
    const st = e.isSymbolicLink() ? fs.statSync(p) : e;
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
}

/** `a=1/b=x` folders between `base` and `folder` → keys and raw values; null when some folder is not `k=v`. */
function partitionSegments(base: string, folder: string): { keys: string[]; values: (string | null)[] } | null {
  const rel = path.relative(base, folder);
  if (rel === '') return { keys: [], values: [] };
  const keys: string[] = [];
  const values: (string | null)[] = [];
  for (const seg of rel.split(path.sep)) {
    const eq = seg.indexOf('=');
    if (eq <= 0) return null;
    keys.push(unescapePartitionValue(seg.slice(0, eq)) ?? '');
    values.push(unescapePartitionValue(seg.slice(eq + 1)));
  }
  return { keys, values };
}

/**
 * Expands files, directories (recursively, skipping `_*` and `.*` names) and globs into a sorted list.
 * Files below a directory argument inside `col=value` folders carry those partition values; all such
 * files must agree on the partition column names. Throws an InputError for a path that matches nothing.
 */
export function listInputFiles(paths: string | string[]): FileListing {
  const list = Array.isArray(paths) ? paths : [paths];
  if (list.length === 0) throw new InputError('no input path given', '');
  const seen = new Set<string>();
  const files: InputFile[] = [];
  let keys: string[] | null = null;
  for (const p of list) {
    const abs = path.resolve(p);
    const isDir = fs.existsSync(abs) && fs.statSync(abs).isDirectory();
    const found: string[] = [];
    if (isDir) walk(abs, found);
    else found.push(...expandInputPaths(p));
    if (found.length === 0) throw new InputError(`input path "${p}" matches no files`, p);
    found.sort();
    // Files of one folder share its partition values: work them out (and check them) once per folder.
    const byFolder = new Map<string, (string | null)[]>();
    for (const f of found) {
      if (seen.has(f)) continue;
      seen.add(f);
      const folder = isDir ? path.dirname(f) : '';
      let values = byFolder.get(folder);
      if (!values) {
        const seg = isDir ? partitionSegments(abs, folder) : { keys: [], values: [] };
        if (seg === null) throw new InputError(`input file ${f} is in a folder that is not a partition folder (col=value) of ${abs}`, f);
        if (keys === null) keys = seg.keys;
        else if (keys.join('/') !== seg.keys.join('/')) {
          throw new InputError(`input file ${f} has partition columns (${seg.keys.join(', ')}) unlike other files (${keys.join(', ')})`, f);
        }
        byFolder.set(folder, (values = seg.values));
      }
      files.push({ path: f, size: fs.statSync(f).size, partitionValues: values });
    }
  }
  return { files, partitionKeys: keys ?? [] };
}
