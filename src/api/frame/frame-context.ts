import { basename } from 'node:path';
import type { LogicalPlan, SourceRef } from '../../frame/logical/plan.js';
import { analyze } from '../../frame/logical/analyzer.js';
import { optimize } from '../../frame/optimizer/optimizer.js';
import { planPhysical } from '../../frame/physical/planner.js';
import type { Schema } from '../../frame/types.js';
import { planFileScan } from '../../io/frame/scan-planner.js';
import type { PlanNode } from '../../plan/node.js';
import type { AccumulatorRegistry } from '../accumulator.js';
import type { Engine } from '../engine.js';

export type FileFormat = 'csv' | 'jsonLines' | 'parquet' | 'arrow';

/** A query on its way to running: the plan as written, analyzed, optimized, and as stages. */
export interface CompiledQuery {
  logical: LogicalPlan;
  analyzed: LogicalPlan;
  optimized: LogicalPlan;
  node: PlanNode;
}

/**
 * What DataFrames share within a session: the engine that runs their stages,
 * temp views (the SQL catalog), planned file scans, and cached plans.
 */
export class FrameContext {
  readonly views = new Map<string, LogicalPlan>();
  /** Reduce partitions of DataFrame shuffles. */
  shufflePartitions: number;
  /** Joins whose smaller side is estimated under this many bytes broadcast it. */
  broadcastThresholdBytes = 10 * 1024 * 1024;
  private readonly scans = new Map<number, { partitions: unknown[][]; fileSchema: Schema }>();
  private readonly cacheNodes = new Map<number, PlanNode>();
  /** A cache() plan node no DataFrame can reach any more frees its blocks (as Dataset caches do). */
  private readonly cacheFinalizer = new FinalizationRegistry<number>((id) => this.uncache(id));
  private nextId = 0;

  constructor(
    readonly engine: Engine,
    readonly accumulators: AccumulatorRegistry,
  ) {
    this.shufflePartitions = Math.max(2, engine.defaultParallelism * 4);
  }

  /** A scan of files: planned now (schema, splits), so errors about paths and headers surface at the call. */
  fileScan(format: FileFormat, paths: string | string[], options: Record<string, unknown>): LogicalPlan {
    const planned = planFileScan(format, paths, options);
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
    const node = this.cacheNodes.get(id);
    if (node) this.engine.driver.blocks.uncache(node.id);
    this.cacheNodes.delete(id);
  }

  analyze(plan: LogicalPlan): LogicalPlan {
    return analyze(plan);
  }

  /** Analysis, optimization and physical planning of one query. */
  compile(logical: LogicalPlan): CompiledQuery {
    const analyzed = analyze(logical);
    const optimized = optimize(analyzed, { broadcastThresholdBytes: this.broadcastThresholdBytes });
    const node = planPhysical(optimized, {
      ids: this.engine.ids,
      shufflePartitions: this.shufflePartitions,
      fileScan: (src) => {
        const s = this.scans.get(src.options.scanId as number);
        if (!s) throw new Error(`internal: file scan ${src.name} was not planned`);
        return s;
      },
      cachedNode: (id, make) => {
        let n = this.cacheNodes.get(id);
        if (!n) this.cacheNodes.set(id, (n = make()));
        return n;
      },
    });
    // Shuffle outputs of this query are freed once its stages are unreachable (after the action).
    this.engine.driver.cleaner.track(node);
    return { logical, analyzed, optimized, node };
  }
}
