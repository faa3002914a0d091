import type { LogicalPlan } from './plan.js';
import { planScope } from './scope.js';

/**
 * Coarse size estimates for cost decisions (join strategy). Estimates start at
 * the sources and are scaled through the plan; `undefined` means unknown, and
 * callers must then choose the option that is safe for large inputs.
 */
export interface PlanStats {
  rows?: number;
  bytes?: number;
}

/** Assumed fraction of rows a filter keeps (no column statistics yet). */
export const FILTER_SELECTIVITY = 0.5;

/** Estimated output row count of `plan`. */
export function estimateRows(plan: LogicalPlan): number | undefined {
  return estimate(plan).rows;
}

/** Estimated output size of `plan` in bytes (as the in-memory/IPC columns it produces). */
export function estimateBytes(plan: LogicalPlan): number | undefined {
  return estimate(plan).bytes;
}

export function estimate(plan: LogicalPlan): PlanStats {
  switch (plan.kind) {
    case 'scan':
      return scanStats(plan);
    case 'filter':
      return scale(estimate(plan.input), FILTER_SELECTIVITY, 1);
    case 'project':
      return scale(estimate(plan.input), 1, columnFraction(plan.exprs.length, plan.input));
    case 'aggregate': {
      const input = estimate(plan.input);
      const width = plan.groupBy.length + plan.aggs.length;
      // A global aggregate is one row; grouped ones are bounded by their input.
      if (plan.groupBy.length === 0) return { rows: 1, bytes: 8 * Math.max(1, width) };
      return scale(input, 1, columnFraction(width, plan.input));
    }
    case 'join':
      return joinStats(plan);
    case 'limit': {
      const input = estimate(plan.input);
      const rows = input.rows === undefined ? plan.n : Math.max(0, Math.min(plan.n, input.rows - plan.offset));
      const perRow = input.rows && input.bytes !== undefined ? input.bytes / input.rows : undefined;
      return { rows, bytes: perRow === undefined ? undefined : rows * perRow };
    }
    case 'union': {
      const parts = plan.inputs.map(estimate);
      return { rows: sum(parts.map((p) => p.rows)), bytes: sum(parts.map((p) => p.bytes)) };
    }
    default:
      // sort, distinct, dropDuplicates, alias, repartition, cache: at most their input.
      return estimate(plan.input);
  }
}

function scanStats(scan: Extract<LogicalPlan, { kind: 'scan' }>): PlanStats {
  const fraction = scan.projection ? scan.projection.length / Math.max(1, scan.schema.fields.length) : 1;
  const src = scan.source;
  switch (src.kind) {
    case 'memory': {
      let bytes = 0;
      for (const part of src.partitions) for (const buf of part) bytes += buf.byteLength;
      // Sources made without IPC buffers (tests, empty frames): assume 8 bytes per value.
      if (bytes === 0) bytes = src.rows * 8 * scan.schema.fields.length;
      return { rows: src.rows, bytes: bytes * fraction };
    }
    case 'files': {
      const size = src.options.sizeBytes as number | undefined;
      const rows = src.options.rows as number | undefined;
      return { rows, bytes: size === undefined ? undefined : size * fraction };
    }
    case 'dataset':
      return {};
  }
}

function joinStats(join: Extract<LogicalPlan, { kind: 'join' }>): PlanStats {
  const l = estimate(join.left);
  const r = estimate(join.right);
  if (l.rows === undefined || r.rows === undefined) return {};
  const lw = l.rows > 0 && l.bytes !== undefined ? l.bytes / l.rows : undefined;
  const rw = r.rows > 0 && r.bytes !== undefined ? r.bytes / r.rows : undefined;
  if (join.type === 'semi' || join.type === 'anti') return { rows: l.rows, bytes: l.bytes };
  if (join.type === 'mark') return { rows: l.rows, bytes: l.bytes === undefined ? undefined : l.bytes + l.rows };
  // No condition: every pair. With one: a key/foreign-key join is about as large as its larger side.
  const rows = join.on === null && !join.using ? l.rows * r.rows : Math.max(l.rows, r.rows);
  return { rows, bytes: lw === undefined || rw === undefined ? undefined : rows * (lw + rw) };
}

function scale(s: PlanStats, rowFactor: number, byteFactor: number): PlanStats {
  return {
    rows: s.rows === undefined ? undefined : Math.ceil(s.rows * rowFactor),
    bytes: s.bytes === undefined ? undefined : s.bytes * rowFactor * byteFactor,
  };
}

function columnFraction(outColumns: number, input: LogicalPlan): number {
  return outColumns / Math.max(1, planScope(input).length);
}

function sum(xs: Array<number | undefined>): number | undefined {
  let total = 0;
  for (const x of xs) {
    if (x === undefined) return undefined;
    total += x;
  }
  return total;
}
