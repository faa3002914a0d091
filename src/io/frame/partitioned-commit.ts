import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * Commit of partitionBy outputs. A task attempt writes its files under its own folder
 * `<tempDir>/_attempts/part-NNNNN.aA.d/<col=value/...>/part-NNNNN<ext>`; committing moves each of
 * them to the same relative path under `<tempDir>`. The first attempt to create the marker
 * `_attempts/committed-NNNNN` wins; a later attempt's files are deleted. commitJob then removes
 * `_attempts` and renames `<tempDir>` as usual (call it without `expectedPartitions`: partitioned
 * part files are not at the top level).
 */

function pad(partition: number): string {
  return String(partition).padStart(5, '0');
}

/** The folder one task attempt writes its partitioned files into. */
export function partitionedAttemptDir(tempDir: string, partition: number, attempt: number): string {
  return path.join(tempDir, '_attempts', `part-${pad(partition)}.a${attempt}.d`);
}

/** The part file name of a task, e.g. `part-00003.csv`. */
export function partFileName(partition: number, ext: string): string {
  return `part-${pad(partition)}${ext}`;
}

function filesUnder(dir: string, out: string[]): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Moves an attempt's files into place under `tempDir` (first committed attempt of a partition wins;
 * others are discarded). Returns the committed paths (empty for a losing attempt).
 */
export function commitPartitionedTask(tempDir: string, attemptDir: string, partition: number): string[] {
  const marker = path.join(tempDir, '_attempts', `committed-${pad(partition)}`);
  try {
    fs.writeFileSync(marker, '', { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    fs.rmSync(attemptDir, { recursive: true, force: true });
    return [];
  }
  const committed: string[] = [];
  for (const file of filesUnder(attemptDir, [])) {
    const dest = path.join(tempDir, path.relative(attemptDir, file));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.renameSync(file, dest);
    committed.push(dest);
  }
  fs.rmSync(attemptDir, { recursive: true, force: true });
  return committed.sort();
}
