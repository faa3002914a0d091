import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { planFileScan, type FileFormat } from '../../../src/io/frame/scan-planner.js';
import { readFileScan, type FileScanSpec } from '../../../src/io/frame/scan-reader.js';
import { zeroMetrics } from '../../../src/util/metrics.js';

/** A fresh temp directory, removed when the process exits. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-io-frame-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function rowsOf(batch: ColumnBatch): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < batch.numRows; i++) {
    const r: Record<string, unknown> = {};
    batch.schema.fields.forEach((f, c) => (r[f.name] = getValue(batch.columns[c]!, i)));
    out.push(r);
  }
  return out;
}

export interface ScanResult {
  rows: Record<string, unknown>[];
  partitions: number;
  dropped: number;
  unitsRead: number;
  unitsSkipped: number;
  spec: FileScanSpec;
}

/** Plans a scan and reads every partition, the way driver and workers would. */
export function scanAll(
  format: FileFormat,
  paths: string | string[],
  options: Record<string, unknown> = {},
  projection: string[] | null = null,
  filters: ExprNode[] = [],
): ScanResult {
  const plan = planFileScan(format, paths, options);
  // The spec crosses a thread boundary in real use: it must survive a JSON round trip.
  const spec = JSON.parse(JSON.stringify({ kind: 'files', format, options, fileSchema: plan.fileSchema, projection, filters, partitions: plan.partitions })) as FileScanSpec;
  const res: ScanResult = { rows: [], partitions: plan.partitions.length, dropped: 0, unitsRead: 0, unitsSkipped: 0, spec };
  for (let p = 0; p < plan.partitions.length; p++) {
    const ctx = {
      metrics: zeroMetrics(),
      onDropped: (n: number) => (res.dropped += n),
      onPruned: (read: number, skipped: number) => {
        res.unitsRead += read;
        res.unitsSkipped += skipped;
      },
    };
    for (const b of readFileScan(spec, p, ctx)) res.rows.push(...rowsOf(b));
  }
  return res;
}
