/**
 * Failure handling on every backend: injected task errors (retried, or failing
 * the job with the user's stack, operator and partition), maxTaskFailures,
 * free variables caught at definition, worker crashes, cancellation, corrupt
 * shuffle files (recomputed from lineage), and no threads left after stop().
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FreeVariableError, importModule, JobCancelledError, Session, TaskFailedError, type SluiceEvent } from '../../src/index.js';
import { BACKENDS, IN_PROCESS_BACKENDS, forEachBackend } from '../conformance/backends.js';
import { within } from './within.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const THIS_NAME = basename(THIS_FILE).replace(/\.js$/, ''); // failures.test
const tmp = mkdtempSync(join(tmpdir(), 'sluice-fail-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let markerCounter = 0;
const freshMarker = (name: string): string => join(tmp, `marker-${name.replace(/\W/g, '_')}-${markerCounter++}`);

const NUMS = Array.from({ length: 40 }, (_, i) => i);
const workerFs = () => importModule('node:fs') as unknown as typeof import('node:fs');

/** Records events of a session while `body` runs. */
async function recording<T>(s: Session, body: () => Promise<T>): Promise<{ result?: T; error?: unknown; events: SluiceEvent[] }> {
  const events: SluiceEvent[] = [];
  const off = s.on((e) => void events.push(e));
  try {
    return { result: await body(), events };
  } catch (error) {
    return { error, events };
  } finally {
    off();
  }
}

const failedTasks = (events: SluiceEvent[]) => events.filter((e): e is Extract<SluiceEvent, { type: 'taskEnd' }> => e.type === 'taskEnd' && !e.ok);

forEachBackend((name, s) => {
  test(`${name}: a task that throws once is retried and the job succeeds`, async () => {
    const marker = freshMarker(name);
    const { result, error, events } = await recording(s(), () =>
      within(
        20_000,
        s()
          .parallelize(NUMS, 4)
          .map(
            (x, env) => {
              if (x === 25 && !env.fs.existsSync(env.marker)) {
                env.fs.writeFileSync(env.marker, '1');
                throw new Error('transient failure');
              }
              return x + 1;
            },
            { fs: workerFs(), marker },
          )
          .collect(),
        'a job with one transient failure',
      ),
    );
    assert.equal(error, undefined);
    assert.deepEqual(result, NUMS.map((x) => x + 1));
    const failed = failedTasks(events);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]!.partition, 2);
    assert.equal(failed[0]!.error?.message, 'transient failure');
    const retried = events.filter((e) => e.type === 'taskEnd' && e.ok && e.partition === 2 && e.stageId === failed[0]!.stageId);
    assert.equal(retried.length, 1);
    assert.ok(retried[0]!.type === 'taskEnd' && retried[0]!.attempt > failed[0]!.attempt, 'a later attempt succeeded');
  });

  test(`${name}: a task that always throws fails the job promptly with the user's stack, operator and partition`, async () => {
    const { error, events } = await recording(s(), () =>
      within(
        20_000,
        s()
          .parallelize(NUMS, 4)
          .filter((x) => x !== 1000)
          .map((x) => {
            if (x === 13) throw new RangeError(`bad record ${x}`);
            return x;
          })
          .collect(),
        'a job whose task always fails',
      ),
    );
    assert.ok(error instanceof TaskFailedError, `TaskFailedError expected, got ${String(error)}`);
    assert.equal(error.info.operator, 'map');
    assert.equal(error.info.partition, 1);
    assert.match(error.message, /\bmap\b/);
    assert.match(error.message, /partition 1\b/);
    assert.match(error.message, /RangeError: bad record 13/);
    assert.equal(error.info.errorName, 'RangeError');
    assert.equal(error.attempts, 4, 'the default maxTaskFailures');
    assert.ok(error.info.stack.includes(THIS_NAME), `the user's stack names the test file: ${error.info.stack}`);
    assert.ok(error.stack?.includes(THIS_NAME));
    assert.equal(error.info.site?.file, THIS_FILE);
    assert.ok((error.info.site?.line ?? 0) > 0);
    assert.equal(failedTasks(events).filter((e) => e.partition === 1).length, 4);
    // (tasks of other partitions still running when the job aborts may be killed: engine failures, not user errors)
    assert.deepEqual(failedTasks(events).filter((e) => e.partition !== 1 && !e.error?.internal), []);
    const end = events.find((e) => e.type === 'jobEnd');
    assert.ok(end?.type === 'jobEnd' && !end.ok);
    // the session is still usable
    assert.equal(await within(20_000, s().parallelize(NUMS, 4).count(), 'a job after a failed job'), 40);
  });

  test(`${name}: errors in shuffle functions and actions name their operator`, async () => {
    const reduceErr = await s()
      .parallelize(NUMS.map((x) => [x % 3, x] as [number, number]), 2)
      .reduceByKey((a, b) => {
        if (a + b > 200) throw new Error('sum too big');
        return a + b;
      })
      .collect()
      .then(() => undefined, (e: unknown) => e);
    assert.ok(reduceErr instanceof TaskFailedError);
    assert.equal(reduceErr.info.operator, 'reduceByKey');
    assert.match(reduceErr.message, /sum too big/);
    assert.ok(reduceErr.info.stack.includes(THIS_NAME));
    const foreachErr = await s()
      .parallelize(NUMS, 2)
      .foreach((x) => {
        if (x === 30) throw new Error('foreach failed');
      })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(foreachErr instanceof TaskFailedError);
    assert.equal(foreachErr.info.operator, 'foreach');
    assert.equal(foreachErr.info.partition, 1);
    // a non-pair record reaching a shuffle fails with an explanation, not a crash
    const notPairs = await s().parallelize([1, 2, 3], 2).map((x) => x as unknown as [number, number]).groupByKey().collect().then(() => undefined, (e: unknown) => e);
    assert.ok(notPairs instanceof TaskFailedError);
    assert.match(notPairs.message, /groupByKey needs \[key, value\] pairs/);
  });

  test(`${name}: a free variable is reported at definition, naming it`, () => {
    const factor = 3;
    const ds = s().parallelize(NUMS, 2);
    assert.throws(
      () => ds.map((x) => x * factor),
      (e: unknown) => e instanceof FreeVariableError && e.message.includes('"factor"') && e.message.includes(THIS_NAME) && /\bmap\b/.test(e.message),
    );
    const table = new Map([[1, 'a']]);
    assert.throws(() => ds.filter((x) => table.has(x)), (e: unknown) => e instanceof FreeVariableError && e.message.includes('"table"'));
    assert.throws(() => ds.map((x) => [x, 1] as const).reduceByKey((a, b) => a + b + factor), FreeVariableError);
    // passing it in env is the fix
    assert.ok(ds.map((x, env) => x * env.factor, { factor }));
  });
});

