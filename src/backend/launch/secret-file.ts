import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { SluiceError } from '../../util/errors.js';

/** Shortest secret accepted from a file: 16 characters (a fresh secret has 64 hex digits). */
export const MIN_SECRET_LENGTH = 16;

/**
 * Reads a cluster secret from a file: its text without the trailing newline. Like ssh with a private
 * key, a file that other users may read or write is refused (on a shared machine anyone could join
 * the cluster and run code in it), as is one its group may write, and empty or short secrets. A
 * group-readable file is accepted: Kubernetes mounts a Secret so (mode 0440) for a pod that runs
 * as a non-root user with an fsGroup.
 */
export function readSecretFile(path: string, what = '--secret-file'): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new SluiceError(`${what}: cannot read the secret file ${path} (${code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SluiceError(`${what}: ${path} is not a regular file`);
    if (process.platform !== 'win32' && (st.mode & 0o027) !== 0) {
      const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
      throw new SluiceError(`${what}: permissions ${mode} for the secret file ${path} are too open: other users could join the cluster. Run: chmod 600 ${path}`);
    }
    const secret = readFileSync(fd, 'utf8').replace(/\r?\n$/, '');
    if (secret.trim() === '') throw new SluiceError(`${what}: the secret file ${path} is empty`);
    if (secret.length < MIN_SECRET_LENGTH) throw new SluiceError(`${what}: the secret in ${path} is too short (${secret.length} characters, at least ${MIN_SECRET_LENGTH})`);
    return secret;
  } finally {
    closeSync(fd);
  }
}

/** A fresh random secret: 32 bytes as 64 hex digits. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

/** Writes a fresh secret to a new file that only its owner may read (mode 0600; an existing file is an error). */
export function writeSecretFile(path: string): string {
  const secret = newSecret();
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new SluiceError(`cannot create the secret file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return secret;
}
