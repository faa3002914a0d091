/**
 * The SQL fuzzer as a command, for runs longer than CI's:
 *
 *   npm run fuzz:sql -- --queries 100000 --seed 7 [--features all|ci|name,-name] [--master local[2][,processes[2]...]]
 *                       [--spread round-robin|all]
 *                       [--per-round 100] [--only ROUND:INDEX] [--no-minimize]
 *
 * Prints each mismatch with its seed, round and index (replay it with --only), the SQL, both
 * answers and a minimized query; exits 1 when any mismatch was found.
 */
import { parseFeatures } from './features.js';
import { showOutcome } from './compare-results.js';
import { runFuzz, type Mismatch } from './runner.js';

function parseArgs(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.includes('=') ? a.slice(2).split('=', 2) : [a.slice(2), argv[i + 1]?.startsWith('--') === false ? argv[++i] : 'true'];
    out.set(k!, v!);
  }
  return out;
}

function report(m: Mismatch): void {
  const what = { duckdb: 'sluice vs DuckDB', optimizer: 'optimized vs unoptimized plan', tlp: 'TLP: query vs its three partitions' }[m.check];
  console.log(`\n=== MISMATCH (${what}) on ${m.master}, seed ${m.seed} --only ${m.round}:${m.index}`);
  console.log(`SQL: ${m.sql}`);
  console.log(`sluice: ${showOutcome(m.sluice)}`);
  console.log(`${m.check === 'duckdb' ? 'DuckDB' : m.check === 'optimizer' ? 'unoptimized' : 'partitions'}: ${showOutcome(m.reference)}`);
  console.log(m.diff.diff);
  if (m.minimized) console.log(`minimized: ${m.minimized}`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const seed = Number(args.get('seed') ?? Date.now() % 1_000_000);
  const queries = Number(args.get('queries') ?? 1000);
  const only = args.get('only')?.split(':').map(Number);
  const started = Date.now();
  console.log(`fuzz:sql seed ${seed}, ${queries} queries`);
  const summary = await runFuzz({
    seed,
    queries,
    features: parseFeatures(args.get('features')),
    masters: args.get('master')?.split(/,(?![^[]*\])/),
    spread: args.get('spread') === 'all' ? 'all' : 'round-robin',
    perRound: args.has('per-round') ? Number(args.get('per-round')) : undefined,
    minimize: !args.has('no-minimize'),
    only: only ? { round: only[0]!, index: only[1]! } : undefined,
    onMismatch: report,
    onProgress: (n) => {
      if (n % 500 === 0) console.log(`... ${n} queries, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    },
  });
  console.log(`\n${summary.queries} queries (${summary.tlpChecks} TLP checks, ${summary.bothFailed} rejected by both engines), ${summary.mismatches.length} mismatch(es), ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = summary.mismatches.length ? 1 : 0;
}

await main();
