/**
 * The `sqlFileAccess` session option: SQL may read files named in FROM freely
 * (default), not at all, or only inside given directories, checked after `..` and
 * symlinks are resolved, for the path as written and every file it expands to.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, SqlFileAccessError, type SessionOptions } from '../../../src/index.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-sql-files-')));
after(() => rmSync(root, { recursive: true, force: true }));
const allowed = join(root, 'data');
const outside = join(root, 'secret');
const sibling = join(root, 'data2'); // shares the allowed folder's name as a prefix
for (const d of [allowed, join(allowed, 'sub'), outside, sibling]) mkdirSync(d, { recursive: true });
writeFileSync(join(allowed, 'a.csv'), 'x\n1\n2\n');
writeFileSync(join(allowed, 'sub', 'b.csv'), 'x\n3\n');
writeFileSync(join(outside, 'pw.csv'), 'x\n42\n');
writeFileSync(join(sibling, 'c.csv'), 'x\n7\n');
symlinkSync(join(outside, 'pw.csv'), join(allowed, 'link.csv'));
symlinkSync(outside, join(allowed, 'linkdir'));
const linkFree = join(root, 'clean');
mkdirSync(linkFree);
writeFileSync(join(linkFree, 'a.csv'), 'x\n1\n2\n');

async function withSession(opts: Partial<SessionOptions>, body: (s: Session) => Promise<void>): Promise<void> {
  const s = await Session.local({ master: 'inline', ...opts });
  try {
    await body(s);
  } finally {
    await s.stop();
  }
}

const total = async (s: Session, from: string): Promise<number> => {
  const rows = await s.sql(`SELECT sum(x) AS t FROM ${from}`).collect();
  return Number(rows[0]!.t);
};

test('default: SQL reads any file it names, absolute paths and symlinks included', async () => {
  await withSession({}, async (s) => {
    assert.equal(await total(s, `'${join(outside, 'pw.csv')}'`), 42);
    assert.equal(await total(s, `'${join(allowed, 'link.csv')}'`), 42);
  });
});

test('allow: files inside the allowed folder are read (file, globs, read_csv, relative path)', async () => {
  await withSession({ sqlFileAccess: { allow: [linkFree, allowed + '/'] } }, async (s) => {
    assert.equal(await total(s, `'${join(allowed, 'a.csv')}'`), 3);
    assert.equal(await total(s, `'${join(allowed, 'sub')}/*.csv'`), 3);
    assert.equal(await total(s, `'${linkFree}/*.csv'`), 3);
    assert.equal(await total(s, `read_csv('${join(allowed, 'sub', 'b.csv')}')`), 3);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      assert.equal(await total(s, `'data/a.csv'`), 3);
    } finally {
      process.chdir(cwd);
    }
  });
});

test('allow: every way out of the allowed folder is denied, and the session stays usable', async () => {
  await withSession({ sqlFileAccess: { allow: [allowed] } }, async (s) => {
    const denied: Array<[string, RegExp]> = [
      [`'${join(outside, 'pw.csv')}'`, /pw\.csv/], // absolute path outside
      [`'${allowed}/../secret/pw.csv'`, /pw\.csv/], // `..` escape
      [`'${join(allowed, 'link.csv')}'`, /resolves to .*secret\/pw\.csv/], // symlink inside pointing outside
      [`'${join(allowed, 'linkdir', 'pw.csv')}'`, /resolves to .*secret\/pw\.csv/], // through a symlinked folder
      [`'${allowed}/*.csv'`, /link\.csv/], // a glob inside that expands to a link outside
      [`'${root}/*/*.csv'`, /\*\/\*\.csv/], // a glob whose folder is outside
      [`'${join(sibling, 'c.csv')}'`, /data2/], // a folder whose name only starts like the allowed one
      [`read_csv('${join(outside, 'pw.csv')}')`, /pw\.csv/],
      [`'${join(outside, 'missing.csv')}'`, /missing\.csv/], // denied before looking: not "matches no files"
    ];
    for (const [from, names] of denied) {
      assert.throws(() => s.sql(`SELECT sum(x) AS t FROM ${from}`), (e: unknown) => {
        assert.ok(e instanceof SqlFileAccessError, `${from}: ${String(e)}`);
        assert.match(e.message, /sqlFileAccess\.allow/);
        assert.match(e.message, names);
        return true;
      });
    }
    assert.equal(await total(s, `'${join(allowed, 'a.csv')}'`), 3);
  });
});

test('off: any path in FROM is an error naming the option; temp views still work', async () => {
  await withSession({ sqlFileAccess: false }, async (s) => {
    for (const from of [`'${join(allowed, 'a.csv')}'`, `'data/*.parquet'`, `read_parquet('x.parquet')`, `'${join(outside, 'missing.csv')}'`]) {
      assert.throws(() => s.sql(`SELECT * FROM ${from}`), (e: unknown) => e instanceof SqlFileAccessError && /sqlFileAccess: false/.test(e.message), from);
    }
    // The program's own readers are not SQL and stay available.
    s.read.csv(join(allowed, 'a.csv')).createOrReplaceTempView('t');
    assert.equal(await total(s, 't'), 3);
  });
});

test('a malformed sqlFileAccess is rejected when the session starts', async () => {
  await assert.rejects(Session.local({ master: 'inline', sqlFileAccess: { allow: 'data/' } as never }), /sqlFileAccess must be/);
});
