/**
 * Runs generated queries on sluice (optimized and unoptimized) and DuckDB and checks three things:
 * sluice's answer equals DuckDB's; the unoptimized plan's answer equals the optimized one's (every
 * optimizer rule preserves answers); and ternary logic partitioning on sluice alone: for a SELECT Q
 * and a predicate p, Q's rows are those of Q WHERE p, Q WHERE NOT p and Q WHERE p IS NULL together.
 * Tables are generated per round and reused by many queries, in one session and one database.
 */
import { Session, type DataFrame } from '../../../src/index.js';
import { collectBatches } from '../../../src/api/frame/frame-actions.js';
import { getValue } from '../../../src/frame/batch/values.js';
import { Rng } from '../../frame/oracle/random.js';
import { DuckOracle, type Row } from '../../frame/oracle/duckdb-oracle.js';
import { compareOutcomes, errorKey, type Difference, type Outcome } from './compare-results.js';
import type { Features } from './features.js';
import { QueryGen } from './query-gen.js';
import { shrink } from './shrink.js';
import { withinFeatures } from './feature-check.js';
import { isOrdered, Printer, type Expr, type Query, type Select } from './sql-ast.js';
import { randomTables, schemaOf, type FuzzTable } from './table-gen.js';

export type Check = 'duckdb' | 'optimizer' | 'tlp';

export interface Mismatch {
  check: Check;
  /** Replays this query: `--seed S --only round:index`. */
  seed: number;
  round: number;
  index: number;
  /** The backend sluice ran on. */
  master: string;
  sql: string;
  /** What sluice (optimized) answered, and what the reference (DuckDB, the unoptimized plan, or the TLP union) answered. */
  sluice: Outcome;
  reference: Outcome;
  diff: Difference;
  minimized?: string;
}

export interface RunOptions {
  seed: number;
  queries: number;
  features: Features;
  /** Queries per set of tables (default 100). */
  perRound?: number;
  /** Tables per round (default 3). */
  tables?: number;
  /** Backends sluice runs on (default local[2]); `spread` says which of them run each query. */
  masters?: readonly string[];
  /** `round-robin` (default): query i runs on masters[i mod n]; `all`: every query runs on every master. */
  spread?: 'round-robin' | 'all';
  /** Shrink each mismatch (default true). */
  minimize?: boolean;
  /** Only this round:index. */
  only?: { round: number; index: number };
  /** A query that takes longer fails as a hang, and the session is replaced (default 60 s). */
  timeoutMs?: number;
  onMismatch?: (m: Mismatch) => void;
  onProgress?: (done: number) => void;
}

export interface RunSummary {
  queries: number;
  /** Query runs: a query counts once per master it ran on (bothFailed and tlpChecks count runs). */
  runs: number;
  /** Queries both engines rejected (outside their shared dialect). */
  bothFailed: number;
  tlpChecks: number;
  mismatches: Mismatch[];
}

/** A seed for (seed, round, index): queries replay on their own, whatever ran before them. */
function mix(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) h = Math.imul(h ^ (x >>> 0), 0x01000193) ^ (h >>> 15);
  return h >>> 0;
}

/**
 * A row keyed by column name, or `name#position` for a name the output repeats (two columns named
 * `c` are both kept and compared by position; collect() records would keep one).
 */
function byPosition(names: string[], value: (i: number) => unknown): Row {
  const out: Row = {};
  names.forEach((n, i) => {
    out[names.indexOf(n) === names.lastIndexOf(n) ? n : `${n}#${i}`] = value(i);
  });
  return out;
}

/** sluice's rows as collect() gives them, but by position (see byPosition). */
async function collectPositional(df: DataFrame): Promise<Row[]> {
  const { schema, batches } = await collectBatches(df.ctx, df.plan);
  const names = schema.fields.map((f) => f.name);
  return batches.flatMap((b) => Array.from({ length: b.numRows }, (_, r) => byPosition(names, (i) => getValue(b.columns[i]!, r))));
}

/** One DuckDB and a sluice session per backend, holding the same tables; `use` picks the session that runs sluice's side. */
class Engines {
  private master: string;

  private constructor(
    private readonly sessions: Map<string, Session>,
    readonly db: DuckOracle,
    private readonly timeoutMs: number,
  ) {
    this.master = [...sessions.keys()][0]!;
  }

