import * as fs from 'node:fs';
import * as path from 'node:path';
import { SluiceError, SqlFileAccessError } from '../../util/errors.js';
import { isInside } from '../../io/input-file.js';

/**
 * Which files a SQL query may read by naming them in FROM (`FROM 'data/*.csv'`):
 * `true` any file (the default), `false` none (only temp views), or `{ allow }`
 * only files inside the given directories (relative ones from the current
 * directory when the session starts). Checked after resolving `..` and symlinks,
 * for the path as written and for every file a glob or directory expands to,
 * and again by the worker on the file it opened (a symlink swapped in between is caught).
 * DataFrame readers (`s.read.csv(...)`) are the program's own and are not limited.
 *
 * ```ts
 * const s = await Session.local({ sqlFileAccess: { allow: ['data/'] } });
 * await s.sql("SELECT count(*) FROM 'data/*.parquet'").show(); // allowed
 * s.sql("SELECT * FROM '/etc/passwd.csv'");                     // throws SqlFileAccessError
 * ```
 */
export type SqlFileAccess = boolean | { allow: readonly string[] };

export { SqlFileAccessError };

/** The realpath of `p`, or of its longest existing ancestor joined with the rest (for paths and globs not there yet). */
function realOrNearest(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest);
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.unshift(path.basename(cur));
      cur = parent;
    }
  }
}

/** The part of a glob before its first wildcard segment (the folder it lists). */
function globBase(p: string): string {
  const segs = p.split(path.sep);
  const i = segs.findIndex((s) => /[*?[\]{}]/.test(s));
  return i < 0 ? p : segs.slice(0, i).join(path.sep) || path.sep;
}

/** The session's SQL file policy, with its allowed directories resolved once. */
export class SqlFilePolicy {
  private readonly allowed: string[] | undefined;

  constructor(private readonly access: SqlFileAccess = true) {
    if (typeof access === 'object') {
      if (!access || !Array.isArray(access.allow)) throw new SluiceError(`sqlFileAccess must be true, false or { allow: ['dir/', ...] }, got ${JSON.stringify(access)}`);
      this.allowed = access.allow.map((d) => realOrNearest(path.resolve(d)));
    } else if (typeof access !== 'boolean') {
      throw new SluiceError(`sqlFileAccess must be true, false or { allow: ['dir/', ...] }, got ${JSON.stringify(access)}`);
    }
  }

  /** The directories files must lie in (resolved), for the workers to check again when they open them; undefined: no limit. */
  get confinement(): readonly string[] | undefined {
    return this.allowed;
  }

  /** Before anything is listed: is reading files from SQL allowed at all, and does the path as written stay inside? */
  checkPath(sqlPath: string): void {
    if (this.access === false) {
      throw new SqlFileAccessError(
        `SQL cannot read files in this session (sqlFileAccess: false): FROM '${sqlPath}'. ` +
          `Read it with s.read (e.g. s.read.parquet(path)) and register it with df.createOrReplaceTempView(name)`,
      );
    }
    if (this.allowed) this.checkInside(sqlPath, realOrNearest(globBase(path.resolve(sqlPath))), sqlPath);
  }

  /** After listing: every file the path expands to, symlinks resolved. */
  checkFiles(sqlPath: string, files: readonly string[]): void {
    if (!this.allowed) return;
    for (const f of files) this.checkInside(sqlPath, realOrNearest(path.resolve(f)), f);
  }

  private checkInside(sqlPath: string, real: string, shown: string): void {
    if (this.allowed!.some((d) => isInside(real, d))) return;
    const via = real === path.resolve(shown) ? '' : ` (which resolves to ${real})`;
    throw new SqlFileAccessError(
      `SQL may only read files inside ${this.allowed!.join(', ')} (sqlFileAccess.allow): FROM '${sqlPath}' reaches ${shown}${via}`,
    );
  }
}
