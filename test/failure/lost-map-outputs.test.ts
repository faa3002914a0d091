/**
 * Every map output of a shuffle lost at once (all files deleted, or all
 * corrupt): the first fetch failure finds them all, so the map stage runs
 * again once and the job succeeds, for Datasets and DataFrames, on every backend.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { col, importModule, Session, type SluiceEvent } from '../../src/index.js';
import { IN_PROCESS_BACKENDS } from '../conformance/backends.js';
import { within } from './within.js';

const spillDirOf = (s: Session): string => (s as unknown as { engine: { driver: { spillDir: string } } }).engine.driver.spillDir;
const blockFiles = (dir: string): string[] => readdirSync(dir).map((f) => join(dir, f)).filter((f) => statSync(f).isFile() && statSync(f).size > 0);

const damage = {
  deleted: (f: string) => rmSync(f),
  corrupt: (f: string) => {
    const bytes = readFileSync(f);
    const mid = Math.floor(bytes.length / 2);
    for (let i = mid; i < Math.min(bytes.length, mid + 64); i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(f, bytes);
  },
};

const N = 200_000;
const MAPS = 4;

/**
 * A job run twice: intact, then with every map output damaged before the reduce
 * side reads them. Dataset shuffles outlive their job, so their files are
 * damaged between the runs; a DataFrame query frees its shuffle when it ends,
 * so its reduce tasks damage the files themselves, once, after the first batch.
 */
const jobs: Record<string, (s: Session, how: keyof typeof damage) => { run: () => Promise<unknown>; hurt: () => Promise<unknown> }> = {
  Dataset: (s, how) => {
    const grouped = s
      .range(0, N, 1, MAPS)
      .map((x) => [x % 400, `record-${x}-${'z'.repeat(40)}`] as [number, string])
      .groupByKey(3)
      .mapValues((vs) => vs.length);
    const run = async () => (await grouped.collect()).sort((a, b) => a[0] - b[0]);
    return { run, hurt: async () => {
      const files = blockFiles(spillDirOf(s));
      assert.ok(files.length >= MAPS, `an output file per map task: ${files.join(', ')}`);
      for (const f of files) damage[how](f);
      return run();
    } };
  },
  DataFrame: (s, how) => {
    const rows = Array.from({ length: N }, (_, i) => ({ k: i % 400, v: i, pad: `record-${i}-${'z'.repeat(40)}` }));
    // Repartitioned, so every row goes through the shuffle files; into one reduce task, so no other
    // reader can see the files half damaged (and report only some of them lost).
    const df = s.createDataFrame(rows, { numPartitions: MAPS }).repartition(1, col('k'));
    const query = (env: { how: string; dir: string; marker: string; fs: typeof import('node:fs') }) =>
      df.toDataset().map((r, env) => {
        if (env.how !== 'none' && !env.fs.existsSync(env.marker)) {
          // Two reduce tasks may get here at once: only the one that creates the marker does the damage.
          let won = true;
          try {
            env.fs.writeFileSync(env.marker, '1', { flag: 'wx' });
          } catch {
            won = false;
          }
          if (won) for (const name of env.fs.readdirSync(env.dir)) {
            const f = `${env.dir}/${name}`;
            if (env.how === 'deleted') env.fs.rmSync(f);
            else {
              const bytes = env.fs.readFileSync(f);
              const mid = Math.floor(bytes.length / 2);
              for (let i = mid; i < Math.min(bytes.length, mid + 64); i++) bytes[i] = bytes[i]! ^ 0xff;
              env.fs.writeFileSync(f, bytes);
            }
          }
        }
        return [Number(r.k), Number(r.v)] as [number, number];
      }, env).collect().then((xs) => xs.sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    const fs = importModule('node:fs') as unknown as typeof import('node:fs');
    const marker = join(tmpdir(), `sluice-lost-${process.pid}-${Math.random().toString(36).slice(2)}`);
    return {
      run: () => query({ how: 'none', dir: spillDirOf(s), marker, fs }),
      hurt: () => query({ how, dir: spillDirOf(s), marker, fs }).finally(() => rmSync(marker, { force: true })),
    };
  },
};

describe('all map outputs of a shuffle lost', () => {
  for (const master of IN_PROCESS_BACKENDS) {
    for (const [api, make] of Object.entries(jobs)) {
      for (const how of Object.keys(damage)) {
        test(`${master}, ${api}: ${MAPS} of ${MAPS} map outputs ${how} are recomputed in one stage attempt`, async () => {
          // A budget far below the shuffle size: map outputs go to files in the spill dir.
          const s = await Session.local({ master, memory: '1m' });
          try {
            const { run, hurt } = make(s, how as keyof typeof damage);
            const first = await within(60_000, run(), 'the first job');
            const events: SluiceEvent[] = [];
            const off = s.on((e) => void events.push(e));
            const again = await within(60_000, hurt(), 'the job over lost outputs').finally(off);
            assert.deepEqual(again, first);
            const mapAttempts = events.filter((e): e is Extract<SluiceEvent, { type: 'stageSubmitted' }> => e.type === 'stageSubmitted' && /shuffle write/.test(e.name));
            // Each map stage ran once more, for all its outputs at once (not one lost output per attempt);
            // the DataFrame query's map stage also ran first in this job.
            const runs = new Map<number, number[]>();
            for (const e of mapAttempts) runs.set(e.stageId, [...(runs.get(e.stageId) ?? []), e.numTasks]);
            const expected = api === 'Dataset' ? [MAPS] : [MAPS, MAPS];
            assert.ok([...runs.values()].some((r) => r.length === expected.length), JSON.stringify([...runs]));
            for (const r of runs.values()) assert.ok(r.length <= expected.length, JSON.stringify([...runs]));
            assert.ok([...runs.values()].some((r) => r[r.length - 1] === MAPS), JSON.stringify([...runs]));
            const fetchFailures = events.filter((e) => e.type === 'taskEnd' && !e.ok && /could not read output of map partition/.test(e.error?.message ?? ''));
            assert.ok(fetchFailures.length >= 1);
          } finally {
            await s.stop();
          }
        });
      }
    }
  }
});
