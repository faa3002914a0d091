/**
 * Errors that retrying cannot fix fail the job at the first attempt (a
 * malformed line in failfast mode, an input file gone), and a sink that cannot
 * write (ENOSPC on a full 1 MiB tmpfs) is blamed on the writing operator and
 * names the directory that filled up.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError, Session, TaskFailedError, type SluiceEvent } from '../../src/index.js';
import { sinkFailure, OperatorError } from '../../src/exec/user-function-error.js';
import { BACKENDS } from '../conformance/backends.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-input-err-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function failing(s: Session, job: () => Promise<unknown>): Promise<{ error: unknown; events: SluiceEvent[] }> {
  const events: SluiceEvent[] = [];
  const off = s.on((e) => void events.push(e));
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the job hung')), 60_000)));
  try {
    await Promise.race([job(), guard]);
    return { error: undefined, events };
  } catch (error) {
    return { error, events };
  } finally {
    clearTimeout(timer);
    off();
  }
}
/** The most failed attempts of any one partition (partitions running side by side may each fail once). */
const failedAttempts = (events: SluiceEvent[]): number => {
  const per = new Map<number, number>();
  for (const e of events) if (e.type === 'taskEnd' && !e.ok) per.set(e.partition, (per.get(e.partition) ?? 0) + 1);
  return Math.max(0, ...per.values());
};

describe('errors retrying cannot fix fail at once', () => {
  for (const master of BACKENDS) {
    test(`${master}: a malformed JSON line in failfast mode is attempted once`, async () => {
      const file = join(tmp, `bad-${master.replace(/\W/g, '')}.jsonl`);
      writeFileSync(file, ['{"a":1}', '{"a":2}', '{"a": oops}', '{"a":4}'].join('\n') + '\n');
      const s = await Session.local({ master });
      try {
        const { error, events } = await failing(s, () => s.jsonLines(file, { mode: 'failfast' }).collect());
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.equal(error.attempts, 1);
        assert.equal(error.info.errorName, 'InputError');
        assert.match(error.message, /bad-\w+\.jsonl:3: malformed JSON line/);
        assert.equal(failedAttempts(events), 1);
        assert.equal(await s.range(10).count(), 10);
      } finally {
        await s.stop();
      }
    });

    test(`${master}: an input file deleted before the job runs is attempted once`, async () => {
      const file = join(tmp, `gone-${master.replace(/\W/g, '')}.txt`);
      writeFileSync(file, 'a\nb\nc\n');
      const s = await Session.local({ master });
      try {
        const lines = s.textFile(file);
        rmSync(file);
        const { error, events } = await failing(s, () => lines.count());
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.equal(error.attempts, 1);
        assert.match(error.message, /ENOENT/);
        assert.ok(error.message.includes(file));
        assert.equal(failedAttempts(events), 1);
      } finally {
        await s.stop();
      }
    });
  }

  test('an input error marked transient (out of descriptors) is still retried', () => {
    assert.equal(new InputError('cannot open', '/x', undefined, true).transient, true);
    assert.equal(new InputError('bad line', '/x', 3).transient, false);
  });
});

/** Mounts a 1 MiB tmpfs (root only); undefined when this machine does not allow it. */
function smallTmpfs(): string | undefined {
  const dir = join(tmp, 'full');
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    return undefined;
  }
}

describe('a sink that runs out of space', () => {
  test('sinkFailure blames the writer and names the directory (the error as fs raises it)', () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    const e = sinkFailure(enospc, 'saveAsTextFile', undefined, '/data/out/.result.sluice-tmp-abc');
    assert.ok(e instanceof OperatorError);
    assert.equal(e.operator, 'saveAsTextFile');
    assert.match(e.message, /saveAsTextFile could not write its output in \/data\/out: no space left on device \(ENOSPC\)/);
    // Errors from upstream (user functions, bad input) are not the sink's.
    const upstream = new InputError('bad line', '/x', 3);
    assert.equal(sinkFailure(upstream, 'saveAsTextFile', undefined, '/data/out/.t'), upstream);
  });

  for (const master of BACKENDS) {
    test(`${master}: ENOSPC while saving names the full directory and blames the writer (Dataset and DataFrame)`, async (t) => {
      const full = smallTmpfs();
      if (!full) {
        t.diagnostic('cannot mount a tmpfs here (not root): only the error mapping above is checked');
        return;
      }
      const s = await Session.local({ master, maxTaskFailures: 1 });
      try {
        const big = s.range(0, 200_000, 1, 2).map((x) => `${x} ${'y'.repeat(60)}`);
        const { error } = await failing(s, () => big.filter((x) => x.length > 0).map((x) => x.toUpperCase()).saveAsTextFile(join(full, 'text-out')));
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.equal(error.info.operator, 'saveAsTextFile');
        assert.ok(error.message.includes(`could not write its output in ${full}: no space left on device (ENOSPC)`), error.message);

        const df = s.createDataFrame(Array.from({ length: 100_000 }, (_, i) => ({ i, s: 'z'.repeat(40) + i })), { numPartitions: 2 });
        const { error: dfError } = await failing(s, () => df.write.csv(join(full, 'csv-out')));
        assert.ok(dfError instanceof TaskFailedError, String(dfError));
        assert.equal(dfError.info.operator, 'write.csv');
        assert.ok(dfError.message.includes(`in ${full}: no space left on device (ENOSPC)`), dfError.message);
        assert.equal(await s.range(10).count(), 10);
      } finally {
        await s.stop();
        execFileSync('umount', [full]);
      }
    });
  }
});
