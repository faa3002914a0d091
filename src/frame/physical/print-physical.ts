import type { Dep, PlanNode } from '../../plan/node.js';
import type { FramePartitioning, PhysOp } from './ops.js';
import { physChildren } from './ops.js';
import { printPlanExpr } from './print-expr.js';

/**
 * The physical plan as stages: each stage's operators (one task per
 * partition), and at each exchange the shuffle that feeds it and the stage
 * that writes it.
 *
 * ```
 * Stage 1 (8 tasks)
 *   HashAggregate[final] groupBy=[city#0] aggs=[avg(salary#2) AS avg_salary]
 *     Exchange hash(city#0) into 8 partitions <- shuffle 0
 *       Stage 0 (4 tasks)
 *         HashAggregate[partial] ...
 * ```
 */
export function printPhysical(root: PlanNode): string {
  const lines: string[] = [];
  let stage = 0;
  const printStage = (node: PlanNode, indent: string, label: string): void => {
    lines.push(`${indent}Stage ${stage++} (${node.numPartitions} task${node.numPartitions === 1 ? '' : 's'})${label}`);
    printOp(node.compute.kind === 'frame' ? (node.compute.root as PhysOp) : null, node, indent + '  ');
  };
  const printOp = (op: PhysOp | null, node: PlanNode, indent: string): void => {
    if (!op) {
      lines.push(`${indent}Dataset ${node.op} (${node.numPartitions} partitions)`);
      return;
    }
    lines.push(indent + describe(op));
    if (op.op === 'exchange') {
      const dep = node.deps[op.dep] as Extract<Dep, { type: 'shuffle' }>;
      lines.push(`${indent}  <- shuffle ${dep.shuffle.shuffleId}: ${partitioning(dep.shuffle.frame as FramePartitioning, op.broadcast)}`);
      printStage(dep.node, indent + '    ', '');
      return;
    }
    if (op.op === 'records' || op.op === 'cached') {
      const parent = node.deps[op.dep]!.node;
      if (op.op === 'cached') printStage(parent, indent + '  ', ' cached');
      else lines.push(`${indent}  Dataset ${parent.op} (${parent.numPartitions} partitions)`);
      return;
    }
    for (const c of physChildren(op)) printOp(c, node, indent + '  ');
  };
  printStage(root, '', '');
  return lines.join('\n');
}

function partitioning(p: FramePartitioning, broadcast: boolean): string {
  if (broadcast) return 'broadcast to every task';
  if (p.kind === 'single') return 'single partition';
  if (p.kind === 'roundRobin') return `round-robin into ${p.numPartitions} partitions`;
  return `hash(${p.keys.map(printPlanExpr).join(', ')}) into ${p.numPartitions} partitions`;
}

const list = (xs: string[]) => `[${xs.join(', ')}]`;

function describe(op: PhysOp): string {
  switch (op.op) {
    case 'scan':
      if (op.scan.kind === 'memory') return `MemoryScan partitions=${op.scan.partitions.length} columns=${list(op.schema.fields.map((f) => f.name))}`;
      return `${op.scan.format}Scan partitions=${op.scan.partitions.length} projection=${op.scan.projection ? list(op.scan.projection) : '*'}${op.scan.filters.length ? ' filters=' + list(op.scan.filters.map(printPlanExpr)) : ''}`;
    case 'exchange':
      return `Exchange${op.broadcast ? ' (broadcast)' : ''}`;
    case 'records':
      return 'FromDataset';
    case 'cached':
      return 'InMemoryTableScan';
    case 'filter':
      return `Filter ${printPlanExpr(op.predicate)}`;
    case 'project':
      return `Project ${list(op.exprs.map((e, i) => `${printPlanExpr(e)} AS ${op.schema.fields[i]!.name}`))}`;
    case 'hashAggregate':
      return `HashAggregate[${op.mode}] groupBy=${list(op.groupBy.map(printPlanExpr))} aggs=${list(op.aggs.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(printPlanExpr).join(', ')}) AS ${a.name}`))}`;
    case 'hashJoin':
      return `HashJoin[${op.type}, build=${op.build}] on ${list(op.leftKeys.map((k, i) => `${printPlanExpr(k)} = ${printPlanExpr(op.rightKeys[i]!)}`))}${op.filter ? ' filter=' + printPlanExpr(op.filter) : ''}`;
    case 'nestedLoopJoin':
      return `NestedLoopJoin[${op.type}]${op.filter ? ' filter=' + printPlanExpr(op.filter) : ''}`;
    case 'sort':
      return `${op.limit !== undefined ? `TopK[${op.limit}]` : 'Sort'} ${list(op.keys.map((k) => `${printPlanExpr(k.expr)} ${k.ascending ? 'ASC' : 'DESC'} NULLS ${k.nullsFirst ? 'FIRST' : 'LAST'}`))}`;
    case 'limit':
      return `Limit n=${op.n}${op.offset ? ` offset=${op.offset}` : ''}`;
    case 'union':
      return `Union partitions=${list(op.partitions.map(String))}`;
    case 'dedup':
      return `Dedup keys=${list(op.keys.map(printPlanExpr))}`;
  }
}

/** A short name of a stage for progress bars and errors: its operators from the root down the first input, e.g. `project <- hashAggregate[final] <- exchange`. */
export function stageName(op: PhysOp): string {
  const names: string[] = [];
  for (let o: PhysOp | undefined = op; o; o = physChildren(o)[0]) {
    names.push(o.op === 'hashAggregate' ? `hashAggregate[${o.mode}]` : o.op === 'hashJoin' ? `hashJoin[${o.type}]` : o.op === 'scan' && o.scan.kind === 'files' ? `scan ${o.scan.format}` : o.op);
    if (names.length === 4 && physChildren(o).length) {
      names.push('…');
      break;
    }
  }
  return names.join(' <- ');
}