  static async open(masters: readonly string[], timeoutMs: number): Promise<Engines> {
    const sessions = new Map<string, Session>();
    try {
      for (const master of masters) sessions.set(master, await Session.local({ master }));
      return new Engines(sessions, await DuckOracle.open({ threads: 1 }), timeoutMs);
    } catch (e) {
      await Promise.all([...sessions.values()].map((s) => s.stop()));
      throw e;
    }
  }

  private get session(): Session {
    return this.sessions.get(this.master)!;
  }

  use(master: string): void {
    if (!this.sessions.has(master)) throw new Error(`internal: no fuzz session on ${master}`);
    this.master = master;
  }

  private tables: FuzzTable[] = [];
  private shufflePartitions = 4;

  async load(tables: FuzzTable[], shufflePartitions: number): Promise<void> {
    this.tables = tables;
    this.shufflePartitions = shufflePartitions;
    for (const s of this.sessions.values()) this.register(s);
    for (const t of tables) await this.db.load(t.name, t.data, schemaOf(t));
  }

  private register(s: Session): void {
    s.setShufflePartitions(this.shufflePartitions);
    for (const t of this.tables) s.createDataFrame(t.data, { schema: schemaOf(t), numPartitions: t.partitions }).createOrReplaceTempView(t.name);
  }

  async duck(sql: string): Promise<Outcome> {
    try {
      const { names, rows } = await this.db.queryPositional(sql);
      return { rows: rows.map((r) => byPosition(names, (i) => r[i])) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  async sluice(sql: string, optimize: boolean): Promise<Outcome> {
    return (await this.sluiceRuns(sql, [optimize]))[0]!;
  }

  /** Runs `sql` once per entry of `optimize` (the optimizer on or off), parsing it once. */
  async sluiceRuns(sql: string, optimize: boolean[]): Promise<Outcome[]> {
    let df: ReturnType<Session['sql']>;
    try {
      df = this.session.sql(sql);
    } catch (e) {
      return optimize.map(() => ({ error: (e as Error).message }));
    }
    const out: Outcome[] = [];
    for (const on of optimize) {
      // The optimizer runs when the action compiles the plan, so one parsed DataFrame serves both.
      this.session.setOptimizerEnabled(on);
      out.push(await this.collect(df));
    }
    this.session.setOptimizerEnabled(true);
    return out;
  }

  private async collect(df: ReturnType<Session['sql']>): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.timeoutMs)));
    try {
      const r = await Promise.race([collectPositional(df), timeout]);
      if (r !== 'timeout') return { rows: r };
      // A hung session is replaced so the run goes on.
      void this.session.stop().catch(() => undefined);
      const fresh = await Session.local({ master: this.master });
      this.sessions.set(this.master, fresh);
      this.register(fresh);
      return { error: `timeout: no answer in ${this.timeoutMs} ms` };
    } catch (e) {
      return { error: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.stop()));
    this.db.close();
  }
}

const and = (l: Expr, r: Expr): Expr => ({ k: 'bin', t: 'bool', op: 'AND', l, r });

/** The three TLP partitions of `q` by `p`, combined with UNION ALL (UNION for DISTINCT). */
function tlpQuery(q: Select, p: Expr): Query {
  const part = (c: Expr): Select => ({ ...q, where: q.where ? and(q.where, c) : c });
  const op = q.distinct ? 'UNION' : 'UNION ALL';
  const parts = [part(p), part({ k: 'not', t: 'bool', e: p }), part({ k: 'isnull', t: 'bool', e: p, neg: false })];
  return { k: 'setop', op, l: { k: 'setop', op, l: parts[0]!, r: parts[1]! }, r: parts[2]! };
}