describe('maxTaskFailures', () => {
  for (const master of BACKENDS) {
    for (const maxTaskFailures of [1, 2]) {
      test(`${master}: a partition is attempted at most ${maxTaskFailures} time(s)`, async () => {
        const s = await Session.local({ master, maxTaskFailures });
        try {
          const { error, events } = await recording(s, () =>
            within(
              20_000,
              s.parallelize(NUMS, 4).map((x) => {
                if (x === 3) throw new Error('always');
                return x;
              }).count(),
              'a failing job',
            ),
          );
          assert.ok(error instanceof TaskFailedError);
          assert.equal(error.attempts, maxTaskFailures);
          const attempts = failedTasks(events).filter((e) => e.partition === 0);
          assert.equal(attempts.length, maxTaskFailures);
          assert.deepEqual(failedTasks(events).filter((e) => e.partition !== 0 && !e.error?.internal), []);
        } finally {
          await s.stop();
        }
      });
    }
  }
});

describe('worker threads', () => {
  test('local[2]: a crashed worker thread is replaced and its task retried', async () => {
    const s = await Session.local({ master: 'local[2]' });
    try {
      const marker = freshMarker('crash');
      const { result, error, events } = await recording(s, () =>
        within(
          20_000,
          s
            .parallelize(NUMS, 4)
            .map(
              (x, env) => {
                if (x === 33 && !env.fs.existsSync(env.marker)) {
                  env.fs.writeFileSync(env.marker, '1');
                  process.exit(7); // in a worker thread: ends the thread
                }
                return x * 3;
              },
              { fs: workerFs(), marker },
            )
            .collect(),
          'a job with a crashing worker',
        ),
      );
      assert.equal(error, undefined, String(error));
      assert.deepEqual(result, NUMS.map((x) => x * 3));
      const failed = failedTasks(events);
      assert.equal(failed.length, 1);
      assert.equal(failed[0]!.partition, 3);
      assert.match(failed[0]!.error?.message ?? '', /exited with code 7/);
      assert.equal(failed[0]!.error?.internal, true);
      // both workers run tasks again (once the replacement thread has started: it may take seconds on a loaded machine)
      const workers = new Set<string>();
      for (let round = 0; round < 200 && workers.size < 2; round++) {
        const { events: later } = await recording(s, () => within(20_000, s.range(0, 1000, 1, 8).map((x) => x + 1).count(), 'a job after the crash'));
        for (const e of later) if (e.type === 'taskEnd' && e.ok) workers.add(e.worker);
        if (workers.size < 2) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(workers.size, 2);
    } finally {
      await s.stop();
    }
  });

  test('local[2]: a worker that always crashes fails the job (no hang)', async () => {
    const s = await Session.local({ master: 'local[2]', maxTaskFailures: 2 });
    try {
      const err = await within(
        20_000,
        s.parallelize(NUMS, 2).map((x) => {
          if (x === 0) process.exit(5);
          return x;
        }).count().then(() => undefined, (e: unknown) => e),
        'a job with a crashing worker',
      );
      assert.ok(err instanceof TaskFailedError);
      assert.equal(err.attempts, 2);
      assert.match(err.message, /exited with code 5/);
      assert.equal(await s.range(100).count(), 100);
    } finally {
      await s.stop();
    }
  });
});

describe('cancellation', () => {
  test('local[2]: cancelAll() stops busy tasks; the job rejects with JobCancelledError and the session stays usable', async () => {
    const s = await Session.local({ master: 'local[2]' });
    try {
      const busy = s.range(0, 4, 1, 4).map((x) => {
        const end = Date.now() + 120_000;
        while (Date.now() < end) {
          /* a task that never yields */
        }
        return x;
      });
      const job = busy.count();
      setTimeout(() => s.cancelAll('test cancel'), 300);
      await assert.rejects(within(20_000, job, 'a cancelled job'), (e: unknown) => e instanceof JobCancelledError && /test cancel/.test((e as Error).message));
      // new jobs run on fresh threads
      assert.equal(await within(20_000, s.range(0, 1000, 1, 4).map((x) => x * 2).count(), 'a job after cancel'), 1000);
      const sums = await within(20_000, s.parallelize(NUMS, 3).map((x) => [x % 2, x] as const).reduceByKey((a, b) => a + b).collect(), 'a shuffle after cancel');
      assert.deepEqual(sums.sort((a, b) => a[0] - b[0]), [[0, 380], [1, 400]]);
    } finally {
      await s.stop();
    }
  });

  test('inline: cancelAll() takes effect between tasks', async () => {
    const s = await Session.local({ master: 'inline' });
    try {
      const ran = s.accumulator(0);
      const job = s.range(0, 40, 1, 40).map(
        (x, env) => {
          env.ran.add(1);
          const end = Date.now() + 100;
          while (Date.now() < end) {
            /* 100 ms of work per task: 4 s in all */
          }
          return x;
        },
        { ran },
      ).count();
      setTimeout(() => s.cancelAll(), 150);
      await assert.rejects(within(20_000, job, 'a cancelled inline job'), JobCancelledError);
      assert.ok(ran.value < 40, `the job stopped early (${ran.value} of 40 tasks ran)`);
      assert.equal(await s.range(10).count(), 10);
    } finally {
      await s.stop();
    }
  });
});

describe('corrupt shuffle files', () => {
  for (const master of IN_PROCESS_BACKENDS) {
    test(`${master}: a corrupt map output file is detected and recomputed from lineage`, async () => {
      // A budget far below the shuffle size: map outputs go to files in the spill dir.
      const s = await Session.local({ master, memory: '1m' });
      try {
        // Threads write block files in the driver's spill dir; worker processes in their own dirs under the backend's.
        const driver = (s as unknown as { engine: { driver: { spillDir: string; backend: { dir?: string } } } }).engine.driver;
        const blockRoot = driver.backend.dir ?? driver.spillDir;
        const N = 40_000;
        const grouped = s
          .range(0, N, 1, 4)
          .map((x) => [x % 400, `record-${x}-${'z'.repeat(40)}`] as [number, string])
          .groupByKey(3)
          .mapValues((vs) => vs.length);
        const first = await within(30_000, grouped.collect(), 'the first job');
        assert.equal(first.length, 400);
        assert.ok(first.every(([, n]) => n === N / 400));
        const files = (readdirSync(blockRoot, { recursive: true }) as string[])
          .map((f) => join(blockRoot, f))
          .filter((f) => statSync(f).isFile() && statSync(f).size > 0);
        assert.ok(files.length > 0, 'map outputs were written to files');
        // Flip bytes in the middle of the biggest file: a checksum mismatch for one reduce partition.
        const victim = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
        const bytes = readFileSync(victim);
        const mid = Math.floor(bytes.length / 2);
        for (let i = mid; i < Math.min(bytes.length, mid + 64); i++) bytes[i] = bytes[i]! ^ 0xff;
        writeFileSync(victim, bytes);

        const { result, error, events } = await recording(s, () => within(30_000, grouped.collect(), 'the job reading a corrupt file'));
        assert.equal(error, undefined, String(error));
        assert.equal(result!.length, 400);
        assert.ok(result!.every(([, n]) => n === N / 400), 'the right answer after recomputing');
        const failed = failedTasks(events);
        assert.ok(failed.length >= 1, 'the corrupt block was detected');
        assert.ok(failed.some((e) => /could not read output of map partition|corrupt|checksum|crc/i.test(e.error?.message ?? '')), failed.map((e) => e.error?.message).join('; '));
        const mapStageRan = events.some((e) => e.type === 'stageSubmitted' && /shuffle write/.test(e.name));
        assert.ok(mapStageRan, 'the map stage ran again for the lost output');
      } finally {
        await s.stop();
      }
    });
  }
});

describe('no threads left behind', () => {
  const child = (body: string): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> => {
    const script = join(tmp, `child-${markerCounter++}.mjs`);
    const index = new URL('../../src/index.js', import.meta.url).href;
    writeFileSync(script, `import { Session, TaskFailedError, JobCancelledError } from ${JSON.stringify(index)};\n${body}\n`);
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        p.kill('SIGKILL');
      }, 60_000); // a hang is forever; a slow start on a loaded 2-core machine is not a hang
      p.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, timedOut });
      });
    });
  };

  test('a process that ran a failing job exits by itself after stop()', async () => {
    const r = await child(`
      const s = await Session.local({ master: 'local[2]' });
      try {
        await s.range(0, 100, 1, 4).map((x) => { if (x === 50) throw new Error('boom'); return x; }).collect();
        console.log('unexpected success');
      } catch (e) {
        console.log(e instanceof TaskFailedError ? 'failed as expected' : 'wrong error ' + e);
      }
      console.log('count', await s.range(10).count());
      await s.stop();
      const left = process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort');
      console.log('left', JSON.stringify(left));
    `);
    assert.equal(r.timedOut, false, `the child hung: ${r.stdout} ${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /failed as expected/);
    assert.match(r.stdout, /count 10/);
    assert.match(r.stdout, /left \[\]/);
  });

  test('a process that cancelled a busy job exits by itself after stop()', async () => {
    // Cancelling kills the busy threads and starts replacements; stop() then comes while they are
    // starting (stop() must end them and keep the process alive until every thread has exited).
    // Thread starts are what this costs (about 0.3 s of CPU each, module loading): on a machine
    // loaded 10x over its cores that is seconds each, so the rounds are few and only the last
    // waits for the replacements (to show the session still runs jobs after a cancel).
    const r = await child(`
      for (let round = 0; round < 4; round++) {
        const s = await Session.local({ master: 'local[2]' });
        const job = s.range(0, 2, 1, 2).map((x) => { const end = Date.now() + 600000; while (Date.now() < end) {} return x; }).count();
        setTimeout(() => s.cancelAll(), 50 + round * 50);
        try { await job; console.log('unexpected success'); } catch (e) { console.log(e instanceof JobCancelledError ? 'cancelled' : 'wrong error ' + e); }
        if (round === 3) console.log('count', await s.range(0, 8, 1, 4).count());
        await s.stop();
        console.log('stopped', round);
      }
      console.log('left', JSON.stringify(process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort')));
    `);
    assert.equal(r.timedOut, false, `the child hung: ${r.stdout} ${r.stderr}`);
    assert.equal(r.code, 0, `exit code ${r.code} (13: stop() left its promise unsettled): ${r.stdout} ${r.stderr}`);
    assert.equal(r.stdout.match(/^cancelled$/gm)?.length, 4, r.stdout);
    assert.match(r.stdout, /^count 8$/m);
    assert.match(r.stdout, /stopped 3/);
    assert.match(r.stdout, /left \[\]/);
  });

  test('stop() during a running job rejects it and exits', async () => {
    const r = await child(`
      const s = await Session.local({ master: 'local[2]' });
      const job = s.range(0, 2, 1, 2).map((x) => { const end = Date.now() + 600000; while (Date.now() < end) {} return x; }).count();
      const caught = job.then(() => 'unexpected success', (e) => e.name);
      await new Promise((r) => setTimeout(r, 300));
      await s.stop();
      console.log('job', await caught);
      try { await s.range(3).count(); } catch (e) { console.log('after stop', e.message); }
    `);
    assert.equal(r.timedOut, false, `the child hung: ${r.stdout} ${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /job JobCancelledError/);
    assert.match(r.stdout, /after stop .*stopped/);
  });
});
