/**
 * A spill that cannot be written (ENOSPC, injected through the spill writer's
 * per-thread test hook) fails the task with an error naming the spill
 * directory and the operator that was spilling, and leaves the session usable.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { col, importModule, Session, TaskFailedError, udf } from '../../src/index.js';
import { spillFaults } from '../../src/exec/spill-file.js';
import { IN_PROCESS_BACKENDS } from '../conformance/backends.js';
import { within } from './within.js';

// The spill writer module as the workers load it (the same instance as this file's on inline).
const SPILL_FILE = fileURLToPath(new URL('../../src/exec/spill-file.js', import.meta.url));
const spillDirPrefix = join(tmpdir(), `sluice-${process.pid}-`);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('ENOSPC while spilling names the spill directory and the operator', () => {
  for (const master of IN_PROCESS_BACKENDS) {
    test(`${master}: groupByKey spilling on a full disk`, async () => {
      const s = await Session.local({ master, memory: '4m', maxTaskFailures: 1 });
      try {
        const env = { faults: importModule<typeof import('../../src/exec/spill-file.js')>(SPILL_FILE) };
        // ~25 MB of records through a 4 MB budget: the shuffle write must spill.
        const job = s
          .range(0, 200_000, 1, 2)
          .map((i, e) => {
            e.faults.spillFaults.code = 'ENOSPC';
            return [i % 1000, `${i}|${'v'.repeat(100)}`] as [number, string];
          }, env)
          .groupByKey()
          .count();
        const error = await within(60_000, job, 'spilling job').then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.equal(error.info.operator, 'groupByKey');
        assert.match(error.info.message, new RegExp(`^groupByKey could not spill to ${escape(spillDirPrefix)}[0-9a-f]+: no space left on device \\(ENOSPC\\)$`));
        assert.ok(error.info.site?.file.endsWith('spill-errors.test.js'), JSON.stringify(error.info.site));
      } finally {
        spillFaults.code = undefined;
        await s.stop();
      }
    });

    test(`${master}: a DataFrame sort spilling on a full disk`, async () => {
      const s = await Session.local({ master, memory: '4m', maxTaskFailures: 1 });
      try {
        const env = { faults: importModule<typeof import('../../src/exec/spill-file.js')>(SPILL_FILE) };
        // A UDF in the sort's own stage (one partition, no exchange) arms the fault in the thread running it.
        const arm = udf((k: number, e: typeof env) => ((e.faults.spillFaults.code = 'ENOSPC'), k), 'int32', env);
        const rows = Array.from({ length: 200_000 }, (_, i) => ({ k: (i * 7919) % 200_003, v: `${'w'.repeat(40)}${i}` }));
        const df = s.createDataFrame(rows, { numPartitions: 1 }).withColumn('k2', arm(col('k')));
        const error = await within(60_000, df.orderBy('k2').collect(), 'spilling sort').then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof TaskFailedError, String(error));
        assert.equal(error.info.operator, 'sort');
        assert.match(error.info.message, new RegExp(`^sort could not spill to ${escape(spillDirPrefix)}[0-9a-f]+: no space left on device \\(ENOSPC\\)$`));
      } finally {
        spillFaults.code = undefined;
        await s.stop();
      }
    });
  }

  test('the session stays usable once the disk has room again (inline)', async () => {
    const s = await Session.local({ master: 'inline', memory: '4m', maxTaskFailures: 1 });
    try {
      spillFaults.code = 'ENOSPC';
      const big = s.range(0, 200_000, 1, 2).map((i) => [i % 1000, `${i}|${'v'.repeat(100)}`] as [number, string]);
      await assert.rejects(big.groupByKey().count(), /could not spill to/);
      spillFaults.code = undefined;
      assert.equal(await big.groupByKey().count(), 1000);
    } finally {
      spillFaults.code = undefined;
      await s.stop();
    }
  });
});
