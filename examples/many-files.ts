/**
 * The HPC "many files" case: one task per group of files, each file read and
 * summarized on a worker, the summaries combined on the driver.
 *
 *   node dist/src/cli/main.js run examples/many-files.ts [dir-of-csv-files] --master 'local[4]'
 *
 * Without a directory it generates (once) 200 small CSV files of sensor
 * readings under $TMPDIR/sluice-many-files/. Then it computes the same global
 * statistics twice: per file with node:fs on the workers, and with textFile
 * over the directory glob.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importModule, type Session } from 'sluice';

interface Stats {
  file: string;
  n: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

const DATA_DIR = join(tmpdir(), 'sluice-many-files');

export default async function manyFiles(s: Session, args: string[]): Promise<void> {
  const dir = resolve(args[0] ?? ensureData());
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`no .csv files in ${dir}`);

  // 1. One record per file path; each worker reads its files with node:fs.
  let t = performance.now();
  // On the worker, env.fs is the module itself.
  const fs = importModule<typeof import('node:fs')>('node:fs');
  const perFile = s
    .parallelize(files, Math.min(files.length, 4 * s.defaultParallelism))
    .map((path, env) => env.statsOf(path, env.fs.readFileSync(path, 'utf8')), { fs, statsOf })
    .cache();
  const global = await perFile.reduce((a, b, env) => env.merge(a, b), { merge });
  const hottest = await perFile.top(5, (a, b) => a.sum / a.n - b.sum / b.n);
  console.log(`per-file tasks: ${files.length} files in ${secs(t)} s`);
  print(global);
  console.log('  files with the highest mean temperature:');
  for (const f of hottest) console.log(`    ${f.file}  mean ${(f.sum / f.n).toFixed(2)}  (${f.n} readings)`);

  // 2. The same statistics from the lines of every file (textFile splits the files among tasks).
  t = performance.now();
  const viaLines = await s
    .textFile(join(dir, '*.csv'))
    .filter((line) => line !== '' && !line.startsWith('timestamp'))
    .map((line) => Number(line.split(',')[2]))
    .aggregate(
      { file: '(all)', n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity } as Stats,
      (acc, x) => ({ file: acc.file, n: acc.n + 1, sum: acc.sum + x, sumSq: acc.sumSq + x * x, min: Math.min(acc.min, x), max: Math.max(acc.max, x) }),
      (a, b, env) => env.merge(a, b),
      { merge },
    );
  console.log(`textFile over ${join(dir, '*.csv')} in ${secs(t)} s`);
  print(viaLines);
  if (viaLines.n !== global.n) throw new Error(`the two methods disagree: ${viaLines.n} vs ${global.n} readings`);
}

/** Summary of one CSV file of `timestamp,sensor,temperature,humidity` lines; runs on a worker. */
function statsOf(path: string, text: string): Stats {
  const st = { file: path.slice(path.lastIndexOf('/') + 1), n: 0, sum: 0, sumSq: 0, min: Infinity, max: -Infinity };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('timestamp')) continue;
    const x = Number(line.split(',')[2]);
    st.n++;
    st.sum += x;
    st.sumSq += x * x;
    if (x < st.min) st.min = x;
    if (x > st.max) st.max = x;
  }
  return st;
}

/** Combines two summaries (associative and commutative, as reduce requires). */
function merge(a: Stats, b: Stats): Stats {
  return { file: '(all)', n: a.n + b.n, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

function print(st: Stats): void {
  const mean = st.sum / st.n;
  const sd = Math.sqrt(Math.max(0, st.sumSq / st.n - mean * mean));
  console.log(`  ${st.n} readings: mean ${mean.toFixed(3)}, sd ${sd.toFixed(3)}, min ${st.min.toFixed(2)}, max ${st.max.toFixed(2)}`);
}

function secs(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(2);
}

/** 200 files × 2000 readings, deterministic; written to a temp dir and renamed when complete. */
function ensureData(): string {
  if (existsSync(join(DATA_DIR, '_SUCCESS'))) return DATA_DIR;
  const tmp = `${DATA_DIR}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let f = 0; f < 200; f++) {
    const sensor = `sensor-${String(f).padStart(3, '0')}`;
    const base = 15 + 10 * rand(); // each sensor has its own climate
    const rows = ['timestamp,sensor,temperature,humidity'];
    for (let i = 0; i < 2000; i++) {
      const temp = base + 5 * Math.sin(i / 100) + 2 * (rand() - 0.5);
      rows.push(`${1_700_000_000 + i * 60},${sensor},${temp.toFixed(2)},${(40 + 30 * rand()).toFixed(1)}`);
    }
    writeFileSync(join(tmp, `${sensor}.csv`), rows.join('\n') + '\n');
  }
  writeFileSync(join(tmp, '_SUCCESS'), '');
  rmSync(DATA_DIR, { recursive: true, force: true });
  renameSync(tmp, DATA_DIR);
  return DATA_DIR;
}
