/**
 * `sqlFileAccess: { allow }` is checked again by the worker on the file it
 * actually opens: a symlink inside the allowed folder, swapped to point outside
 * after the query was planned (and checked), is refused when the task opens it,
 * at the first attempt, for CSV, JSON lines, Parquet and Arrow, on inline and
 * local[2]. Swapped back, the same query reads it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Session, SqlFileAccessError, TaskFailedError } from '../../../src/index.js';
import { BACKENDS } from '../../conformance/backends.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-sql-reopen-')));
after(() => rmSync(root, { recursive: true, force: true }));
const allowed = join(root, 'data');
const outside = join(root, 'secret');
for (const d of [allowed, outside]) mkdirSync(d, { recursive: true });

/** Points the symlink `link` at `target`, atomically (rename over it). */
function repoint(link: string, target: string): void {
  const tmp = `${link}.tmp`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
}

/** Writes rows {x} as one file of `format` at `file` (through a session's writer). */
async function writeOne(s: Session, format: 'parquet' | 'arrow', xs: number[], file: string): Promise<void> {
  const dir = `${file}.d`;
  await s.createDataFrame(xs.map((x) => ({ x })), { numPartitions: 1 }).write[format](dir);
  const part = readdirSync(dir).find((f) => f.endsWith(`.${format}`))!;
  renameSync(join(dir, part), file);
  rmSync(dir, { recursive: true });
}

const FORMATS = ['csv', 'jsonl', 'parquet', 'arrow'] as const;

describe('sqlFileAccess: a symlink swapped after planning is refused when the worker opens it', () => {
  for (const master of BACKENDS) {
    test(`${master}: csv, json lines, parquet, arrow`, async () => {
      const s = await Session.local({ master, sqlFileAccess: { allow: [allowed] } });
      try {
        for (const ext of FORMATS) {
          const inside = join(allowed, `real-${master.replace(/\W/g, '')}.${ext}`);
          const secret = join(outside, `pw-${master.replace(/\W/g, '')}.${ext}`);
          if (ext === 'csv') {
            writeFileSync(inside, 'x\n1\n2\n');
            writeFileSync(secret, 'x\n42\n');
          } else if (ext === 'jsonl') {
            writeFileSync(inside, '{"x":1}\n{"x":2}\n');
            writeFileSync(secret, '{"x":42}\n');
          } else {
            await writeOne(s, ext, [1, 2], inside);
            await writeOne(s, ext, [42], secret);
          }
          const link = join(allowed, `cur-${master.replace(/\W/g, '')}.${ext}`);
          repoint(link, inside);
          // Planned (and checked) while the link points inside.
          const query = s.sql(`SELECT sum(x) AS t FROM '${link}'`);
          repoint(link, secret);
          const events: number[] = [];
          const off = s.on((e) => void (e.type === 'taskEnd' && !e.ok && events.push(e.partition)));
          const error = await query.collect().then(
            () => undefined,
            (e: unknown) => e,
          );
          off();
          assert.ok(error instanceof TaskFailedError, `${ext}: ${String(error)}`);
          assert.equal(error.info.errorName, 'SqlFileAccessError', ext);
          assert.ok(error.info.message.includes(`${link} resolves to ${secret} when opened`), `${ext}: ${error.info.message}`);
          assert.equal(error.attempts, 1, `${ext}: refused at once`);
          // Swapped back, the same planned query reads the allowed file.
          repoint(link, inside);
          assert.deepEqual(await query.collect(), [{ t: 3 }], ext);
        }
        // Planning still refuses a link that already points outside.
        const early = join(allowed, `early-${master.replace(/\W/g, '')}.csv`);
        repoint(early, join(outside, `pw-${master.replace(/\W/g, '')}.csv`));
        assert.throws(() => s.sql(`SELECT * FROM '${early}'`), SqlFileAccessError);
      } finally {
        await s.stop();
      }
    });
  }
});
