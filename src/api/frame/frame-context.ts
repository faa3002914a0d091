import { basename } from 'node:path';
import type { LogicalPlan, SourceRef } from '../../frame/logical/plan.js';
import { analyze } from '../../frame/logical/analyzer.js';
import { defaultRules, optimize, requiredRules } from '../../frame/optimizer/optimizer.js';
import { planPhysical } from '../../frame/physical/planner.js';
import type { CachedStage } from '../../frame/physical/planned.js';
import type { Schema } from '../../frame/types.js';
import type { UdfDefinition } from '../../frame/expr/expr-node.js';
import { planFileScan } from '../../io/frame/scan-planner.js';
import type { PlanNode } from '../../plan/node.js';
import type { AccumulatorRegistry } from '../../driver/accumulator.js';
import type { Engine } from '../../driver/engine.js';

export type FileFormat = 'csv' | 'jsonLines' | 'parquet' | 'arrow';

/** A query on its way to running: the plan as written, analyzed, optimized, and as stages. */
export interface CompiledQuery {
  logical: LogicalPlan;
  analyzed: LogicalPlan;
  optimized: LogicalPlan;
  node: PlanNode;
  /** Shuffles planned for this query alone (not those of cached stages, which later queries share). */
  shuffles: number[];
}

/**
 * What DataFrames share within a session: the engine that runs their stages,
 * temp views (the SQL catalog), planned file scans, and cached plans.
 */
export class FrameContext {
  readonly views = new Map<string, LogicalPlan>();
  /** UDFs registered for SQL, by lower-case name. */
  readonly udfs = new Map<string, UdfDefinition>();
  /** Reduce partitions of DataFrame shuffles. */
  shufflePartitions: number;
  /** Joins whose smaller side is estimated under this many bytes broadcast it. */
  broadcastThresholdBytes = 10 * 1024 * 1024;
  /** false: queries run with only the rules execution needs (see Session.setOptimizerEnabled). */
  optimizerEnabled = true;
  private readonly scans = new Map<number, { partitions: unknown[][]; fileSchema: Schema }>();
  private readonly cacheStages = new Map<number, CachedStage>();
  /** Shuffles planned for each cached stage, freed when it is uncached. */
  private readonly cacheShuffles = new Map<number, number[]>();
  /** A cache() plan node no DataFrame can reach any more frees its blocks (as Dataset caches do). */
  private readonly cacheFinalizer = new FinalizationRegistry<number>((id) => this.uncache(id));
  private nextId = 0;

  constructor(
    readonly engine: Engine,
    readonly accumulators: AccumulatorRegistry,
  ) {
    this.shufflePartitions = Math.max(2, engine.defaultParallelism * 4);
  }

  /**
   * A scan of files: planned now (schema, splits), so errors about paths and headers surface at the call.
   * `checkFiles` vets the listed files before any is opened.
   */
  fileScan(format: FileFormat, paths: string | string[], options: Record<string, unknown>, checkFiles?: (files: string[]) => void): LogicalPlan {
    const planned = planFileScan(format, paths, options, { checkFiles, parallelism: this.engine.defaultParallelism });
    const scanId = this.nextId++;
    this.scans.set(scanId, { partitions: planned.partitions, fileSchema: planned.fileSchema });
    const first = Array.isArray(paths) ? paths[0] ?? 'files' : paths;
    const name = basename(first.replace(/[/\\]?\*.*$/, '')).replace(/\.[^.]*$/, '') || 'files';
    const source: SourceRef = { kind: 'files', format, paths: Array.isArray(paths) ? paths : [paths], options: { ...options, scanId, sizeBytes: planned.sizeBytes }, name };
    return { kind: 'scan', source, schema: planned.schema, filters: [] };
  }

  /** A `cache` plan over `input`, whose blocks are freed once no DataFrame refers to it. */
  cachePlan(input: LogicalPlan): LogicalPlan {
    const plan: LogicalPlan = { kind: 'cache', input, id: this.nextId++ };
    this.cacheFinalizer.register(plan, plan.id);
    return plan;
  }

  uncache(id: number): void {
    const stage = this.cacheStages.get(id);
    if (stage) this.engine.driver.uncache(stage.node.id);
    this.cacheStages.delete(id);
    // A query planned before this still reaching the stage would compute the shuffles again.
    this.engine.driver.releaseShuffles(this.cacheShuffles.get(id) ?? []);
    this.cacheShuffles.delete(id);
  }

  /**
   * Frees a query's own shuffles once its action is over: each action plans
   * its stages anew, so nothing reads them again (Spark keeps them until its
   * cleaner finds them unreachable; freeing them at once lets the next query
   * reuse their memory). Not for queries whose node lives on (toDataset).
   */
  release(q: CompiledQuery): void {
    this.engine.driver.releaseShuffles(q.shuffles);
  }

  analyze(plan: LogicalPlan): LogicalPlan {
    return analyze(plan);
  }

  /** Analysis, optimization and physical planning of one query. */
  compile(logical: LogicalPlan): CompiledQuery {
    const analyzed = analyze(logical);
    const rules = this.optimizerEnabled ? defaultRules : requiredRules;
    const optimized = optimize(analyzed, { broadcastThresholdBytes: this.broadcastThresholdBytes }, rules);
    const shuffles: number[] = [];
    const ids = this.engine.ids;
    const node = planPhysical(optimized, {
      ids: {
        nodeId: () => ids.nodeId(),
        shuffleId: () => {
          const id = ids.shuffleId();
          shuffles.push(id);
          return id;
        },
      },
      shufflePartitions: this.shufflePartitions,
      fileScan: (src) => {
        const s = this.scans.get(src.options.scanId as number);
        if (!s) throw new Error(`internal: file scan ${src.name} was not planned`);
        return s;
      },
      cachedStage: (id, make) => {
        let c = this.cacheStages.get(id);
        if (!c) {
          const before = shuffles.length;
          this.cacheStages.set(id, (c = make()));
          this.cacheShuffles.set(id, shuffles.splice(before));
        }
        return c;
      },
    });
    // Shuffle outputs are freed once the stages are unreachable, if release() has not freed them before.
    this.engine.driver.cleaner.track(node);
    return { logical, analyzed, optimized, node, shuffles };
  }
}