export async function runFuzz(opts: RunOptions): Promise<RunSummary> {
  const perRound = opts.perRound ?? 100;
  const printer = new Printer(opts.features);
  const duckPrinter = new Printer(opts.features, 'duckdb');
  const masters = opts.masters ?? ['local[2]'];
  const engines = await Engines.open(masters, opts.timeoutMs ?? 60_000);
  const summary: RunSummary = { queries: 0, runs: 0, bothFailed: 0, tlpChecks: 0, mismatches: [] };
  try {
    const rounds = Math.ceil(opts.queries / perRound);
    for (let round = 0; round < rounds; round++) {
      if (opts.only && opts.only.round !== round) continue;
      const tableRng = new Rng(mix(opts.seed, round));
      const tables = randomTables(tableRng, opts.tables ?? 3);
      await engines.load(tables, 1 + tableRng.below(5));
      const n = Math.min(perRound, opts.queries - round * perRound);
      for (let index = 0; index < n; index++) {
        if (opts.only && opts.only.index !== index) continue;
        const on = opts.spread === 'all' ? masters : [masters[(round * perRound + index) % masters.length]!];
        for (const master of on) {
          engines.use(master);
          summary.runs++;
          // The same generator state on every master, so each runs the same query.
          const rng = new Rng(mix(opts.seed, round, index));
          const gen = new QueryGen(rng, opts.features, tables);
          const found = rng.float() < 0.25 ? await tlpCheck(gen) : await differential(validQuery(gen));
          for (const m of found) {
            const full: Mismatch = { ...m, seed: opts.seed, round, index, master };
            summary.mismatches.push(full);
            opts.onMismatch?.(full);
          }
        }
        summary.queries++;
        opts.onProgress?.(summary.queries);
      }
    }
  } finally {
    await engines.close();
  }
  return summary;

  type Found = Omit<Mismatch, 'seed' | 'round' | 'index' | 'master'>;

  /** The first generated query within the features (almost always the first one). */
  function validQuery(gen: QueryGen): Query {
    for (;;) {
      const q = gen.query();
      if (withinFeatures(q, opts.features)) return q;
    }
  }

  function validSelect(gen: QueryGen): ReturnType<QueryGen['plainSelect']> {
    for (;;) {
      const s = gen.plainSelect();
      if (withinFeatures(s.q, opts.features)) return s;
    }
  }

  /** The differences of `q` against DuckDB and against the unoptimized plan. */
  async function differential(q: Query): Promise<Found[]> {
    const sql = printer.query(q);
    const ordered = isOrdered(q);
    const duck = await engines.duck(duckPrinter.query(q));
    const [opt, unopt] = (await engines.sluiceRuns(sql, [true, false])) as [Outcome, Outcome];
    if ('error' in duck && 'error' in opt && 'error' in unopt) summary.bothFailed++;
    const out: Found[] = [];
    const vsDuck = compareOutcomes(opt, duck, ordered);
    if (vsDuck) out.push({ check: 'duckdb', sql, sluice: opt, reference: duck, diff: vsDuck });
    const vsUnopt = compareOutcomes(opt, unopt, ordered);
    if (vsUnopt) out.push({ check: 'optimizer', sql, sluice: opt, reference: unopt, diff: vsUnopt });
    if (opts.minimize === false) return out;
    for (const m of out) {
      const same = async (cand: Query): Promise<boolean> => {
        if (!withinFeatures(cand, opts.features)) return false;
        const s = printer.query(cand);
        const a = await engines.sluice(s, true);
        const b = m.check === 'duckdb' ? await engines.duck(duckPrinter.query(cand)) : await engines.sluice(s, false);
        const d = compareOutcomes(a, b, isOrdered(cand));
        return !!d && d.kind === m.diff.kind && errorKey(a) === errorKey(m.sluice) && errorKey(b) === errorKey(m.reference);
      };
      const small = await shrink(q, same);
      if (small !== q) m.minimized = printer.query(small);
    }
    return out;
  }

  /** TLP on sluice alone: Q against the union of its three partitions by a random predicate. */
  async function tlpCheck(gen: QueryGen): Promise<Found[]> {
    const { q, scope } = validSelect(gen);
    const p = gen.predicate(scope);
    summary.tlpChecks++;
    const check = async (c: { q: Select; p: Expr }): Promise<[Outcome, Outcome, string] | undefined> => {
      const sql = printer.query(c.q);
      const whole = await engines.sluice(sql, true);
      if ('error' in whole) return undefined;
      const parts = await engines.sluice(printer.query(tlpQuery(c.q, c.p)), true);
      return [whole, parts, sql];
    };
    const r = await check({ q, p });
    if (!r) return [];
    const diff = compareOutcomes(r[0], r[1], false);
    if (!diff) return [];
    const found: Found = { check: 'tlp', sql: `${r[2]}\n  partitioned by ${printer.expr(p)}\n  as ${printer.query(tlpQuery(q, p))}`, sluice: r[0], reference: r[1], diff };
    if (opts.minimize !== false) {
      const small = await shrink({ q, p }, async (c) => {
        if (!withinFeatures(tlpQuery(c.q, c.p), opts.features)) return false;
        const x = await check(c);
        const d = x && compareOutcomes(x[0], x[1], false);
        return !!d && d.kind === diff.kind;
      });
      if (small.q !== q || small.p !== p) found.minimized = `${printer.query(small.q)}\n  partitioned by ${printer.expr(small.p)}`;
    }
    return [found];
  }
}
