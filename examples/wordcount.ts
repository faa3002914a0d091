/**
 * Word count, the "hello world" of MapReduce.
 *
 *   node dist/src/cli/main.js run examples/wordcount.ts [file|dir|glob] --master 'local[4]'
 *
 * Without an input it generates (once) ~50 MB of English-like text under
 * $TMPDIR/sluice-wordcount-corpus/. A word is a maximal run of letters a–z
 * after lowercasing. Prints the 20 most frequent words, the number of distinct
 * words, the megabytes read and the time taken; `sluice run` adds the stages.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Session } from 'sluice';

const CORPUS_DIR = join(tmpdir(), 'sluice-wordcount-corpus');
const CORPUS_BYTES = 50 * 1024 * 1024;
const CORPUS_FILES = 8;

export default async function wordcount(s: Session, args: string[]): Promise<void> {
  const input = args[0] ?? ensureCorpus();
  const t0 = performance.now();
  const bytes = s.accumulator(0);

  const counts = s
    .textFile(input)
    .flatMap((line, env) => {
      env.bytes.add(Buffer.byteLength(line) + 1);
      return line.toLowerCase().match(/[a-z]+/g) ?? [];
    }, { bytes })
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b)
    .cache(); // two actions below: the second reads the cached counts instead of re-reading the input

  const top = await counts.top(20, (a, b) => a[1] - b[1] || (a[0] < b[0] ? 1 : -1));
  const distinct = await counts.count();
  const secs = (performance.now() - t0) / 1000;

  const width = Math.max(...top.map(([w]) => w.length));
  console.log('top 20 words:');
  for (const [w, n] of top) console.log(`  ${w.padEnd(width)}  ${n}`);
  const mb = bytes.value / 1e6;
  console.log(`distinct words: ${distinct}`);
  console.log(`processed ${mb.toFixed(1)} MB in ${secs.toFixed(2)} s (${(mb / secs).toFixed(1)} MB/s) on ${s.master}`);
}

/** Generates the corpus once (into a temp dir, then renamed, so an interrupted run leaves nothing half-written). */
function ensureCorpus(): string {
  if (existsSync(join(CORPUS_DIR, '_SUCCESS'))) return CORPUS_DIR;
  const t0 = performance.now();
  process.stderr.write(`generating a ${CORPUS_BYTES / 1024 / 1024} MB corpus in ${CORPUS_DIR} (once)...\n`);
  const lines = sourceLines();
  // A seeded linear congruential generator: the same corpus on every machine.
  let state = 42;
  const rand = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const tmp = `${CORPUS_DIR}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  const perFile = CORPUS_BYTES / CORPUS_FILES;
  for (let f = 0; f < CORPUS_FILES; f++) {
    const chunk: string[] = [];
    let size = 0;
    // Whole source lines drawn at random: keeps English word frequencies (Zipf) without copying a text verbatim.
    while (size < perFile) {
      const line = lines[Math.floor(rand() * lines.length)]!;
      chunk.push(line);
      size += line.length + 1;
    }
    writeFileSync(join(tmp, `part-${String(f).padStart(2, '0')}.txt`), chunk.join('\n') + '\n');
  }
  writeFileSync(join(tmp, '_SUCCESS'), '');
  rmSync(CORPUS_DIR, { recursive: true, force: true });
  renameSync(tmp, CORPUS_DIR);
  process.stderr.write(`corpus ready in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return CORPUS_DIR;
}

/** English text lines: the GCIDE dictionary if installed, else the READMEs and licenses under node_modules. */
function sourceLines(): string[] {
  const dict = '/usr/share/dictd/gcide.dict.dz';
  let text: string;
  if (existsSync(dict)) {
    text = gunzipSync(readFileSync(dict)).toString('utf8').replace(/\[1913 Webster\]|\[PJC\]|\\[^\\\n]*\\/g, '');
  } else {
    text = collectDocs(join(process.cwd(), 'node_modules'), 0).join('\n');
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => /[a-zA-Z]{2}/.test(l));
  if (lines.length === 0) throw new Error('no source text found to generate a corpus: pass an input path');
  return lines;
}

function collectDocs(dir: string, depth: number): string[] {
  if (depth > 3 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...collectDocs(p, depth + 1));
    else if (/^(readme(\.md)?|license(\.md|\.txt)?)$/i.test(e.name)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}
