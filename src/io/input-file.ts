import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqlFileAccessError } from '../util/errors.js';

/** Directories a scan's files must lie in (SQL's `sqlFileAccess.allow`, symlinks resolved), or undefined: any file. */
export type Confinement = readonly string[] | undefined;

/** Whether the resolved path `file` is `dir` or lies under it. */
export const isInside = (file: string, dir: string): boolean => file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/**
 * Opens `file` for reading. Under a confinement, the file actually opened must
 * lie inside one of its directories. The check is made on the open descriptor
 * (`/proc/self/fd/N` names the file the kernel opened), so a symlink swapped
 * after the query was planned cannot lead a worker outside; where /proc is
 * missing, the path is resolved right after opening (a narrower window).
 */
export function openInput(file: string, confine: Confinement): number {
  const fd = fs.openSync(file, 'r');
  if (!confine) return fd;
  let real = '';
  try {
    real = opened(fd, file);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  if (confine.some((d) => isInside(real, d))) return fd;
  fs.closeSync(fd);
  throw new SqlFileAccessError(`SQL may only read files inside ${confine.join(', ')} (sqlFileAccess.allow): ${file} resolves to ${real} when opened`);
}

function opened(fd: number, file: string): string {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return fs.realpathSync(file);
  }
}
